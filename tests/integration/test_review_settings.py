"""Console settings that need their own process: Secure cookies, an empty store, the CLI."""

from __future__ import annotations

import requests

from tests.support.review import cli, csrf_token, start_console


def test_secure_cookie_mode_on_an_empty_store(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'empty.db'}"  # no events table yet: Rasa has not started
    created = cli(db_url, "add-user", "carol", "--role", "admin", "--password-stdin",
                  stdin="harbor-lantern-meadow-2")
    assert created.returncode == 0, created.stderr
    assert "carol" in cli(db_url, "list-users").stdout
    duplicate = cli(db_url, "add-user", "carol", "--role", "admin", "--password-stdin",
                    stdin="harbor-lantern-meadow-2")
    assert duplicate.returncode == 2 and "already exists" in duplicate.stderr
    process, url = start_console(tmp_path, db_url, LES_CONSOLE_SECURE_COOKIES="1")
    try:
        session = requests.Session()
        page = session.get(f"{url}/login", timeout=10)
        assert "Secure" in page.headers["set-cookie"]
        # A browser would not send a Secure cookie over http; requests keeps it for the test.
        session.cookies.set("les_console_login_csrf", page.cookies.get("les_console_login_csrf"))
        form = {"username": "carol", "password": "harbor-lantern-meadow-2",
                "csrf_token": csrf_token(page.text)}
        response = session.post(f"{url}/login", data=form, allow_redirects=False, timeout=10)
        cookie = response.headers["set-cookie"]
        assert response.status_code == 303
        assert cookie.startswith("__Host-les_console_session=")
        assert "Secure" in cookie and "HttpOnly" in cookie
        assert response.headers["strict-transport-security"].startswith("max-age=")
        token = cookie.split(";")[0].split("=", 1)[1]
        listing = requests.get(f"{url}/", cookies={"__Host-les_console_session": token}, timeout=10)
        assert listing.status_code == 200 and 'id="total">0<' in listing.text
        assert "script-src" not in listing.headers["content-security-policy"]
        assert listing.headers["x-frame-options"] == "DENY"
    finally:
        process.stop()
    purge = cli(db_url, "retention", "--days", "30")
    assert purge.returncode == 0 and "nothing to delete" in purge.stdout
