"""Custom actions served by the Rasa SDK action server (one concern per module)."""
