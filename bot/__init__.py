"""Shared library of the LES chatbot: knowledge, language, safety, channels, review."""
