"""The web skeleton: Chinese pages, health, OpenAPI, reference data API, login with CSRF, roles."""

import re

import pytest

from support.personas import PASSWORD, make_user


def _csrf(client, path="/login"):
    page = client.get(path)
    return re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)


def _login(client, login, password=PASSWORD, next_url=""):
    token = _csrf(client)
    return client.post("/login", data={"login": login, "password": password, "next": next_url, "_csrf_token": token},
                       follow_redirects=False)


def test_home_page_leads_each_kind_of_visitor(client):
    page = client.get("/")
    assert page.status_code == 200
    for label in ("我是求职者", "我是用人单位", "我是高校毕业生", "工作人员登录"):
        assert label in page.text
    assert 'lang="zh-CN"' in page.text and "width=device-width" in page.text


def test_healthz_reports_database_ok(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_unknown_page_gets_chinese_404(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "页面不存在" in page.text


def test_unknown_api_path_gets_json_error_with_code(client):
    response = client.get("/api/v1/towns/999999999/villages")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "town.not_found"
    assert "镇街" in response.json()["error"]["message"]


def test_openapi_schema_lists_reference_endpoints(client):
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert {"/api/v1/towns", "/api/v1/towns/{code}/villages", "/api/v1/occupations", "/api/v1/auth/token"} <= set(paths)


def test_towns_api_gives_village_counts(client):
    towns = client.get("/api/v1/towns").json()
    assert len(towns) == 16
    assert sum(t["village_count"] for t in towns) == 721
    zetou = next(t for t in towns if t["code"] == "371003107")
    assert zetou["name"] == "泽头镇" and zetou["village_count"] > 0


def test_villages_api_lists_one_towns_villages(client):
    villages = client.get("/api/v1/towns/371003107/villages").json()
    assert villages and all(v["code"].startswith("371003107") for v in villages)


def test_occupations_api_filters_and_paginates(client):
    body = client.get("/api/v1/occupations", params={"level": 4, "q": "焊", "page_size": 2}).json()
    assert body["total"] >= 2 and len(body["items"]) == 2
    assert all(item["level"] == 4 and item["level_label"] == "细类" for item in body["items"])
    assert client.get("/api/v1/occupations", params={"level": 4}).json()["total"] == 1632


def test_occupations_api_refuses_bad_level_in_chinese(client):
    response = client.get("/api/v1/occupations", params={"level": 9})
    assert response.status_code == 400 and "大类" in response.json()["error"]["message"]


def test_login_without_csrf_token_is_refused(client, db):
    user = make_user(db, role="staff")
    response = client.post("/login", data={"login": user.phone, "password": PASSWORD})
    assert response.status_code == 403


def test_staff_login_lands_on_console_and_logout_ends_session(client, db):
    user = make_user(db, role="staff", name="王丽")
    response = _login(client, user.phone)
    assert response.status_code == 303 and response.headers["location"] == "/staff"
    console = client.get("/staff")
    assert console.status_code == 200 and "综合柜员工作台" in console.text and "王丽" in console.text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', console.text).group(1)
    client.post("/logout", data={"_csrf_token": token})
    assert client.get("/staff", follow_redirects=False).status_code in (302, 303, 307)


def test_wrong_password_keeps_the_login_and_says_why(client, db):
    user = make_user(db, role="staff")
    response = _login(client, user.phone, password="wrong-password")
    assert response.status_code == 400
    assert "密码不正确" in response.text and f'value="{user.phone}"' in response.text


def test_session_is_stored_server_side_in_database(client, db):
    from sqlmodel import select

    from jobbridge.accounts.models import KVEntry

    user = make_user(db, role="staff")
    _login(client, user.phone)
    assert db.exec(select(KVEntry).where(KVEntry.namespace == "session")).first() is not None


@pytest.mark.parametrize("role", ["jobseeker", "employer_member", "coordinator", "graduate"])
def test_non_staff_roles_cannot_open_staff_console(client, db, role):
    from support.personas import make_employer

    extra = {"employer_id": make_employer(db).id} if role == "employer_member" else {}
    user = make_user(db, role="employer" if role == "employer_member" else role, **extra)
    _login(client, user.phone)
    page = client.get("/staff")
    assert page.status_code == 403 and "没有权限" in page.text


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/staff", follow_redirects=False)
    assert response.status_code in (302, 303, 307) and response.headers["location"].startswith("/login")


def test_api_token_is_issued_for_valid_credentials_only(client, db):
    user = make_user(db, role="staff")
    good = client.post("/api/v1/auth/token", json={"login": user.phone, "password": PASSWORD})
    assert good.status_code == 201 and good.json()["token_type"] == "bearer"
    bad = client.post("/api/v1/auth/token", json={"login": user.phone, "password": "nope-nope"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_credentials"


def test_login_is_rate_limited(engine, db):
    from dataclasses import replace

    from litestar.testing import TestClient

    from jobbridge.config import get_settings
    from jobbridge_web.app import create_app

    user = make_user(db, role="staff")
    app = create_app(replace(get_settings(), login_rate_per_minute=3))
    with TestClient(app=app) as client:
        codes = [
            client.post("/api/v1/auth/token", json={"login": user.phone, "password": "wrong-pass"}).status_code
            for _ in range(5)
        ]
    assert codes[:3] == [401, 401, 401] and codes[-1] == 429
