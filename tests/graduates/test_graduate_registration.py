"""Registering a graduate's file: validation, derived identity facts, the account, hardship consent, 首问负责."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from jobbridge.accounts.models import User
from jobbridge.employers.service import FormErrors
from jobbridge.graduates.contact import contact_card, reassign
from jobbridge.graduates.models import GraduateEvent
from jobbridge.graduates.service import hardship_of, update_graduate
from jobbridge.outreach.models import OutboxMessage
from support.graduates import TODAY, graduate_input, id_number, make_graduate
from support.personas import make_user


def test_gender_and_birth_date_come_from_the_id_number(db):
    graduate = make_graduate(db, id_number=id_number(date(2003, 11, 2), male=False))
    assert (graduate.gender, graduate.birth_date) == ("女", date(2003, 11, 2))


def test_online_registration_creates_a_graduate_account(db):
    graduate = make_graduate(db)
    user = db.get(User, graduate.user_id)
    assert (user.role, user.phone, user.name) == ("graduate", graduate.phone, "李明")
    assert graduate.channel == "online"


def test_window_registration_makes_the_registering_staff_member_responsible(db):
    staff = make_user(db, role="staff", name="王丽", window="3号窗口", office_phone="0631-8452001")
    graduate = make_graduate(db, staff=staff)
    card = contact_card(session=db, graduate=graduate)
    assert (graduate.responsible_staff_id, card.name, card.window, card.phone) == (
        staff.id, "王丽", "3号窗口", "0631-8452001")


def test_online_registration_goes_to_the_staff_member_with_fewest_cases(db):
    busy = make_user(db, role="staff", name="甲")
    free = make_user(db, role="staff", name="乙")
    make_graduate(db, staff=busy)
    assert make_graduate(db).responsible_staff_id == free.id


def test_every_invalid_field_is_reported_at_once_in_chinese(db):
    data = graduate_input(name="", id_number="37100320040315001", phone="123", degree="学士", graduation_date="明年",
                          hukou_in_district="", expected_pay="很多", password="short")
    with pytest.raises(FormErrors) as caught:
        from jobbridge.graduates.service import register_graduate

        register_graduate(session=db, data=data, registered_by=None, channel="online", today=TODAY)
    errors = caught.value.errors
    assert {"name", "id_number", "phone", "degree", "graduation_date", "hukou_in_district", "expected_pay",
            "password"} <= set(errors)
    assert errors["id_number"] == "身份证号码应为18位，当前为17位"


def test_the_same_id_number_cannot_be_registered_twice(db):
    first = make_graduate(db)
    with pytest.raises(FormErrors) as caught:
        make_graduate(db, id_number=first.id_number)
    assert "已登记" in caught.value.errors["id_number"]


def test_hardship_without_consent_is_refused(db):
    with pytest.raises(FormErrors) as caught:
        make_graduate(db, hardship=["低保"], hardship_consent="")
    assert "同意" in caught.value.errors["hardship"]


def test_hardship_with_consent_is_kept_with_the_time_of_consent(db):
    graduate = make_graduate(db, hardship_consent="是", hardship=["残疾", "国家助学贷款"])
    row = hardship_of(session=db, graduate_id=graduate.id)
    assert row.consent and row.consent_at is not None and row.facts == ["残疾", "国家助学贷款"]


def test_withdrawing_consent_erases_the_hardship_facts(db):
    staff = make_user(db, role="staff")
    graduate = make_graduate(db, staff=staff, hardship_consent="是", hardship=["低保"])
    data = graduate_input(phone=graduate.phone, hardship_consent="", hardship=[])
    update_graduate(session=db, graduate=graduate, data=data, actor=staff, may_edit_hardship=True, today=TODAY)
    row = hardship_of(session=db, graduate_id=graduate.id)
    assert (row.consent, row.consent_at, row.facts) == (False, None, None)


def test_registration_records_the_visit_and_sends_the_contact_card(db):
    staff = make_user(db, role="staff", name="王丽")
    graduate = make_graduate(db, staff=staff)
    events = db.exec(select(GraduateEvent).where(GraduateEvent.graduate_id == graduate.id)).all()
    assert [e.text for e in events] == ["窗口登记档案（经办人：王丽），档案状态：待转入"]
    message = db.exec(select(OutboxMessage).where(OutboxMessage.user_id == graduate.user_id)).one()
    assert "首问负责人：王丽" in message.body


def test_file_status_change_is_logged_with_its_date(db):
    staff = make_user(db, role="staff")
    graduate = make_graduate(db, staff=staff)
    data = graduate_input(phone=graduate.phone, file_status="已接收")
    update_graduate(session=db, graduate=graduate, data=data, actor=staff, may_edit_hardship=True, today=TODAY)
    assert (graduate.file_status, graduate.file_status_on) == ("已接收", TODAY)
    texts = db.exec(select(GraduateEvent.text).where(GraduateEvent.graduate_id == graduate.id)).all()
    assert "档案状态：待转入 → 已接收" in texts


def test_reassignment_is_logged_and_the_graduate_is_told(db):
    first = make_user(db, role="staff", name="王丽")
    second = make_user(db, role="staff", name="张强", window="5号窗口")
    graduate = make_graduate(db, staff=first)
    reassign(session=db, graduate=graduate, to_staff_id=second.id, actor=first, reason="王丽休假")
    db.commit()
    assert graduate.responsible_staff_id == second.id
    texts = db.exec(select(GraduateEvent.text).where(GraduateEvent.graduate_id == graduate.id)).all()
    assert "首问负责人由王丽改为张强，原因：王丽休假" in texts
    message = db.exec(select(OutboxMessage).where(OutboxMessage.kind == "graduate_contact",
                                                  OutboxMessage.subject == "首问负责人变更")).one()
    assert "张强（5号窗口" in message.body and message.user_id == graduate.user_id


def test_preferred_work_is_coded_to_occupations_for_matching(db):
    graduate = make_graduate(db, preferred_work="会计")
    assert graduate.occupation_codes and all(code.startswith("2-") for code in graduate.occupation_codes)
