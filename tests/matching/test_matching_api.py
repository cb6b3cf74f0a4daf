"""Matching API: my recommendations and profile, candidates for a vacancy (roles and masking), the coder."""

from __future__ import annotations

from sqlmodel import select

from jobbridge.accounts.models import AuditLog
from jobbridge.employers.interest import register_interest
from jobbridge.vocab import Role
from support.matching import (  # noqa: F401
    WELDER,
    ZETOU,
    ZETOU_VILLAGE,
    _fresh_holders,
    bearer,
    seeker_profile,
)
from support.personas import make_employer, make_published_vacancy, make_user


def _job(db, employer=None):  # noqa: ANN001, ANN202
    return make_published_vacancy(db, employer=employer or make_employer(db), occupation_code=WELDER, town_code=ZETOU)


def test_my_recommendations_come_with_reasons(db, client):
    user = make_user(db, role=Role.JOBSEEKER)
    seeker_profile(db, user)
    vacancy = _job(db)
    body = client.get("/api/v1/me/recommendations", headers=bearer(client, user)).json()
    assert body["profile_known"] == 2
    [item] = body["items"]
    assert item["vacancy_id"] == vacancy.id and item["title"] == "电焊工"
    assert item["reasons"][:2] == ["同镇", "工种对口(焊工)"] and item["town"] == "泽头镇"


def test_my_profile_can_be_read_and_replaced(db, client):
    user = make_user(db, role=Role.JOBSEEKER)
    auth = bearer(client, user)
    assert client.get("/api/v1/me/profile", headers=auth).json()["exists"] is False
    response = client.put("/api/v1/me/profile", headers=auth, json={
        "village_code": ZETOU_VILLAGE, "wanted_work": "电焊工", "birth_year": 1985, "employment_types": ["全职"],
        "consent": True})
    assert response.status_code == 200, response.text
    body = client.get("/api/v1/me/profile", headers=auth).json()
    assert body["exists"] and body["town_code"] == ZETOU and WELDER in body["occupation_codes"]
    assert body["consent"] and body["consent_by"] == "self" and body["birth_year"] == 1985


def test_an_invalid_profile_is_refused_with_every_field_error(db, client):
    user = make_user(db, role=Role.JOBSEEKER)
    response = client.put("/api/v1/me/profile", headers=bearer(client, user),
                          json={"birth_year": 1800, "travel_range": "天涯海角"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"birth_year", "travel_range"}


def test_profile_writes_need_a_bearer_token(db, client):
    assert client.put("/api/v1/me/profile", json={"wanted_work": "电焊"}).status_code == 401


def test_other_roles_are_refused_my_recommendations(db, client):
    staff = make_user(db, role=Role.STAFF)
    assert client.get("/api/v1/me/recommendations", headers=bearer(client, staff)).status_code == 403


def test_the_owning_employer_sees_masked_candidates_until_they_register_interest(db, client):
    employer = make_employer(db)
    vacancy = _job(db, employer)
    seeker = make_user(db, role=Role.JOBSEEKER, name="张铁柱")
    seeker_profile(db, seeker)
    owner = make_user(db, role=Role.EMPLOYER, employer_id=employer.id)
    auth = bearer(client, owner)
    [candidate] = client.get(f"/api/v1/vacancies/{vacancy.id}/candidates", headers=auth).json()
    assert candidate["masked"] and candidate["name"] == "张**" and "****" in candidate["phone"]
    assert "同镇" in candidate["reasons"] and not candidate["interested"]
    register_interest(session=db, vacancy_id=vacancy.id, name="张铁柱", phone=seeker.phone, user_id=seeker.id)
    db.commit()
    [candidate] = client.get(f"/api/v1/vacancies/{vacancy.id}/candidates", headers=auth).json()
    assert candidate["interested"] and not candidate["masked"] and candidate["phone"] == seeker.phone


def test_people_who_did_not_consent_are_never_candidates(db, client):
    employer = make_employer(db)
    vacancy = _job(db, employer)
    seeker_profile(db, make_user(db, role=Role.JOBSEEKER), consent="")
    owner = make_user(db, role=Role.EMPLOYER, employer_id=employer.id)
    assert client.get(f"/api/v1/vacancies/{vacancy.id}/candidates", headers=bearer(client, owner)).json() == []


def test_another_employer_cannot_see_the_candidates(db, client):
    vacancy = _job(db)
    seeker_profile(db, make_user(db, role=Role.JOBSEEKER))
    other = make_user(db, role=Role.EMPLOYER, employer_id=make_employer(db, name="别家公司").id)
    response = client.get(f"/api/v1/vacancies/{vacancy.id}/candidates", headers=bearer(client, other))
    assert response.status_code == 404 and response.json()["error"]["code"] == "vacancy.not_found"


def test_jobseekers_and_coordinators_are_refused_the_candidates(db, client):
    vacancy = _job(db)
    for role in (Role.JOBSEEKER, Role.COORDINATOR):
        user = make_user(db, role=role)
        assert client.get(f"/api/v1/vacancies/{vacancy.id}/candidates",
                          headers=bearer(client, user)).status_code == 403
    assert client.get(f"/api/v1/vacancies/{vacancy.id}/candidates").status_code == 401


def test_staff_see_full_contacts_and_the_read_is_audit_logged(db, client):
    vacancy = _job(db)
    seeker = make_user(db, role=Role.JOBSEEKER, name="张铁柱")
    seeker_profile(db, seeker)
    staff = make_user(db, role=Role.STAFF)
    [candidate] = client.get(f"/api/v1/vacancies/{vacancy.id}/candidates", headers=bearer(client, staff)).json()
    assert candidate["phone"] == seeker.phone and candidate["name"] == "张铁柱"
    db.commit()
    entry = db.exec(select(AuditLog).where(AuditLog.subject_type == "jobseeker_profile")).one()
    assert entry.actor_id == staff.id and entry.subject_id == str(vacancy.id)


def test_anyone_may_code_a_job_title(client):
    body = client.get("/api/v1/occupations/code", params={"title": "电焊工"}).json()
    assert body == {"title": "电焊工", "code": WELDER, "name": "焊工", "level": 4, "confidence": body["confidence"]}
    assert 0 < body["confidence"] <= 1


def test_coding_an_empty_title_is_a_field_error(client):
    response = client.get("/api/v1/occupations/code", params={"title": "  "})
    assert response.status_code == 400 and response.json()["error"]["fields"] == {"title": "请填写职位名称"}


def test_the_matching_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/schema/openapi.json").json()["paths"]
    for path in ("/api/v1/me/recommendations", "/api/v1/me/profile", "/api/v1/vacancies/{vacancy_id}/candidates",
                 "/api/v1/occupations/code"):
        assert path in paths
