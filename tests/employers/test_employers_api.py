"""Write API: registration, verification, posting, review, editing and closing; JSON errors, never a 500."""

import pytest
from sqlmodel import select

from jobbridge.employers.models import Employer, Vacancy
from support.employer_side import api_token, employer_with_member
from support.personas import make_employer, make_published_vacancy, make_user, uscc, vacancy_input

REGISTRATION = {
    "name": "文登区鑫达食品有限公司", "town_code": "371003107", "contact_name": "孙女士", "contact_phone": "13963100011",
    "member_name": "孙丽", "member_phone": "13963100012", "password": "good-password-1",
}


def _vacancy_json(**overrides) -> dict:
    data = vacancy_input(**overrides)
    body = {k: v for k, v in data.__dict__.items()}
    body["valid_until"] = body["valid_until"].isoformat()
    return body


@pytest.fixture
def staff_headers(client, db):
    return api_token(client, make_user(db, role="staff"))


def _fresh(db, model, key):
    db.rollback()
    db.expire_all()
    return db.get(model, key)


def test_anonymous_registration_creates_pending_employer_and_member(client, db):
    response = client.post("/api/v1/employers", json={**REGISTRATION, "uscc": uscc()})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["status_label"] == "待审核"
    assert _fresh(db, Employer, body["employer_id"]).name == REGISTRATION["name"]
    token = client.post("/api/v1/auth/token", json={"login": "13963100012", "password": "good-password-1"})
    assert token.status_code == 201 and token.json()["role"] == "employer"


