"""The symptom screening: its questions, reading answers from messages, the summary."""
