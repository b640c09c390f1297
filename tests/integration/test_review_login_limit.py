"""Two console processes on one store share the failed-login count in Redis.

With LES_RATE_LIMIT_REDIS_URL set, an attacker cannot get twice the attempts by
alternating between two consoles behind a load balancer; a right password after the
limit is refused on either one (429 + Retry-After)."""

from __future__ import annotations

import requests

from tests.support.redis_server import REDIS_URL, redis_keys
from tests.support.review import cli, csrf_token, start_console

PASSWORD = "willow-copper-signal-5"


def _login(url: str, username: str, password: str) -> requests.Response:
    session = requests.Session()
    token = csrf_token(session.get(f"{url}/login", timeout=10).text)
    return session.post(f"{url}/login", data={"username": username, "password": password,
                                              "csrf_token": token}, allow_redirects=False, timeout=10)


def test_failed_logins_on_one_console_lock_the_user_out_on_the_other(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    with redis_keys() as (client, prefix):
        username = f"{prefix}dana"  # its counters in Redis are under the test's prefix
        created = cli(db_url, "add-user", username, "--role", "reviewer", "--password-stdin", stdin=PASSWORD)
        assert created.returncode == 0, created.stderr
        env = {"LES_RATE_LIMIT_REDIS_URL": REDIS_URL, "LES_CONSOLE_LOGIN_MAX_FAILURES": "2"}
        first, first_url = start_console(tmp_path, db_url, **env)
        try:
            second, second_url = start_console(tmp_path, db_url, **env)
            try:
                assert _login(first_url, username, "wrong-password-1").status_code == 401
                assert _login(second_url, username, "wrong-password-2").status_code == 401
                for url in (first_url, second_url):
                    refused = _login(url, username, PASSWORD)
                    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 800
                assert any(client.scan_iter(f"*{prefix}*"))  # counted in Redis, not in either process
            finally:
                second.stop()
        finally:
            first.stop()
