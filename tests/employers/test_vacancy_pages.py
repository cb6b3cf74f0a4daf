"""The employer's vacancy form, ending a vacancy, and the applicants list with outcomes."""

import re

import pytest
from sqlmodel import select

from jobbridge.employers.interest import register_interest
from jobbridge.employers.models import Interest, Vacancy
from support.employer_side import employer_with_member, login, post_form, vacancy_form
from support.personas import make_published_vacancy


def _only_vacancy(db) -> Vacancy:
    db.rollback()
    db.expire_all()
    return db.exec(select(Vacancy)).one()


def test_new_form_defaults_to_thirty_days_and_offers_every_choice(client, db):
    from datetime import timedelta

    from jobbridge.employers.vacancies import today_local

    _, member = employer_with_member(db)
    login(client, member)
    page = client.get("/employer/vacancies/new").text
    assert f'value="{(today_local() + timedelta(days=30)).isoformat()}"' in page
    assert f'max="{(today_local() + timedelta(days=90)).isoformat()}"' in page
    for text in ('value="零工日结"', 'value="计件"', 'value="高中/中专"', 'name="benefits" value="包住"',
                 'name="push_towns"', 'name="push_villages" multiple', "保存草稿", "提交审核"):
        assert text in page


def test_saving_a_draft_shows_the_suggested_occupation_on_the_edit_page(client, db):
    _, member = employer_with_member(db)
    token = login(client, member)
    response = post_form(client, "/employer/vacancies/new", vacancy_form(action="draft"), token)
    vacancy = _only_vacancy(db)
    assert response.headers["location"] == f"/employer/vacancies/{vacancy.id}/edit"
    page = client.get(response.headers["location"]).text
    assert vacancy.status == "draft" and 'value="6-18-02-04"' in page and "焊工" in page and "可信度" in page


def test_suggest_button_fills_the_code_without_saving(client, db):
    _, member = employer_with_member(db)
    token = login(client, member)
    page = post_form(client, "/employer/vacancies/new", vacancy_form(action="suggest"), token)
    assert page.status_code == 200 and "系统识别为" in page.text and 'value="6-18-02-04"' in page.text
    assert db.exec(select(Vacancy)).first() is None


def test_checked_benefits_and_chosen_towns_are_saved(client, db):
    _, member = employer_with_member(db)
    token = login(client, member)
    post_form(client, "/employer/vacancies/new",
              vacancy_form(benefits=["包吃", "包住"], push_scope="towns", push_towns=["371003107", "371003100"]),
              token)
    vacancy = _only_vacancy(db)
    assert vacancy.benefits == ["包吃", "包住"]
    assert vacancy.push_scope == "towns" and vacancy.push_codes == ["371003100", "371003107"]


def test_submit_sends_a_lawful_vacancy_to_review(client, db):
    _, member = employer_with_member(db)
    token = login(client, member)
    response = post_form(client, "/employer/vacancies/new", vacancy_form(action="submit"), token)
    assert response.headers["location"] == "/employer"
    assert _only_vacancy(db).status == "pending" and "已提交审核" in client.get("/employer").text


@pytest.mark.parametrize("phrase", ["限男性", "仅限本地户口", "乙肝携带者勿扰", "需交押金"])
def test_blocked_posting_is_refused_with_rule_and_law_and_input_kept(client, db, phrase):
    _, member = employer_with_member(db)
    token = login(client, member)
    description = f"负责钢结构件的焊接工作，{phrase}。"
    page = post_form(client, "/employer/vacancies/new", vacancy_form(description=description, action="submit"), token)
    assert page.status_code == 400
    assert "不合规" in page.text and phrase[:2] in page.text and "依据：" in page.text and "法" in page.text
    assert description in page.text and 'value="电焊工"' in page.text
    assert db.exec(select(Vacancy)).first() is None


