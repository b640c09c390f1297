"""Rasa's SlackBot output channel with our formatting and a configurable Web API client.

The client is made once by the input channel (bot token, base URL for tests and
proxies, a retry on Slack's rate limit) and shared by every conversation. Posting
errors are logged, not raised: an exception here would abort Rasa's turn before the
tracker is saved, losing the conversation for one failed post.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from rasa.core.channels.slack import SlackBot
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels import slack_format

logger = logging.getLogger(__name__)


class LesSlackBot(SlackBot):
    """Posts to one channel, in one thread when ``thread_id`` is set (mentions), else at the top (DMs)."""

    def __init__(self, client: AsyncWebClient, slack_channel: str | None = None,
                 thread_id: str | None = None) -> None:
        super().__init__(client.token or "", slack_channel, thread_id)
        self.client = client

    async def _post_message(self, channel: str, **kwargs: Any) -> None:
        # Rasa's SlackBot passes ``as_user`` (legacy apps only) and ``type`` (not an
        # argument of chat.postMessage); neither belongs in a request from a modern app.
        kwargs.pop("as_user", None)
        kwargs.pop("type", None)
        if self.thread_id:
            kwargs["thread_ts"] = self.thread_id
        kwargs.setdefault("unfurl_links", False)
        kwargs.setdefault("unfurl_media", False)
        try:
            await self.client.chat_postMessage(channel=channel, **kwargs)
        except (SlackClientError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("Slack chat.postMessage to %s failed: %s", channel, error)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for message in slack_format.text_messages(text):
            await self._post_message(self.slack_channel or recipient_id, **message)

    async def send_text_with_buttons(self, recipient_id: str, text: str,
                                     buttons: list[dict[str, Any]], **kwargs: Any) -> None:
        await self._post_message(self.slack_channel or recipient_id,
                                 **slack_format.button_message(text, buttons))
