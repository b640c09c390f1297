"""Input checks of the REST channel (the HTTP behaviour is in the integration tests)."""

import pytest

from bot.channels.rest import check_body, clean_text


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
