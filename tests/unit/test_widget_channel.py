"""The widget channel's rules that need no server: session tokens and allowed origins."""

import secrets

import pytest

from bot.server.channels import session_ids
from bot.server.channels.widget_socket import allowed_origins


def test_tokens_are_exactly_32_lower_case_hex_digits():
    token = secrets.token_hex(16)
    assert session_ids.is_valid_token(token)
    for bad in [token.upper(), token[:-1], token + "a", "g" * 32, " " + token[1:], None, 7, ["x"]]:
        assert not session_ids.is_valid_token(bad)


def test_conversation_id_is_a_stable_hash_that_does_not_contain_the_token():
    token = secrets.token_hex(16)
    conversation = session_ids.conversation_id(token)
    assert conversation == session_ids.conversation_id(token)
    assert conversation.startswith("web-") and len(conversation) == 36
    assert token not in conversation
    assert conversation != session_ids.conversation_id(secrets.token_hex(16))
    assert session_ids.is_widget_conversation(conversation)
    with pytest.raises(ValueError):
        session_ids.conversation_id("default")


@pytest.mark.parametrize("value,expected", [
    (None, None),
    ("", None),
    ("  ", None),
    ("*", "*"),
    ("https://clinic.example.org", ["https://clinic.example.org"]),
    (" https://Clinic.example.org/ , http://localhost:8080", ["https://clinic.example.org", "http://localhost:8080"]),
])
def test_allowed_origins(value, expected):
    assert allowed_origins(value) == expected


@pytest.mark.parametrize("value", ["clinic.example.org", "https://clinic.example.org/chat", "ftp://x.org",
                                   "https://a.org,*"])
def test_allowed_origins_refuses_what_is_not_an_origin(value):
    with pytest.raises(ValueError, match="WIDGET_ALLOWED_ORIGINS"):
        allowed_origins(value)


def test_the_socket_rate_limit_comes_from_credentials():
    from bot.server.channels.input_checks import DEFAULT_MAX_MESSAGES_PER_MINUTE
    from bot.server.channels.widget_socket import WidgetSocketInput

    assert WidgetSocketInput.from_credentials({"max_messages_per_minute": 5}).rate_limiter.limit == 5
    assert WidgetSocketInput.from_credentials({"max_messages_per_minute": 0}).rate_limiter.limit == 0
    assert WidgetSocketInput.from_credentials(None).rate_limiter.limit == DEFAULT_MAX_MESSAGES_PER_MINUTE


def test_a_flooding_socket_is_limited_per_conversation_and_per_socket_and_told_once():
    import asyncio

    from bot.server.channels.widget_socket import WidgetSocketInput

    channel = WidgetSocketInput(max_messages_per_minute=2)

    async def waits(sid: str, conversation: str, n: int) -> list[float]:
        return [await channel._wait_s(sid, conversation) for _ in range(n)]

    first = asyncio.run(waits("sid1", "web-a", 3))
    assert first[:2] == [0, 0] and first[2] >= 59
    # a new conversation on the same socket does not get a new budget
    assert asyncio.run(waits("sid1", "web-b", 1))[0] >= 59
    assert asyncio.run(waits("sid2", "web-c", 1)) == [0]
    assert channel._should_tell("web-a", first[2]) and not channel._should_tell("web-a", first[2])
