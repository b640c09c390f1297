"""The domain spaCy pipeline: normalisation, LES entity ruler and negation."""
