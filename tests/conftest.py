"""Shared fixtures: the trained model (trained once, reused), the domain pipeline,
and one real Rasa server + action server for the integration tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from bot.ops.train import train
from tests import servers


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
def stack(model_path: Path, workdir: Path) -> Iterator[dict]:
    """A running action server and Rasa server with a fresh SQLite tracker store."""
    actions, action_url = servers.start_action_server(workdir)
    db = workdir / "conversations.db"
    endpoints = servers.write_endpoints(workdir, action_url, servers.sqlite_store(db))
    try:
        rasa, url = servers.start_rasa(workdir, model_path, endpoints)
    except Exception:
        actions.stop()
        raise
    yield {"url": url, "db": db, "rasa": rasa, "actions": actions}
    rasa.stop()
    actions.stop()


@pytest.fixture(scope="session")
def bot_url(stack: dict) -> str:
    return stack["url"]


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
