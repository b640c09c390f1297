"""Operating the bot: building, training only when needed, running the stack."""
