"""Vacancy JSON API: search, detail, registering interest, the applicants list and outcomes, with role checks."""

import pytest
from sqlmodel import select

from jobbridge.accounts.models import AuditLog
from jobbridge.employers.interest import register_interest
from jobbridge.employers.models import Interest
from jobbridge.employers.service import suspend_employer
from support.browse import DASHUIPO, DASHUIPO_VILLAGE, ZETOU, public_vacancy
from support.employer_side import api_token, employer_with_member
from support.personas import make_user


def _registered(db, vacancy, phone="13863100077"):
    interest, _ = register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone=phone)
    db.commit()
    return interest


def test_search_returns_total_page_items_and_facets(client, db):
    public_vacancy(db, title="电焊工", town_code=ZETOU)
    public_vacancy(db, title="装配工", town_code=DASHUIPO, skills="", description="负责设备零件装配，按工艺要求操作。")
    body = client.get("/api/v1/vacancies", params={"town": ZETOU, "q": "焊"}).json()
    assert (body["total"], body["page"], body["page_size"], body["pages"]) == (1, 1, 20, 1)
    item = body["items"][0]
    assert (item["title"], item["pay"], item["town_name"]) == ("电焊工", "5000-7000元/月", "泽头镇")
    assert body["facets"]["towns"] == [{"value": ZETOU, "label": "泽头镇", "count": 1}]
    assert {"employment_types", "benefits", "majors"} <= set(body["facets"])


def test_search_takes_benefits_repeated_or_comma_separated(client, db):
    both = public_vacancy(db, benefits=["包吃", "包住"])
    public_vacancy(db, benefits=["包吃"])
    repeated = client.get("/api/v1/vacancies", params=[("benefits", "包吃"), ("benefits", "包住")]).json()
    commas = client.get("/api/v1/vacancies", params={"benefits": "包吃,包住"}).json()
    assert [i["id"] for i in repeated["items"]] == [both.id] == [i["id"] for i in commas["items"]]


def test_search_near_me_gives_bands(client, db):
    public_vacancy(db, town_code=DASHUIPO, village_code=DASHUIPO_VILLAGE)
    body = client.get("/api/v1/vacancies", params={"near": DASHUIPO_VILLAGE}).json()
    assert body["items"][0]["band"] == "本村"