def test_invalid_input_is_shown_per_field_with_input_kept(client, db):
    _, member = employer_with_member(db)
    token = login(client, member)
    page = post_form(client, "/employer/vacancies/new",
                     vacancy_form(pay_low="", pay_high="", town_code="", title="焊"), token)
    assert page.status_code == 400
    assert "必须填写薪酬" in page.text and "请选择工作地点所在镇街" in page.text and 'value="焊"' in page.text


def test_flagged_vacancy_shows_the_warning_on_its_edit_page(client, db):
    _, member = employer_with_member(db)
    token = login(client, member)
    post_form(client, "/employer/vacancies/new",
              vacancy_form(title="保洁阿姨", description="负责厂区办公楼日常保洁工作。", action="submit"), token)
    vacancy = _only_vacancy(db)
    assert vacancy.status == "pending"
    page = client.get(f"/employer/vacancies/{vacancy.id}/edit").text
    assert "将由工作人员人工核实" in page and "阿姨" in page


def test_editing_pay_of_a_published_vacancy_sends_it_back_to_review(client, db):
    employer, member = employer_with_member(db)
    vacancy = make_published_vacancy(db, employer=employer)
    token = login(client, member)
    response = post_form(client, f"/employer/vacancies/{vacancy.id}/edit",
                         vacancy_form(pay_low="5500", occupation_code=vacancy.occupation_code, action="save"), token)
    assert response.status_code == 303
    assert _only_vacancy(db).status == "pending"
    assert "已重新提交审核" in client.get("/employer").text


def test_blocked_edit_leaves_the_published_vacancy_untouched(client, db):
    employer, member = employer_with_member(db)
    vacancy = make_published_vacancy(db, employer=employer)
    token = login(client, member)
    page = post_form(client, f"/employer/vacancies/{vacancy.id}/edit",
                     vacancy_form(description="负责焊接，限男性，需交押金。", action="save"), token)
    assert page.status_code == 400 and "不合规" in page.text
    stored = _only_vacancy(db)
    assert stored.status == "published" and "限男性" not in stored.description


@pytest.mark.parametrize(("outcome", "label"), [("filled", "已招满"), ("closed", "已关闭")])
def test_member_ends_a_vacancy(client, db, outcome, label):
    employer, member = employer_with_member(db)
    vacancy = make_published_vacancy(db, employer=employer)
    token = login(client, member)
    response = post_form(client, f"/employer/vacancies/{vacancy.id}/end", {"outcome": outcome}, token)
    assert response.status_code == 303 and _only_vacancy(db).status == outcome
    assert label in client.get("/employer").text


def test_applicants_list_shows_full_contacts_and_records_outcome(client, db):
    employer, member = employer_with_member(db)
    vacancy = make_published_vacancy(db, employer=employer)
    interest, _ = register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077")
    db.commit()
    token = login(client, member)
    page = client.get(f"/employer/vacancies/{vacancy.id}/interests").text
    assert "王大山" in page and "13863100077" in page
    response = post_form(client, f"/employer/interests/{interest.id}/outcome", {"status": "已录用", "note": "下周一上班"},
                         token)
    assert response.headers["location"] == f"/employer/vacancies/{vacancy.id}/interests"
    db.rollback()
    db.expire_all()
    assert db.get(Interest, interest.id).status == "已录用"
    assert "已录用" in client.get(f"/employer/vacancies/{vacancy.id}/interests").text


def test_member_cannot_record_outcome_for_another_employers_applicant(client, db):
    other, _ = employer_with_member(db, name="另一家公司")
    vacancy = make_published_vacancy(db, employer=other)
    interest, _ = register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077")
    db.commit()
    _, member = employer_with_member(db)
    token = login(client, member)
    response = post_form(client, f"/employer/interests/{interest.id}/outcome", {"status": "未录用"}, token)
    assert response.status_code == 404
    db.rollback()
    db.expire_all()
    assert db.get(Interest, interest.id).status == "已报名"


def test_vacancy_form_fits_a_phone_screen_without_wide_tables(client, db):
    _, member = employer_with_member(db)
    login(client, member)
    page = client.get("/employer/vacancies/new").text
    assert not re.search(r"<table", page)
