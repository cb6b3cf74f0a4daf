"""Registering interest (报名) once per phone, and outcomes recorded only by the vacancy's own employer."""

import pytest
from sqlmodel import select

from jobbridge.employers.interest import interests_for_vacancy, my_interests, register_interest, set_outcome
from jobbridge.employers.models import Interest
from jobbridge.employers.service import FormErrors, suspend_employer
from jobbridge.errors import DomainError, NotFound
from support.browse import DASHUIPO_VILLAGE, public_vacancy
from support.personas import make_user


def test_registering_creates_an_interest_waiting_for_contact(db):
    vacancy = public_vacancy(db)
    interest, created = register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077",
                                          via="self")
    db.commit()
    assert created and (interest.status, interest.name, interest.phone) == ("已报名", "王大山", "13863100077")


def test_a_repeat_returns_the_existing_registration_without_error(db):
    vacancy = public_vacancy(db)
    first, _ = register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077")
    again, created = register_interest(session=db, vacancy_id=vacancy.id, name="王山", phone="138 6310 0077")
    db.commit()
    assert not created and again.id == first.id
    assert len(db.exec(select(Interest)).all()) == 1


def test_the_same_phone_may_register_for_two_vacancies(db):
    one, two = public_vacancy(db), public_vacancy(db)
    register_interest(session=db, vacancy_id=one.id, name="王大山", phone="13863100077")
    _, created = register_interest(session=db, vacancy_id=two.id, name="王大山", phone="13863100077")
    assert created


def test_bad_phone_and_missing_name_are_reported_per_field(db):
    vacancy = public_vacancy(db)
    with pytest.raises(FormErrors) as caught:
        register_interest(session=db, vacancy_id=vacancy.id, name=" ", phone="1386310")
    assert set(caught.value.errors) == {"name", "phone"}
    assert "手机号码应为11位" in caught.value.errors["phone"]


def test_unknown_village_code_is_refused(db):
    vacancy = public_vacancy(db)
    with pytest.raises(FormErrors) as caught:
        register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077", village_code="123")
    assert "village_code" in caught.value.errors


def test_village_from_a_notice_link_is_kept(db):
    vacancy = public_vacancy(db)
    interest, _ = register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077",
                                    village_code=DASHUIPO_VILLAGE)
    assert interest.village_code == DASHUIPO_VILLAGE


def test_registering_for_a_vacancy_of_a_suspended_employer_is_refused(db):
    vacancy = public_vacancy(db)
    suspend_employer(session=db, employer_id=vacancy.employer_id, reason="暂停")
    with pytest.raises(NotFound):
        register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077")


def test_registering_for_a_missing_vacancy_is_not_found(db):
    with pytest.raises(NotFound):
        register_interest(session=db, vacancy_id=999999, name="王大山", phone="13863100077")


def test_unknown_channel_is_refused(db):
    vacancy = public_vacancy(db)
    with pytest.raises(DomainError):
        register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077", via="wechat")


def test_owner_records_each_outcome_and_nothing_is_deleted(db):
    vacancy = public_vacancy(db)
    interest, _ = register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077")
    for status in ("已联系", "已面试", "已录用"):
        set_outcome(session=db, interest_id=interest.id, employer_id=vacancy.employer_id, status=status)
    db.commit()
    db.expire_all()
    assert db.get(Interest, interest.id).status == "已录用"


def test_another_employer_cannot_set_an_outcome(db):
    vacancy = public_vacancy(db)
    other = public_vacancy(db)
    interest, _ = register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077")
    with pytest.raises(NotFound):
        set_outcome(session=db, interest_id=interest.id, employer_id=other.employer_id, status="已联系")


def test_staff_may_set_an_outcome(db):
    vacancy = public_vacancy(db)
    interest, _ = register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077")
    assert set_outcome(session=db, interest_id=interest.id, employer_id=None, status="未录用", is_staff=True).status == "未录用"


@pytest.mark.parametrize("status", ["已报名", "录用了", ""])
def test_unknown_or_initial_status_is_not_an_outcome(db, status):
    vacancy = public_vacancy(db)
    interest, _ = register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077")
    with pytest.raises(DomainError) as caught:
        set_outcome(session=db, interest_id=interest.id, employer_id=vacancy.employer_id, status=status)
    assert caught.value.field == "status"


def test_interests_for_vacancy_are_for_the_owner_only(db):
    vacancy = public_vacancy(db)
    other = public_vacancy(db)
    register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077")
    register_interest(session=db, vacancy_id=vacancy.id, name="李小花", phone="13863100078")
    names = [i.name for i in interests_for_vacancy(session=db, vacancy_id=vacancy.id, employer_id=vacancy.employer_id)]
    assert names == ["王大山", "李小花"]
    with pytest.raises(NotFound):
        interests_for_vacancy(session=db, vacancy_id=vacancy.id, employer_id=other.employer_id)


def test_my_interests_finds_registrations_by_account_and_by_phone(db):
    person = make_user(db, role="jobseeker", name="王大山")
    one, two = public_vacancy(db, title="电焊工"), public_vacancy(db, title="装配工")
    register_interest(session=db, vacancy_id=one.id, name="王大山", phone="13863100077", user_id=person.id)
    register_interest(session=db, vacancy_id=two.id, name="王大山", phone=person.phone, via="coordinator")
    db.commit()
    rows = my_interests(session=db, user_id=person.id, phone=person.phone)
    assert [r.vacancy_title for r in rows] == ["装配工", "电焊工"]
    assert rows[0].employer_name and rows[0].interest.status == "已报名"


def test_registering_again_when_signed_in_links_the_earlier_registration(db):
    person = make_user(db, role="jobseeker", name="王大山")
    vacancy = public_vacancy(db)
    register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077", via="coordinator")
    interest, created = register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone="13863100077",
                                          user_id=person.id)
    assert not created and interest.user_id == person.id


def test_my_interests_without_account_or_phone_is_empty(db):
    assert my_interests(session=db) == []