def test_bad_filter_is_a_chinese_400_naming_the_field(client, db):
    response = client.get("/api/v1/vacancies", params={"town": "999999999"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "filter.town" and "镇街" in error["message"] and "town" in error["fields"]


def test_non_numeric_page_is_a_400(client, db):
    response = client.get("/api/v1/vacancies", params={"page": "x"})
    assert response.status_code == 400 and response.json()["error"]["message"]


def test_page_size_too_large_is_a_chinese_400(client, db):
    response = client.get("/api/v1/vacancies", params={"page_size": 500})
    assert response.status_code == 400 and "每页条数" in response.json()["error"]["message"]


def test_detail_of_a_public_vacancy_shows_the_recruitment_phone_in_full(client, db):
    vacancy = public_vacancy(db, working_hours="8:00-17:00")
    body = client.get(f"/api/v1/vacancies/{vacancy.id}").json()
    assert body["employer"]["contact_phone"] == "0631-8451234" and body["is_public"] is True
    assert (body["working_hours"], body["occupation_name"], body["pay"]) == ("8:00-17:00", "焊工", "5000-7000元/月")


def test_detail_of_a_hidden_vacancy_is_404_json_for_the_public(client, db):
    vacancy = public_vacancy(db)
    suspend_employer(session=db, employer_id=vacancy.employer_id, reason="暂停")
    db.commit()
    response = client.get(f"/api/v1/vacancies/{vacancy.id}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "vacancy.not_found"


def test_detail_of_a_hidden_vacancy_is_shown_to_its_owner_and_staff_only(client, db):
    employer, member = employer_with_member(db)
    _, stranger = employer_with_member(db, name="别家公司")
    staff = make_user(db, role="staff")
    vacancy = public_vacancy(db, employer=employer)
    vacancy.status = "closed"
    db.add(vacancy)
    db.commit()
    assert client.get(f"/api/v1/vacancies/{vacancy.id}", headers=api_token(client, member)).json()["is_public"] is False
    assert client.get(f"/api/v1/vacancies/{vacancy.id}", headers=api_token(client, staff)).status_code == 200
    assert client.get(f"/api/v1/vacancies/{vacancy.id}", headers=api_token(client, stranger)).status_code == 404


def test_anonymous_registration_is_201_and_a_repeat_is_200(client, db):
    vacancy = public_vacancy(db)
    first = client.post(f"/api/v1/vacancies/{vacancy.id}/interest", json={"name": "王大山", "phone": "13863100077"})
    again = client.post(f"/api/v1/vacancies/{vacancy.id}/interest", json={"name": "王大山", "phone": "13863100077"})
    assert first.status_code == 201 and first.json()["created"] is True and first.json()["phone"] == "138****0077"
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["id"] == first.json()["id"]


def test_registration_with_a_bad_phone_is_a_chinese_400(client, db):
    vacancy = public_vacancy(db)
    response = client.post(f"/api/v1/vacancies/{vacancy.id}/interest", json={"name": "王大山", "phone": "12345"})
    assert response.status_code == 400
    assert "phone" in response.json()["error"]["fields"]


def test_registration_for_a_hidden_vacancy_is_404(client, db):
    vacancy = public_vacancy(db)
    suspend_employer(session=db, employer_id=vacancy.employer_id, reason="暂停")
    db.commit()
    response = client.post(f"/api/v1/vacancies/{vacancy.id}/interest", json={"name": "王大山", "phone": "13863100077"})
    assert response.status_code == 404


def test_coordinator_token_registers_on_a_villagers_behalf(client, db):
    coordinator = make_user(db, role="coordinator", name="村协理员")
    vacancy = public_vacancy(db)
    response = client.post(f"/api/v1/vacancies/{vacancy.id}/interest", headers=api_token(client, coordinator),
                           json={"name": "王大山", "phone": "13863100077", "village_code": DASHUIPO_VILLAGE})
    assert response.status_code == 201 and response.json()["via"] == "coordinator"
    interest = db.exec(select(Interest)).one()
    assert (interest.registered_by, interest.village_code) == (coordinator.id, DASHUIPO_VILLAGE)


def test_owner_sees_the_applicants_with_full_phones(client, db):
    employer, member = employer_with_member(db)
    vacancy = public_vacancy(db, employer=employer)
    _registered(db, vacancy)
    body = client.get(f"/api/v1/vacancies/{vacancy.id}/interests", headers=api_token(client, member)).json()
    assert [(i["name"], i["phone"], i["status"]) for i in body] == [("王大山", "13863100077", "已报名")]


def test_staff_read_of_the_applicants_is_recorded_in_the_audit_log(client, db):
    staff = make_user(db, role="staff")
    vacancy = public_vacancy(db)
    _registered(db, vacancy)
    body = client.get(f"/api/v1/vacancies/{vacancy.id}/interests", headers=api_token(client, staff)).json()
    assert body[0]["phone"] == "13863100077"
    entry = db.exec(select(AuditLog).where(AuditLog.subject_type == "vacancy_interests")).one()
    assert (entry.actor_id, entry.subject_id, entry.action) == (staff.id, str(vacancy.id), "read")


def test_another_employer_cannot_list_the_applicants(client, db):
    vacancy = public_vacancy(db)
    _, stranger = employer_with_member(db, name="别家公司")
    _registered(db, vacancy)
    response = client.get(f"/api/v1/vacancies/{vacancy.id}/interests", headers=api_token(client, stranger))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["jobseeker", "coordinator", "graduate"])
def test_other_roles_cannot_list_the_applicants(client, db, role):
    vacancy = public_vacancy(db)
    user = make_user(db, role=role)
    response = client.get(f"/api/v1/vacancies/{vacancy.id}/interests", headers=api_token(client, user))
    assert response.status_code == 403


def test_anonymous_caller_cannot_list_the_applicants(client, db):
    vacancy = public_vacancy(db)
    assert client.get(f"/api/v1/vacancies/{vacancy.id}/interests").status_code == 401


def test_owner_records_an_outcome(client, db):
    employer, member = employer_with_member(db)
    vacancy = public_vacancy(db, employer=employer)
    interest = _registered(db, vacancy)
    response = client.post(f"/api/v1/interests/{interest.id}/outcome", headers=api_token(client, member),
                           json={"status": "已录用"})
    assert response.status_code == 200 and response.json()["status"] == "已录用"
    db.expire_all()
    assert db.get(Interest, interest.id).status == "已录用"


def test_another_employer_cannot_record_an_outcome(client, db):
    vacancy = public_vacancy(db)
    _, stranger = employer_with_member(db, name="别家公司")
    interest = _registered(db, vacancy)
    response = client.post(f"/api/v1/interests/{interest.id}/outcome", headers=api_token(client, stranger),
                           json={"status": "未录用"})
    assert response.status_code == 404
    db.expire_all()
    assert db.get(Interest, interest.id).status == "已报名"


def test_jobseeker_cannot_record_an_outcome(client, db):
    vacancy = public_vacancy(db)
    person = make_user(db, role="jobseeker")
    interest = _registered(db, vacancy)
    response = client.post(f"/api/v1/interests/{interest.id}/outcome", headers=api_token(client, person),
                           json={"status": "已录用"})
    assert response.status_code == 403


def test_outcome_without_a_token_is_401(client, db):
    vacancy = public_vacancy(db)
    interest = _registered(db, vacancy)
    assert client.post(f"/api/v1/interests/{interest.id}/outcome", json={"status": "已录用"}).status_code == 401


def test_unknown_outcome_is_a_chinese_400(client, db):
    employer, member = employer_with_member(db)
    vacancy = public_vacancy(db, employer=employer)
    interest = _registered(db, vacancy)
    response = client.post(f"/api/v1/interests/{interest.id}/outcome", headers=api_token(client, member),
                           json={"status": "录用了"})
    assert response.status_code == 400 and "跟进状态" in response.json()["error"]["message"]


def test_openapi_lists_the_vacancy_endpoints(client):
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert {"/api/v1/vacancies", "/api/v1/vacancies/{vacancy_id}", "/api/v1/vacancies/{vacancy_id}/interest",
            "/api/v1/vacancies/{vacancy_id}/interests", "/api/v1/interests/{interest_id}/outcome"} <= set(paths)
