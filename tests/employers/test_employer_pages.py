"""Employer self-registration, the dashboard, member accounts, and that one employer never sees another's data."""

import pytest
from sqlmodel import select

from jobbridge.accounts.models import User
from jobbridge.employers.models import Employer
from jobbridge.employers.vacancies import create_vacancy
from support.employer_side import csrf, employer_with_member, login, post_form
from support.personas import make_user, uscc, vacancy_input

REGISTRATION = {
    "name": "文登区鑫达食品有限公司", "industry": "制造业", "size": "20-99人", "town_code": "371003107",
    "village_code": "", "address": "泽头镇驻地", "contact_name": "孙女士", "contact_phone": "0631-8451234",
    "member_name": "孙丽", "member_phone": "13963100001", "password": "good-password-1",
}


def test_registration_page_has_every_field_and_a_village_select_grouped_by_town(client):
    page = client.get("/employer/register")
    assert page.status_code == 200
    for name in ("name", "uscc", "industry", "size", "town_code", "village_code", "address", "contact_name",
                 "contact_phone", "member_name", "member_phone", "password"):
        assert f'name="{name}"' in page.text
    assert '<optgroup label="泽头镇">' in page.text


def test_registration_creates_pending_employer_and_member_and_signs_in(client, db):
    token = csrf(client, "/employer/register")
    response = post_form(client, "/employer/register", {**REGISTRATION, "uscc": uscc()}, token)
    assert response.status_code == 303 and response.headers["location"] == "/employer"
    employer = db.exec(select(Employer).where(Employer.name == REGISTRATION["name"])).one()
    member = db.exec(select(User).where(User.phone == "13963100001")).one()
    assert employer.status == "pending" and member.role == "employer" and member.employer_id == employer.id
    dashboard = client.get("/employer")
    assert "待审核" in dashboard.text and REGISTRATION["name"] in dashboard.text and "已提交注册" in dashboard.text


def test_invalid_credit_code_is_refused_in_chinese_and_input_kept(client, db):
    token = csrf(client, "/employer/register")
    response = post_form(client, "/employer/register", {**REGISTRATION, "uscc": "91371003MA3C000000"}, token)
    assert response.status_code == 400
    assert "统一社会信用代码校验位错误" in response.text
    assert 'value="文登区鑫达食品有限公司"' in response.text and 'value="0631-8451234"' in response.text
    assert db.exec(select(Employer)).first() is None and db.exec(select(User)).first() is None


def test_registration_reports_every_bad_field_at_once(client):
    token = csrf(client, "/employer/register")
    response = post_form(client, "/employer/register",
                         {**REGISTRATION, "uscc": "", "town_code": "", "member_phone": "123", "password": "short"},
                         token)
    assert response.status_code == 400
    for message in ("请填写统一社会信用代码", "请选择单位所在镇街", "手机号码", "密码至少需要8位"):
        assert message in response.text


def test_registration_with_a_taken_phone_is_refused(client, db):
    taken = make_user(db, role="jobseeker")
    token = csrf(client, "/employer/register")
    response = post_form(client, "/employer/register", {**REGISTRATION, "uscc": uscc(), "member_phone": taken.phone},
                         token)
    assert response.status_code == 400 and "该手机号已注册" in response.text


def test_visitor_sees_how_to_register_on_the_employer_page(client):
    page = client.get("/employer")
    assert page.status_code == 200 and "/employer/register" in page.text


def test_dashboard_lists_own_vacancies_with_status_and_interest_counts(client, db):
    employer, member = employer_with_member(db)
    create_vacancy(session=db, employer_id=employer.id, data=vacancy_input(title="电焊工"))
    db.commit()
    login(client, member)
    page = client.get("/employer")
    assert "已认证" in page.text and "电焊工" in page.text and "草稿" in page.text and "报名<b>0</b>人" in page.text


def test_rejected_employer_sees_the_reason(client, db):
    from jobbridge.employers.service import reject_employer

    employer, member = employer_with_member(db, verified=False)
    reject_employer(session=db, employer_id=employer.id, reason="营业执照与名称不符")
    db.commit()
    login(client, member)
    page = client.get("/employer")
    assert "未通过" in page.text and "营业执照与名称不符" in page.text


def test_member_adds_a_colleague_who_can_then_sign_in(client, db):
    employer, member = employer_with_member(db)
    token = login(client, member)
    response = post_form(client, "/employer/members",
                         {"member_name": "钱会计", "member_phone": "13963100002", "password": "another-pass-2"}, token)
    assert response.status_code == 303
    colleague = db.exec(select(User).where(User.phone == "13963100002")).one()
    assert colleague.employer_id == employer.id and colleague.role == "employer"
    assert "钱会计" in client.get("/employer/members").text


def test_adding_a_member_with_bad_input_keeps_it(client, db):
    _, member = employer_with_member(db)
    token = login(client, member)
    response = post_form(client, "/employer/members",
                         {"member_name": "钱会计", "member_phone": "1396310000", "password": "x"}, token)
    assert response.status_code == 400 and 'value="钱会计"' in response.text and "密码至少需要8位" in response.text


@pytest.mark.parametrize("path", ["/employer/vacancies/{id}/edit", "/employer/vacancies/{id}/interests"])
def test_member_cannot_open_another_employers_vacancy(client, db, path):
    other, _ = employer_with_member(db, name="另一家公司")
    theirs = create_vacancy(session=db, employer_id=other.id, data=vacancy_input())
    db.commit()
    _, member = employer_with_member(db)
    login(client, member)
    assert client.get(path.format(id=theirs.id)).status_code == 404


@pytest.mark.parametrize(("path", "data"), [
    ("/employer/vacancies/{id}/edit", {"title": "改掉别人的岗位"}),
    ("/employer/vacancies/{id}/end", {"outcome": "closed"}),
    ("/employer/vacancies/{id}/submit", {}),
])
def test_member_cannot_change_another_employers_vacancy(client, db, path, data):
    from jobbridge.employers.models import Vacancy

    other, _ = employer_with_member(db, name="另一家公司")
    theirs = create_vacancy(session=db, employer_id=other.id, data=vacancy_input())
    db.commit()
    _, member = employer_with_member(db)
    token = login(client, member)
    response = post_form(client, path.format(id=theirs.id), data, token)
    assert response.status_code == 404
    db.rollback()
    db.expire_all()
    assert db.get(Vacancy, theirs.id).status == "draft" and db.get(Vacancy, theirs.id).title == "电焊工"


@pytest.mark.parametrize("role", ["jobseeker", "staff", "coordinator"])
def test_other_roles_cannot_open_employer_pages(client, db, role):
    user = make_user(db, role=role)
    login(client, user)
    assert client.get("/employer/vacancies/new").status_code == 403
