"""The cluster the scale tests share: started once, stopped at the end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.common.rate_limit import REDIS_URL_ENV as RATE_LIMIT_ENV
from tests.scale.cluster import Cluster, start_cluster
from tests.support.redis_server import REDIS_URL
from tests.support.slack_fake import FakeSlackApi, slack_env


@pytest.fixture(scope="session")
def cluster(model_path: Path, tmp_path_factory: pytest.TempPathFactory,
            fake_slack: FakeSlackApi) -> Iterator[Cluster]:
    """Both Rasa servers have the Slack channel on, posting to the fake Slack, and count
    their rate limits in the shared Redis (as deploy/ sets them up)."""
    workdir = tmp_path_factory.mktemp("cluster")
    running = start_cluster(workdir, model_path,
                            rasa_env={**slack_env(fake_slack), RATE_LIMIT_ENV: REDIS_URL})
    yield running
    running.stop()


@pytest.fixture(scope="session")
def store(cluster: Cluster):
    """events(sender) -> the conversation's events as stored in PostgreSQL, in order."""
    engine = sa.create_engine(cluster.db_url, pool_pre_ping=True)

    def events(sender: str) -> list[dict]:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("select data from events where sender_id = :s order by id"),
                                      {"s": sender}).fetchall()
        return [json.loads(row[0]) for row in rows]

    yield events
    engine.dispose()
