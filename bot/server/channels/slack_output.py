"""Rasa's SlackBot output channel with our formatting and a configurable Web API client.

The client is made once by the input channel (bot token, base URL for tests and
proxies, a retry on Slack's rate limit) and shared by every conversation. Posting
errors are logged, not raised: an exception here would abort Rasa's turn before the
tracker is saved, losing the conversation for one failed post. Besides posting, it
updates a clicked message (its buttons give way to the choice) and sends a note only
one person sees; both need only the ``chat:write`` scope.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from rasa.core.channels.slack import SlackBot
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.server.channels import slack_format

logger = logging.getLogger(__name__)


class LesSlackBot(SlackBot):
    """Posts to one channel, in one thread when ``thread_id`` is set (mentions), else at the top (DMs).

    ``user`` is the person whose conversation this is: buttons are addressed to them.
    """

    def __init__(self, client: AsyncWebClient, slack_channel: str | None = None,
                 thread_id: str | None = None, user: str | None = None) -> None:
        super().__init__(client.token or "", slack_channel, thread_id)
        self.client = client
        self.user = user

    async def _call(self, method: str, channel: str, **kwargs: Any) -> None:
        try:
            await getattr(self.client, method)(channel=channel, **kwargs)
        except (SlackClientError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("Slack %s to %s failed: %s", method.replace("_", "."), channel, error)

    async def _post_message(self, channel: str, **kwargs: Any) -> None:
        # Rasa's SlackBot passes ``as_user`` (legacy apps only) and ``type`` (not an
        # argument of chat.postMessage); neither belongs in a request from a modern app.
        kwargs.pop("as_user", None)
        kwargs.pop("type", None)
        if self.thread_id:
            kwargs["thread_ts"] = self.thread_id
        kwargs.setdefault("unfurl_links", False)
        kwargs.setdefault("unfurl_media", False)
        await self._call("chat_postMessage", channel, **kwargs)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for message in slack_format.text_messages(text):
            await self._post_message(self.slack_channel or recipient_id, **message)

    async def send_text_with_buttons(self, recipient_id: str, text: str,
                                     buttons: list[dict[str, Any]], **kwargs: Any) -> None:
        await self._post_message(self.slack_channel or recipient_id,
                                 **slack_format.button_message(text, buttons, for_user=self.user))

    async def update_message(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> None:
        """Replaces a message the bot posted (chat.update), e.g. its buttons once clicked."""
        await self._call("chat_update", channel, ts=ts, text=text, blocks=blocks)

    async def send_ephemeral(self, user: str, mrkdwn: str) -> None:
        """A message only ``user`` sees, in this channel (and thread); ``mrkdwn`` is sent as is."""
        extra = {"thread_ts": self.thread_id} if self.thread_id else {}
        await self._call("chat_postEphemeral", self.slack_channel or user, user=user, text=mrkdwn, **extra)
