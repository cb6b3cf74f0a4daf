"""Staff review pages: employers, the vacancy queue, the auto-approval switch and compliance rules."""

import pytest
from sqlmodel import select

from jobbridge.accounts.models import AuditLog
from jobbridge.employers.compliance_store import ComplianceRule
from jobbridge.employers.models import Employer, Vacancy
from jobbridge.employers.vacancies import (
    create_vacancy,
    submit_for_review,
    update_vacancy,
    vacancy_input_from,
)
from jobbridge.settings_store import get_flag
from support.employer_side import employer_with_member, login, post_form
from support.personas import make_employer, make_published_vacancy, make_user, vacancy_input


@pytest.fixture
def staff_token(client, db):
    return login(client, make_user(db, role="staff", name="王丽"))


def _fresh(db, model, key):
    db.rollback()  # end any read transaction of the test, so the request's commit is visible
    db.expire_all()
    return db.get(model, key)


def test_employer_list_filters_by_status(client, db, staff_token):
    make_employer(db, name="待审公司", verified=False)
    make_employer(db, name="已认证公司")
    pending = client.get("/staff/employers?status=pending").text
    assert "待审公司" in pending and "已认证公司" not in pending
    everyone = client.get("/staff/employers?status=").text
    assert "待审公司" in everyone and "已认证公司" in everyone


def test_list_masks_contact_phone_and_detail_read_is_logged(client, db, staff_token):
    employer = make_employer(db, verified=False)
    assert "0631-8451234" not in client.get("/staff/employers").text
    assert "0631-8451234" in client.get(f"/staff/employers/{employer.id}").text
    entry = db.exec(select(AuditLog).where(AuditLog.subject_type == "employer")).one()
    assert entry.subject_id == str(employer.id) and entry.action == "read"


def test_staff_verifies_an_employer_and_is_told_so(client, db, staff_token):
    employer = make_employer(db, verified=False)
    response = post_form(client, f"/staff/employers/{employer.id}/verify", {"back": "/staff/employers?status=pending"},
                         staff_token)
    assert response.status_code == 303 and response.headers["location"] == "/staff/employers?status=pending"
    assert _fresh(db, Employer, employer.id).status == "verified"
    assert "已认证" in client.get(response.headers["location"]).text


def test_reject_needs_a_reason(client, db, staff_token):
    employer = make_employer(db, verified=False)
    response = post_form(client, f"/staff/employers/{employer.id}/reject", {"reason": " "}, staff_token)
    assert _fresh(db, Employer, employer.id).status == "pending"
    assert "请填写不通过的原因" in client.get(response.headers["location"]).text


def test_staff_rejects_suspends_and_reinstates_with_reasons(client, db, staff_token):
    pending = make_employer(db, verified=False)
    post_form(client, f"/staff/employers/{pending.id}/reject", {"reason": "执照过期"}, staff_token)
    assert _fresh(db, Employer, pending.id).reject_reason == "执照过期"
    verified = make_employer(db, name="被投诉公司")
    post_form(client, f"/staff/employers/{verified.id}/suspend", {"reason": "拖欠工资投诉"}, staff_token)
    assert _fresh(db, Employer, verified.id).status == "suspended"
    post_form(client, f"/staff/employers/{verified.id}/reinstate", {"reason": "已结清工资"}, staff_token)
    assert _fresh(db, Employer, verified.id).status == "verified"
    actions = [e.action for e in db.exec(select(AuditLog).order_by(AuditLog.id)).all()]
    assert ["employer.reject", "employer.suspend", "employer.reinstate"] == [a for a in actions if a != "read"]


def test_review_queue_shows_employer_and_flags_and_staff_approve(client, db, staff_token):
    employer = make_employer(db, name="鑫达食品")
    vacancy = create_vacancy(session=db, employer_id=employer.id,
                             data=vacancy_input(title="保洁阿姨", description="负责车间日常保洁工作。"))
    submit_for_review(session=db, vacancy=vacancy)
    db.commit()
    queue = client.get("/staff/vacancies").text
    assert "保洁阿姨" in queue and "鑫达食品" in queue and "合规提示" in queue
    detail = client.get(f"/staff/vacancies/{vacancy.id}").text
    assert "首次提交" in detail and "阿姨" in detail
    response = post_form(client, f"/staff/vacancies/{vacancy.id}/approve", {"back": "/staff/vacancies"}, staff_token)
    assert response.headers["location"] == "/staff/vacancies"
    assert _fresh(db, Vacancy, vacancy.id).status == "published"
    assert "已通过" in client.get("/staff/vacancies").text


