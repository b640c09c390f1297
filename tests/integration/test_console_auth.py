"""Review console: logins, sessions, CSRF and roles, on SQLite and PostgreSQL (fixture in conftest.py)."""

from __future__ import annotations

import pytest
import requests

from tests.support.console_pages import LIMITED_USER, ids
from tests.support.review import PASSWORDS, csrf_token


@pytest.mark.parametrize("path", ["/", "/overview", "/conversations/1", "/admin/users", "/admin/audit"])
def test_pages_need_a_login(console, path):
    response = requests.get(console["url"] + path, allow_redirects=False, timeout=10)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/export.csv", "/export.jsonl?emergency=yes"])
def test_exports_need_a_login(console, path):
    response = requests.get(console["url"] + path, allow_redirects=False, timeout=10)
    assert response.status_code == 401
    assert "conversation" not in response.text


def test_posts_need_a_login(console):
    response = requests.post(f"{console['url']}/conversations/1/tags", data={"tag": "x"}, timeout=10,
                             allow_redirects=False)
    assert response.status_code == 401


def test_wrong_password_and_rate_limit(console):
    url = console["url"]
    name, password = LIMITED_USER
    session = requests.Session()
    for _ in range(3):
        token = csrf_token(session.get(f"{url}/login", timeout=10).text)
        response = session.post(f"{url}/login", data={"username": name, "password": "wrong-password-1",
                                                      "csrf_token": token}, timeout=10)
        assert response.status_code == 401
    token = csrf_token(session.get(f"{url}/login", timeout=10).text)
    response = session.post(f"{url}/login", data={"username": name, "password": password,
                                                  "csrf_token": token}, timeout=10, allow_redirects=False)
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0


def test_login_form_needs_its_csrf_token(console):
    response = requests.post(f"{console['url']}/login", data={"username": "admin",
                             "password": PASSWORDS["admin"]}, timeout=10, allow_redirects=False)
    assert response.status_code == 403


def test_session_cookie_is_httponly_and_samesite(console):
    session = requests.Session()
    token = csrf_token(session.get(f"{console['url']}/login", timeout=10).text)
    response = session.post(f"{console['url']}/login", data={
        "username": "reviewer", "password": PASSWORDS["reviewer"], "csrf_token": token},
        allow_redirects=False, timeout=10)
    cookie = response.headers["set-cookie"]
    assert response.status_code == 303 and "les_console_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie


def test_reviewer_cannot_use_admin_pages(console):
    reviewer, url = console["reviewer"], console["url"]
    assert reviewer.get(f"{url}/admin/users", timeout=10).status_code == 403
    assert reviewer.get(f"{url}/admin/audit", timeout=10).status_code == 403
    token = csrf_token(reviewer.get(f"{url}/", timeout=10).text)
    response = reviewer.post(f"{url}/admin/users", data={"csrf_token": token, "action": "create",
                             "username": "mallory", "password": "mallory-password-1", "role": "admin"},
                             timeout=10)
    assert response.status_code == 403
    conversation = ids(console)["pii"]
    response = reviewer.post(f"{url}/conversations/{conversation}/reveal", data={"csrf_token": token},
                             timeout=10)
    assert response.status_code == 403
    assert reviewer.get(f"{url}/export.csv?redacted=no", timeout=10).status_code == 403


def test_forms_need_the_session_csrf_token(console):
    url, reviewer = console["url"], console["reviewer"]
    conversation = ids(console)["emergency"]
    for data in ({"tag": "sneaky"}, {"tag": "sneaky", "csrf_token": "forged"}):
        response = reviewer.post(f"{url}/conversations/{conversation}/tags", data=data, timeout=10)
        assert response.status_code == 403
    # Another user's token is not this session's token either.
    admin_token = csrf_token(console["admin"].get(f"{url}/", timeout=10).text)
    response = reviewer.post(f"{url}/conversations/{conversation}/tags",
                             data={"tag": "sneaky", "csrf_token": admin_token}, timeout=10)
    assert response.status_code == 403
    assert "sneaky" not in reviewer.get(f"{url}/conversations/{conversation}", timeout=10).text
