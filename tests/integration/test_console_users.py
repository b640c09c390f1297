"""Review console: the admins' Users page (fixture in conftest.py)."""

from __future__ import annotations

from tests.support.review import csrf_token, login


def test_admin_manages_users(console):
    url, admin = console["url"], console["admin"]
    token = csrf_token(admin.get(f"{url}/admin/users", timeout=10).text)
    response = admin.post(f"{url}/admin/users", data={"csrf_token": token, "action": "create",
                          "username": "nurse", "password": "blue-harbor-stone-5", "role": "reviewer"},
                          timeout=10)
    assert response.status_code == 200 and "nurse" in response.text
    nurse = login(url, "nurse", "blue-harbor-stone-5")
    assert nurse.get(f"{url}/", timeout=10).status_code == 200
    admin.post(f"{url}/admin/users", data={"csrf_token": token, "action": "disable", "username": "nurse"},
               timeout=10)
    assert nurse.get(f"{url}/", allow_redirects=False, timeout=10).status_code == 303
    weak = admin.post(f"{url}/admin/users", data={"csrf_token": token, "action": "create",
                      "username": "weak", "password": "short", "role": "reviewer"}, timeout=10)
    assert weak.status_code == 400
