"""Slack channel configuration, posting, and the app manifest."""

import asyncio

import yaml
from slack_sdk.errors import SlackApiError

from bot import paths
from bot.common.slack_settings import DEFAULT_API_URL, SlackSettings
from bot.server.channels.slack import LesSlackInput
from bot.server.channels.slack_output import LesSlackBot


def test_settings_come_from_the_environment():
    settings = SlackSettings.from_env({"SLACK_BOT_TOKEN": " xoxb-1 ", "SLACK_SIGNING_SECRET": "s",
                                       "SLACK_API_URL": "http://127.0.0.1:9/api/"})
    assert settings == SlackSettings("xoxb-1", "s", "http://127.0.0.1:9/api/") and settings.enabled
    assert SlackSettings.from_env({}).api_url == DEFAULT_API_URL


def test_without_variables_the_channel_is_off_instead_of_failing_to_start():
    assert SlackSettings.from_env({}).missing == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
    half = LesSlackInput(SlackSettings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"}))
    assert not half.settings.enabled
    assert b"SLACK_SIGNING_SECRET" in half._unavailable().body
    assert half._unavailable().status == 503


def test_the_web_api_base_url_is_configurable():
    channel = LesSlackInput(SlackSettings("xoxb-1", "s", "http://127.0.0.1:9/api"))
    output = channel.get_output_channel("C1", "1.0")
    assert output.client.base_url == "http://127.0.0.1:9/api/" and output.client.token == "xoxb-1"
    assert output.thread_id == "1.0"


class RecordingClient:
    token = "xoxb-1"

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[dict] = []
        self.fail = fail

    async def chat_postMessage(self, **kwargs):
        self.calls.append(kwargs)
        if self.fail:
            raise SlackApiError("not_in_channel", {"ok": False, "error": "not_in_channel"})

    async def chat_update(self, **kwargs):
        await self.chat_postMessage(method="chat.update", **kwargs)

    async def chat_postEphemeral(self, **kwargs):
        await self.chat_postMessage(method="chat.postEphemeral", **kwargs)


def test_posts_go_to_the_thread_without_legacy_arguments():
    client = RecordingClient()
    bot = LesSlackBot(client, "C1", "5.0")
    buttons = [{"title": "Tests", "payload": "/ask_tests"}]
    asyncio.run(bot.send_response("U1", {"text": "Hello", "buttons": buttons}))
    asyncio.run(bot.send_text_message("U1", "first\n\nsecond"))
    first, second = client.calls
    assert first["channel"] == "C1" and first["thread_ts"] == "5.0" and "blocks" in first
    assert "as_user" not in second and "type" not in second and second["text"] == "first\n\nsecond"


def test_buttons_are_addressed_to_the_conversation_s_person_and_clicked_messages_updated():
    client = RecordingClient()
    channel = LesSlackInput(SlackSettings("xoxb-1", "s"))
    bot = channel.get_output_channel("C1", "5.0", "U7")
    bot.client = client
    question = "Is your mouth often dry?"
    asyncio.run(bot.send_text_with_buttons("U7", question, [{"title": "Yes", "payload": "/affirm"}]))
    asyncio.run(bot.update_message("C1", "6.0", question, [{"type": "context", "elements": []}]))
    asyncio.run(bot.send_ephemeral("U8", "only for <@U8>"))
    posted, updated, ephemeral = client.calls
    assert posted["blocks"][-1]["block_id"] == "buttons_0_for_U7"
    assert updated["method"] == "chat.update" and (updated["channel"], updated["ts"]) == ("C1", "6.0")
    assert "thread_ts" not in updated  # chat.update addresses the message by its own ts
    assert ephemeral == {"method": "chat.postEphemeral", "channel": "C1", "user": "U8",
                         "text": "only for <@U8>", "thread_ts": "5.0"}


def test_a_failed_post_is_logged_not_raised(caplog):
    client = RecordingClient(fail=True)
    asyncio.run(LesSlackBot(client, "D1").send_text_message("U1", "hi"))
    asyncio.run(LesSlackBot(client, "D1").send_text_message("U1", "again"))
    asyncio.run(LesSlackBot(client, "D1").update_message("D1", "1.0", "hi", []))
    assert len(client.calls) == 3 and "not_in_channel" in caplog.text and "chat.update" in caplog.text


def test_the_manifest_asks_for_what_the_channel_uses_and_no_more():
    manifest = yaml.safe_load((paths.ROOT / "bot" / "server" / "channels" / "slack_manifest.yml").read_text())
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {"app_mentions:read", "im:history", "chat:write"}
    events = manifest["settings"]["event_subscriptions"]
    assert set(events["bot_events"]) == {"app_mention", "message.im"}
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    for url in (events["request_url"], manifest["settings"]["interactivity"]["request_url"]):
        assert url.startswith("https://") and url.endswith("/webhooks/slack/webhook")
    home = manifest["features"]["app_home"]
    assert home["messages_tab_enabled"] and not home["messages_tab_read_only_enabled"]
