"""Rasa input channels: REST with input checks, web widget assets, Slack."""
