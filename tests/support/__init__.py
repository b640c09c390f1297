"""Helpers the tests share (and the tools in eval/, bench/ and screenshot/ reuse): starting real
servers, the console stack, a private Redis, the contract's checks on replies, a fake Slack,
Debian's chromium and the widget's page object."""
