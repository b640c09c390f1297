"""The article as data: loading it and finding the passages that answer a question."""
