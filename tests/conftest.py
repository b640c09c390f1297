"""Shared fixtures: the trained model (trained once, reused), the domain pipeline,
one real Rasa server + action server for the integration tests (its Slack channel
posting to a fake Slack Web API), and a bare Rasa server (no action server, no Slack)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from bot.ops.train import train
from tests.support import servers
from tests.support.slack_fake import SLACK_SECRET, SLACK_TOKEN, FakeSlackApi, SlackSender, slack_env


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model for the current data; trained only if no model matches its inputs."""
    return train()


@pytest.fixture(scope="session")
def nlp():
    """The domain spaCy pipeline built from repo data, saved and loaded back."""
    import tempfile

    from bot.language import pipeline

    with tempfile.TemporaryDirectory() as tmp:
        out = pipeline.save(pipeline.build(), Path(tmp) / "les_en")
        yield pipeline.load(out)


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("servers")


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlackApi]:
    """The Slack Web API the bot posts to: records chat.postMessage calls."""
    fake = FakeSlackApi(SLACK_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def stack(model_path: Path, workdir: Path, fake_slack: FakeSlackApi) -> Iterator[dict]:
    """A running action server and Rasa server with a fresh SQLite tracker store."""
    actions, action_url = servers.start_action_server(workdir)
    db = workdir / "conversations.db"
    endpoints = servers.write_endpoints(workdir, action_url, servers.sqlite_store(db))
    try:
        rasa, url = servers.start_rasa(workdir, model_path, endpoints, env=slack_env(fake_slack))
    except Exception:
        actions.stop()
        raise
    yield {"url": url, "db": db, "rasa": rasa, "actions": actions}
    rasa.stop()
    actions.stop()


@pytest.fixture(scope="session")
def bot_url(stack: dict) -> str:
    return stack["url"]


@pytest.fixture(scope="session")
def slack(bot_url: str) -> SlackSender:
    """Plays Slack calling the bot's request URL, signing with the app's secret."""
    return SlackSender(f"{bot_url}/webhooks/slack/webhook", SLACK_SECRET)


@pytest.fixture(scope="session")
def bare_rasa(model_path: Path, workdir: Path) -> Iterator[tuple[servers.Process, str]]:
    """A Rasa server whose action server is down and which has no Slack variables."""
    dead = f"http://127.0.0.1:{servers.free_port()}/webhook"
    endpoints = servers.write_endpoints(workdir, dead, servers.sqlite_store(workdir / "down.db"))
    process, url = servers.start_rasa(workdir, model_path, endpoints)
    yield process, url
    process.stop()


@pytest.fixture(scope="session")
def bare_rasa_url(bare_rasa: tuple[servers.Process, str]) -> str:
    return bare_rasa[1]


@pytest.fixture
def ask(bot_url: str) -> Callable[..., list[str]]:
    """Send one message to the REST channel; a new conversation unless a sender is given."""

    def _ask(text: str, sender: str | None = None) -> list[str]:
        response = requests.post(
            f"{bot_url}/webhooks/rest/webhook",
            json={"sender": sender or f"test-{uuid.uuid4().hex}", "message": text},
            timeout=60,
        )
        response.raise_for_status()
        return [m.get("text") or "" for m in response.json()]

    return _ask
