"""Helpers the tests share (and the tools in eval/ and bench/ reuse): starting real servers,
the console stack, a private Redis, the contract's checks on replies, a fake Slack."""
