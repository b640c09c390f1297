"""One conversation's message limit holds across both Rasa servers (counted in Redis).

Each server alone would let a sender that alternates between them send twice the
limit; with LES_RATE_LIMIT_REDIS_URL set they share one count."""

from __future__ import annotations

import uuid

import requests

from tests.scale.talk import REST

LIMIT = 60  # credentials.yml: max_messages_per_minute


def test_a_sender_alternating_between_servers_meets_one_limit(cluster):
    sender = f"flood-{uuid.uuid4().hex[:12]}"
    urls = [server.url + REST for server in cluster.rasa]

    def send(i: int) -> requests.Response:
        # an empty message is answered without the NLU: the limit is what is measured
        return requests.post(urls[i % 2], json={"sender": sender, "message": ""}, timeout=30)

    assert [send(i).status_code for i in range(LIMIT)] == [200] * LIMIT
    for i in (LIMIT, LIMIT + 1):  # one more on either server is refused
        refused = send(i)
        assert refused.status_code == 429, (i % 2, refused.text)
        assert 1 <= int(refused.headers["Retry-After"]) <= 61 and refused.json()["retry_after"]
    other = requests.post(urls[0], json={"sender": f"{sender}-b", "message": ""}, timeout=30)
    assert other.status_code == 200