def test_staff_reject_vacancy_with_reason(client, db, staff_token):
    employer = make_employer(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input())
    submit_for_review(session=db, vacancy=vacancy)
    db.commit()
    post_form(client, f"/staff/vacancies/{vacancy.id}/reject", {"reason": "工作地址不详"}, staff_token)
    stored = _fresh(db, Vacancy, vacancy.id)
    assert stored.status == "rejected" and stored.reject_reason == "工作地址不详"


def test_detail_shows_what_changed_since_approval(client, db, staff_token):
    vacancy = make_published_vacancy(db, employer=make_employer(db))
    data = vacancy_input_from(vacancy)
    data.pay_high = "8000"
    update_vacancy(session=db, vacancy=vacancy, data=data)
    db.commit()
    page = client.get(f"/staff/vacancies/{vacancy.id}").text
    assert "薪酬上限" in page and '<td class="old">7000</td><td class="new">8000</td>' in page


def test_approving_vacancy_of_unverified_employer_is_refused_in_chinese(client, db, staff_token):
    employer = make_employer(db, verified=False)
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input())
    submit_for_review(session=db, vacancy=vacancy)
    db.commit()
    response = post_form(client, f"/staff/vacancies/{vacancy.id}/approve", {}, staff_token)
    assert _fresh(db, Vacancy, vacancy.id).status == "pending"
    assert "请先审核单位" in client.get(response.headers["location"]).text


def test_settings_toggle_switches_auto_approval(client, db, staff_token):
    post_form(client, "/staff/settings", {"auto_approve": "1"}, staff_token)
    db.rollback()
    db.expire_all()
    assert get_flag(session=db, key="auto_approve_verified_employers")
    assert "已开启" in client.get("/staff/settings").text
    post_form(client, "/staff/settings", {"auto_approve": "0"}, staff_token)
    db.rollback()
    db.expire_all()
    assert not get_flag(session=db, key="auto_approve_verified_employers")


def test_rules_page_lists_packaged_rules_and_adds_a_valid_rule(client, db, staff_token):
    page = client.get("/staff/compliance-rules").text
    assert "gender_restriction" in page and "就业促进法" in page
    response = post_form(client, "/staff/compliance-rules", {
        "id": "uniform_fee", "category": "收费", "severity": "block", "law": "《就业服务与就业管理规定》第十四条",
        "message": "不得向求职者收取服装费", "keywords": "交服装费\n扣服装费", "fields": ["description"]}, staff_token)
    assert response.status_code == 303
    rule = db.exec(select(ComplianceRule)).one()
    assert rule.rule["keywords"] == ["交服装费", "扣服装费"] and rule.rule["fields"] == ["description"]
    assert "uniform_fee" in client.get("/staff/compliance-rules").text


def test_invalid_rule_is_refused_with_reasons_and_input_kept(client, db, staff_token):
    page = post_form(client, "/staff/compliance-rules", {
        "id": "Bad Id", "category": "收费", "severity": "block", "law": "", "message": "提示", "patterns": "("},
        staff_token)
    assert page.status_code == 400
    assert "规则编号 id" in page.text and "法律依据 law 必填" in page.text and "无法编译" in page.text
    assert 'value="Bad Id"' in page.text and db.exec(select(ComplianceRule)).first() is None


def test_staff_export_downloads_the_filtered_list(client, db, staff_token):
    from io import BytesIO

    from openpyxl import load_workbook

    make_published_vacancy(db, employer=make_employer(db, name="鑫达食品"))
    response = client.get("/staff/vacancies/export.xlsx?status=published")
    assert response.status_code == 200 and "spreadsheetml" in response.headers["content-type"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "用工单位" and rows[1][0] == "鑫达食品" and len(rows) == 2


@pytest.mark.parametrize("path", ["/staff/employers", "/staff/vacancies", "/staff/settings", "/staff/compliance-rules"])
def test_employer_members_cannot_open_staff_review_pages(client, db, path):
    _, member = employer_with_member(db)
    login(client, member)
    assert client.get(path).status_code == 403


def test_employer_member_cannot_approve_own_vacancy(client, db):
    employer, member = employer_with_member(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input())
    submit_for_review(session=db, vacancy=vacancy)
    db.commit()
    token = login(client, member)
    assert post_form(client, f"/staff/vacancies/{vacancy.id}/approve", {}, token).status_code == 403
    assert _fresh(db, Vacancy, vacancy.id).status == "pending"


def test_action_on_unknown_employer_is_a_404(client, staff_token):
    assert post_form(client, "/staff/employers/999999/verify", {}, staff_token).status_code == 404