def test_invalid_credit_code_is_refused_in_chinese_with_field(client, db):
    response = client.post("/api/v1/employers", json={**REGISTRATION, "uscc": "91371003MA3C000000", "password": "x"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "form.invalid"
    assert "校验位错误" in error["fields"]["uscc"] and "密码" in error["fields"]["password"]
    assert db.exec(select(Employer)).first() is None


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"name": 5}', b"", b'"text"'])
def test_malformed_or_mistyped_bodies_get_a_json_400(client, body):
    response = client.post("/api/v1/employers", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] and error["message"] and not error["message"].isascii()


def test_missing_fields_are_each_named(client):
    response = client.post("/api/v1/employers", json={})
    fields = response.json()["error"]["fields"]
    assert response.status_code == 400 and {"name", "uscc", "town_code", "member_phone", "password"} <= set(fields)


def test_staff_verify_and_refuse_with_reason(client, db, staff_headers):
    employer = make_employer(db, verified=False)
    response = client.post(f"/api/v1/employers/{employer.id}/verify", json={"approve": True}, headers=staff_headers)
    assert response.status_code == 200 and response.json()["status"] == "verified"
    other = make_employer(db, name="另一家公司", verified=False)
    refused = client.post(f"/api/v1/employers/{other.id}/verify", json={"approve": False}, headers=staff_headers)
    assert refused.status_code == 400 and refused.json()["error"]["fields"]["reason"]
    refused = client.post(f"/api/v1/employers/{other.id}/verify", json={"approve": False, "reason": "执照过期"},
                          headers=staff_headers)
    assert refused.json()["status"] == "rejected" and refused.json()["reject_reason"] == "执照过期"


def test_only_staff_may_verify(client, db):
    employer, member = employer_with_member(db, verified=False)
    response = client.post(f"/api/v1/employers/{employer.id}/verify", json={"approve": True},
                           headers=api_token(client, member))
    assert response.status_code == 403 and response.json()["error"]["code"]
    anonymous = client.post(f"/api/v1/employers/{employer.id}/verify", json={"approve": True})
    assert anonymous.status_code == 401


def test_member_posts_a_draft_and_submits_one(client, db):
    _, member = employer_with_member(db)
    headers = api_token(client, member)
    draft = client.post("/api/v1/vacancies", json=_vacancy_json(), headers=headers)
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    assert draft.json()["occupation_code"] == "6-18-02-04" and draft.json()["occupation_name"] == "焊工"
    submitted = client.post("/api/v1/vacancies", json={**_vacancy_json(title="叉车司机"), "submit": True}, headers=headers)
    assert submitted.status_code == 201 and submitted.json()["status"] == "pending"


@pytest.mark.parametrize("phrase", ["限男性", "仅限本地户口", "乙肝携带者勿扰", "需交押金"])
def test_blocked_posting_is_refused_with_findings(client, db, phrase):
    _, member = employer_with_member(db)
    body = {**_vacancy_json(description=f"负责钢结构件焊接工作，{phrase}。"), "submit": True}
    response = client.post("/api/v1/vacancies", json=body, headers=api_token(client, member))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "vacancy.compliance" and error["findings"][0]["law"] and "不合规" in error["message"]
    assert db.exec(select(Vacancy)).first() is None


def test_vacancy_field_errors_come_all_at_once(client, db):
    _, member = employer_with_member(db)
    response = client.post("/api/v1/vacancies", json={"title": "焊", "headcount": "many"},
                           headers=api_token(client, member))
    fields = response.json()["error"]["fields"]
    assert response.status_code == 400 and {"title", "headcount", "pay_low", "town_code", "valid_until"} <= set(fields)


def test_vacancy_with_wrong_types_gets_a_json_400(client, db):
    _, member = employer_with_member(db)
    response = client.post("/api/v1/vacancies", json={"title": ["电焊工"], "benefits": "包吃"},
                           headers=api_token(client, member))
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation"


def test_staff_approve_and_reject(client, db, staff_headers):
    employer, member = employer_with_member(db)
    headers = api_token(client, member)
    first = client.post("/api/v1/vacancies", json={**_vacancy_json(), "submit": True}, headers=headers).json()
    second = client.post("/api/v1/vacancies", json={**_vacancy_json(title="叉车司机"), "submit": True},
                         headers=headers).json()
    approved = client.post(f"/api/v1/vacancies/{first['id']}/approve", headers=staff_headers)
    assert approved.status_code == 200 and approved.json()["status"] == "published"
    no_reason = client.post(f"/api/v1/vacancies/{second['id']}/reject", json={}, headers=staff_headers)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    rejected = client.post(f"/api/v1/vacancies/{second['id']}/reject", json={"reason": "地址不详"}, headers=staff_headers)
    assert rejected.json()["status"] == "rejected" and rejected.json()["reject_reason"] == "地址不详"


def test_member_cannot_approve(client, db):
    employer, member = employer_with_member(db)
    headers = api_token(client, member)
    vacancy = client.post("/api/v1/vacancies", json={**_vacancy_json(), "submit": True}, headers=headers).json()
    assert client.post(f"/api/v1/vacancies/{vacancy['id']}/approve", headers=headers).status_code == 403


def test_put_changes_only_sent_fields_and_pay_change_sends_back_to_review(client, db):
    employer, member = employer_with_member(db)
    vacancy = make_published_vacancy(db, employer=employer)
    headers = api_token(client, member)
    response = client.put(f"/api/v1/vacancies/{vacancy.id}", json={"headcount": 5}, headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "published"
    response = client.put(f"/api/v1/vacancies/{vacancy.id}", json={"pay_low": 5500}, headers=headers)
    assert response.json()["status"] == "pending" and response.json()["pay"] == "5500-7000元/月"
    stored = _fresh(db, Vacancy, vacancy.id)
    assert stored.headcount == 5 and stored.title == "电焊工"


def test_put_with_blocked_text_leaves_vacancy_as_it_was(client, db):
    employer, member = employer_with_member(db)
    vacancy = make_published_vacancy(db, employer=employer)
    response = client.put(f"/api/v1/vacancies/{vacancy.id}", json={"description": "负责钢结构件焊接工作，限男性。"},
                          headers=api_token(client, member))
    assert response.status_code == 400 and response.json()["error"]["code"] == "vacancy.compliance"
    stored = _fresh(db, Vacancy, vacancy.id)
    assert stored.status == "published" and "限男性" not in stored.description


def test_member_cannot_change_or_close_another_employers_vacancy(client, db):
    other = make_employer(db, name="另一家公司")
    theirs = make_published_vacancy(db, employer=other)
    _, member = employer_with_member(db)
    headers = api_token(client, member)
    assert client.put(f"/api/v1/vacancies/{theirs.id}", json={"title": "改了"}, headers=headers).status_code == 404
    closed = client.post(f"/api/v1/vacancies/{theirs.id}/close", json={"outcome": "closed"}, headers=headers)
    assert closed.status_code == 404
    assert _fresh(db, Vacancy, theirs.id).status == "published"


@pytest.mark.parametrize("role", ["owner", "staff"])
def test_owner_or_staff_close_a_vacancy(client, db, role):
    employer, member = employer_with_member(db)
    vacancy = make_published_vacancy(db, employer=employer)
    headers = api_token(client, member if role == "owner" else make_user(db, role="staff"))
    response = client.post(f"/api/v1/vacancies/{vacancy.id}/close", json={"outcome": "filled"}, headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "filled"


def test_close_with_unknown_outcome_is_refused(client, db):
    employer, member = employer_with_member(db)
    vacancy = make_published_vacancy(db, employer=employer)
    response = client.post(f"/api/v1/vacancies/{vacancy.id}/close", json={"outcome": "gone"},
                           headers=api_token(client, member))
    assert response.status_code == 400 and "outcome" in response.json()["error"]["fields"]


def test_jobseeker_cannot_post_or_close(client, db):
    employer = make_employer(db)
    vacancy = make_published_vacancy(db, employer=employer)
    headers = api_token(client, make_user(db, role="jobseeker"))
    assert client.post("/api/v1/vacancies", json=_vacancy_json(), headers=headers).status_code == 403
    close = client.post(f"/api/v1/vacancies/{vacancy.id}/close", json={"outcome": "closed"}, headers=headers)
    assert close.status_code == 403


def test_session_cookie_does_not_authorise_api_writes(client, db):
    from support.employer_side import login

    _, member = employer_with_member(db)
    login(client, member)
    assert client.post("/api/v1/vacancies", json=_vacancy_json()).status_code == 401


def test_unknown_vacancy_is_a_json_404(client, db, staff_headers):
    response = client.post("/api/v1/vacancies/999999/approve", headers=staff_headers)
    assert response.status_code == 404 and response.json()["error"]["code"] == "vacancy.not_found"


def test_openapi_documents_the_write_endpoints(client):
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert {"/api/v1/employers", "/api/v1/employers/{employer_id}/verify", "/api/v1/vacancies",
            "/api/v1/vacancies/{vacancy_id}", "/api/v1/vacancies/{vacancy_id}/approve",
            "/api/v1/vacancies/{vacancy_id}/reject", "/api/v1/vacancies/{vacancy_id}/close"} <= set(paths)
    assert "put" in paths["/api/v1/vacancies/{vacancy_id}"]
