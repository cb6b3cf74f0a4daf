"""Who may read a graduate's file and hardship facts, on pages and through the API; staff reads are audited."""

from __future__ import annotations

import pytest
from sqlmodel import select

from jobbridge.accounts.models import AuditLog
from support.graduates import bearer, login, make_graduate, seed_catalogue
from support.personas import PASSWORD, make_employer, make_user

PAGES = ["/graduates/{id}", "/graduates/{id}/sheet", "/graduates/{id}/edit"]
APIS = ["/api/v1/graduates/{id}", "/api/v1/graduates/{id}/policies", "/api/v1/graduates/{id}/recommendations"]


@pytest.fixture
def case(db):
    """A graduate with hardship facts registered at the window by their responsible staff member."""
    seed_catalogue(db)
    staff = make_user(db, role="staff", name="王丽")
    graduate = make_graduate(db, staff=staff, name="周晓彤", hardship_consent="是", hardship=["低保"],
                             graduation_date="2027-06-30")
    return staff, graduate


def outsider(db, role):
    extra = {"employer_id": make_employer(db).id} if role == "employer" else {}
    if role == "other_graduate":
        return make_graduate(db).phone
    return make_user(db, role=role, **extra).phone


@pytest.mark.parametrize("role", ["employer", "coordinator", "jobseeker", "other_graduate"])
@pytest.mark.parametrize("path", PAGES)
def test_other_roles_cannot_open_a_graduates_pages(client, db, case, role, path):
    _, graduate = case
    login(client, outsider(db, role))
    page = client.get(path.format(id=graduate.id))
    assert page.status_code in (403, 404)
    assert graduate.name not in page.text and "低保" not in page.text


@pytest.mark.parametrize("role", ["employer", "coordinator", "jobseeker", "other_graduate"])
@pytest.mark.parametrize("path", APIS)
def test_other_roles_cannot_read_a_graduate_through_the_api(client, db, case, role, path):
    _, graduate = case
    response = client.get(path.format(id=graduate.id), headers=bearer(client, outsider(db, role)))
    assert response.status_code in (403, 404) and "error" in response.json()


def test_anonymous_visitors_are_sent_to_login_and_refused_by_the_api(client, case):
    _, graduate = case
    assert client.get(f"/graduates/{graduate.id}", follow_redirects=False).status_code in (302, 303, 307)
    assert client.get(f"/api/v1/graduates/{graduate.id}").status_code == 401


def test_the_graduate_sees_their_own_file_and_hardship(client, case):
    _, graduate = case
    login(client, graduate.phone)
    page = client.get(f"/graduates/{graduate.id}")
    assert page.status_code == 200 and graduate.id_number in page.text and "<p>低保家庭" in page.text
    body = client.get(f"/api/v1/graduates/{graduate.id}", headers=bearer(client, graduate.phone)).json()
    assert body["hardship_visible"] and body["hardship"]["facts"] == ["低保"]


def test_the_responsible_staff_member_sees_hardship(client, case):
    staff, graduate = case
    body = client.get(f"/api/v1/graduates/{graduate.id}", headers=bearer(client, staff.phone)).json()
    assert body["id_number"] == graduate.id_number and body["hardship"]["facts"] == ["低保"]


def test_other_staff_see_the_file_masked_and_without_hardship(client, db, case):
    _, graduate = case
    colleague = make_user(db, role="staff", name="张强")
    body = client.get(f"/api/v1/graduates/{graduate.id}", headers=bearer(client, colleague.phone)).json()
    assert (body["hardship_visible"], body["hardship"]) == (False, None)
    assert body["id_number"] != graduate.id_number and "*" in body["phone"]
    login(client, colleague.phone)
    page = client.get(f"/graduates/{graduate.id}")
    assert page.status_code == 200 and "<p>低保家庭" not in page.text and "同意提供。" not in page.text
    assert "仅本人、首问负责人和系统管理员可见" in page.text
    edit = client.get(f"/graduates/{graduate.id}/edit")
    assert 'name="hardship"' not in edit.text


def test_other_staff_do_not_learn_hardship_from_policy_reasons(client, db, case):
    _, graduate = case
    colleague = make_user(db, role="staff")
    policies = client.get(f"/api/v1/graduates/{graduate.id}/policies", headers=bearer(client, colleague.phone)).json()
    job_search = next(p for p in policies if p["key"] == "job_search_startup_subsidy")
    assert job_search["status"] == "可能符合" and not any("低保" in m for m in job_search["met"])


def test_an_admin_sees_hardship(client, db, case):
    _, graduate = case
    admin = make_user(db, role="admin")
    body = client.get(f"/api/v1/graduates/{graduate.id}", headers=bearer(client, admin.phone)).json()
    assert body["hardship"]["facts"] == ["低保"]


@pytest.mark.parametrize("path", PAGES + APIS)
def test_every_staff_read_is_audit_logged(client, db, case, path):
    staff, graduate = case
    if path.startswith("/api/"):
        client.get(path.format(id=graduate.id), headers=bearer(client, staff.phone))
    else:
        login(client, staff.phone)
        client.get(path.format(id=graduate.id))
    db.rollback()
    entries = db.exec(select(AuditLog).where(AuditLog.subject_type == "graduate")).all()
    assert [(e.actor_id, e.action, e.subject_id) for e in entries] == [(staff.id, "read", str(graduate.id))]
    assert "含困难情形" in entries[0].detail


def test_the_graduates_own_reads_are_not_audit_logged(client, db, case):
    _, graduate = case
    login(client, graduate.phone)
    client.get(f"/graduates/{graduate.id}")
    db.rollback()
    assert db.exec(select(AuditLog).where(AuditLog.subject_type == "graduate")).all() == []


def test_only_staff_register_through_the_api(client, db):
    graduate_user = make_user(db, role="graduate")
    response = client.post("/api/v1/graduates", json={}, headers=bearer(client, graduate_user.phone, PASSWORD))
    assert response.status_code in (400, 403)
    response = client.post("/api/v1/graduates", json={"name": "x"})
    assert response.status_code == 401
