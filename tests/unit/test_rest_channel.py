"""Input checks of the REST channel (the HTTP behaviour is in the integration tests)."""

import pytest

from bot.server.channels.rest import (
    DEFAULT_MAX_MESSAGES_PER_MINUTE,
    CheckedRestInput,
    check_body,
    clean_text,
    parse_body,
)


@pytest.mark.parametrize("body,problem", [
    ([], "JSON object"),
    ("hi", "JSON object"),
    ({"message": "hi"}, "'sender' is required"),
    ({"sender": "", "message": "hi"}, "'sender' is required"),
    ({"sender": 5, "message": "hi"}, "'sender' is required"),
    ({"sender": "x" * 300, "message": "hi"}, "at most"),
    ({"sender": "a", "message": 12}, "'message' must be a string"),
    ({"sender": "a", "message": "hi", "metadata": [1]}, "'metadata' must be a JSON object"),
])
def test_bad_bodies_are_named(body, problem):
    assert problem in check_body(body)


def test_good_body_passes():
    assert check_body({"sender": "abc", "message": "hello", "metadata": {"a": 1}}) is None


def test_control_characters_are_removed_but_lines_kept():
    assert clean_text("a\x00b\x07c\nd\te") == "abc\nd\te"


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00", b"[" * 100_000 + b"]" * 100_000, b""])
def test_unreadable_bodies_raise_value_error(raw):
    with pytest.raises(ValueError):
        parse_body(raw)


def test_channel_settings_come_from_credentials():
    channel = CheckedRestInput.from_credentials(
        {"max_message_chars": 100, "max_messages_per_minute": 0, "max_body_bytes": 5000})
    assert (channel.max_message_chars, channel.rate_limiter.limit, channel.max_body_bytes) == (100, 0, 5000)
    default = CheckedRestInput.from_credentials(None)
    assert (default.rate_limiter.limit, default.rate_limiter.window_s) == \
        (DEFAULT_MAX_MESSAGES_PER_MINUTE, 60)
