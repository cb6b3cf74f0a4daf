"""The fair API: reading is public; creating fairs, booths, registrations and check-ins need the right role."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jobbridge.employers.vacancies import today_local
from support.fairs import bearer, book, make_exhibitor, make_fair, make_visitor
from support.personas import make_user


def _new_fair(**overrides) -> dict:
    body = {"title": "2027年春风行动专场招聘会", "kind": "themed", "theme": "春风行动",
            "fair_date": (today_local() + timedelta(days=15)).isoformat(), "venue": "文登区人力资源市场",
            "booth_capacity": 40, "start_time": "08:30", "end_time": "11:30"}
    body.update(overrides)
    return body


def test_fair_list_and_detail_are_public(client, db):
    fair = make_fair(db)
    employer, vacancy, _ = make_exhibitor(db, title="叉车司机")
    book(db, fair, employer, vacancy)
    listing = client.get("/api/v1/fairs").json()
    assert [f["id"] for f in listing] == [fair.id] and listing[0]["booths_taken"] == 1
    assert listing[0]["kind_label"] == "专场招聘会" and listing[0]["status"] == "booking_open"
    detail = client.get(f"/api/v1/fairs/{fair.id}").json()
    assert detail["exhibitors"][0]["employer_name"] == employer.name
    assert detail["exhibitors"][0]["vacancies"][0]["title"] == "叉车司机"


def test_unknown_fair_is_a_json_404(client, db):
    response = client.get("/api/v1/fairs/999999")
    assert response.status_code == 404 and response.json()["error"]["code"] == "fair.not_found"


def test_staff_create_a_fair(client, db):
    headers = bearer(client, make_user(db, role="staff"))
    response = client.post("/api/v1/fairs", json=_new_fair(), headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "2027年春风行动专场招聘会" and response.json()["booth_capacity"] == 40


def test_create_fair_reports_every_field_error(client, db):
    headers = bearer(client, make_user(db, role="staff"))
    response = client.post("/api/v1/fairs", json=_new_fair(title="", theme="", booth_capacity=0), headers=headers)
    assert response.status_code == 400
    assert {"title", "theme", "booth_capacity"} <= set(response.json()["error"]["fields"])


@pytest.mark.parametrize("role", ["employer", "jobseeker", "coordinator"])
def test_only_staff_create_fairs(client, db, role):
    extra = {"employer_id": make_exhibitor(db)[0].id} if role == "employer" else {}
    headers = bearer(client, make_user(db, role=role, **extra))
    assert client.post("/api/v1/fairs", json=_new_fair(), headers=headers).status_code == 403


def test_writes_without_a_token_are_refused(client, db):
    fair = make_fair(db)
    assert client.post("/api/v1/fairs", json=_new_fair()).status_code == 401
    assert client.post(f"/api/v1/fairs/{fair.id}/registrations",
                       json={"name": "李明", "phone": "13800138000"}).status_code == 401


def test_employer_books_a_booth_then_hits_the_limit(client, db):
    fair = make_fair(db)
    _, vacancy, user = make_exhibitor(db)
    headers = bearer(client, user)
    first = client.post(f"/api/v1/fairs/{fair.id}/booths", json={"vacancy_ids": [vacancy.id]}, headers=headers)
    assert first.status_code == 201 and first.json()["status"] == "confirmed" and first.json()["booth_number"] == 1
    second = client.post(f"/api/v1/fairs/{fair.id}/booths", json={"vacancy_ids": [vacancy.id]}, headers=headers)
    assert second.status_code == 409 and second.json()["error"]["code"] == "fair.employer_limit"


def test_booth_request_with_no_vacancies_names_the_field(client, db):
    fair = make_fair(db)
    _, _, user = make_exhibitor(db)
    response = client.post(f"/api/v1/fairs/{fair.id}/booths", json={"vacancy_ids": []}, headers=bearer(client, user))
    assert response.status_code == 400 and "vacancy_ids" in response.json()["error"]["fields"]


@pytest.mark.parametrize("role", ["staff", "jobseeker"])
def test_only_employers_book_booths(client, db, role):
    fair = make_fair(db)
    response = client.post(f"/api/v1/fairs/{fair.id}/booths", json={"vacancy_ids": [1]},
                           headers=bearer(client, make_user(db, role=role)))
    assert response.status_code == 403


def test_registration_through_the_api_returns_the_code(client, db):
    fair = make_fair(db)
    headers = bearer(client, make_user(db, role="coordinator"))
    response = client.post(f"/api/v1/fairs/{fair.id}/registrations",
                           json={"name": "王芳", "phone": "13900005555", "town_code": "371003107"}, headers=headers)
    assert response.status_code == 201
    body = response.json()
    assert body["created"] and len(body["checkin_code"]) == 6 and body["pass_url"].startswith(f"/fairs/{fair.id}/pass/")


def test_check_in_through_the_api(client, db):
    fair = make_fair(db)
    visitor = make_visitor(db, fair, name="李明", phone="13812345678")
    headers = bearer(client, make_user(db, role="staff"))
    response = client.post(f"/api/v1/fairs/{fair.id}/checkins", json={"code": visitor.checkin_code}, headers=headers)
    assert response.status_code == 201
    assert response.json()["name"] == "李明" and response.json()["phone_masked"] == "138****5678"
    walk = client.post(f"/api/v1/fairs/{fair.id}/checkins", json={"walk_ins": 3}, headers=headers)
    assert walk.json()["walk_ins_recorded"] == 3
    wrong = client.post(f"/api/v1/fairs/{fair.id}/checkins", json={"code": "99999x"}, headers=headers)
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "checkin.code_format"


def test_only_staff_check_people_in(client, db):
    fair = make_fair(db)
    visitor = make_visitor(db, fair)
    response = client.post(f"/api/v1/fairs/{fair.id}/checkins", json={"code": visitor.checkin_code},
                           headers=bearer(client, make_user(db, role="jobseeker")))
    assert response.status_code == 403


def test_openapi_lists_the_fair_endpoints(client):
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert {"/api/v1/fairs", "/api/v1/fairs/{fair_id}", "/api/v1/fairs/{fair_id}/booths",
            "/api/v1/fairs/{fair_id}/registrations", "/api/v1/fairs/{fair_id}/checkins"} <= set(paths)
