"""Visitors: registration with a code, booths worth visiting, check-in at the door, walk-ins."""

from __future__ import annotations

import pytest
from sqlmodel import select

from jobbridge.employers.service import FormErrors
from jobbridge.errors import Conflict, DomainError, NotFound
from jobbridge.fairs.models import FairRegistration
from jobbridge.fairs.service import cancel_fair
from jobbridge.fairs.suggest import overlap_score, suggest_booths
from jobbridge.fairs.visitors import (
    RegistrationInput,
    check_in,
    checkin_url,
    record_walk_ins,
    register_visitor,
)
from jobbridge.outreach.models import OutboxMessage
from support.fairs import book, fresh_matching, make_exhibitor, make_fair, make_visitor  # noqa: F401


def _register(db, fair, **fields):
    values = dict(name="李明", phone="13800138000", town_code="371003107", wanted_work="电焊工")
    values.update(fields)
    return register_visitor(session=db, fair_id=fair.id, data=RegistrationInput(**values))


def test_registration_gives_a_six_digit_code_and_texts_it(db):
    fair = make_fair(db)
    registration, created = _register(db, fair)
    db.commit()
    assert created and len(registration.checkin_code) == 6 and registration.checkin_code.isdigit()
    assert len(registration.token) >= 20
    sms = db.exec(select(OutboxMessage).where(OutboxMessage.phone == "13800138000")).one()
    assert sms.channel == "sms" and registration.checkin_code in sms.body


def test_registration_refuses_bad_name_and_phone_field_by_field(db):
    fair = make_fair(db)
    with pytest.raises(FormErrors) as err:
        _register(db, fair, name="李", phone="1380013800")
    assert err.value.errors["name"] == "请填写姓名（2到20个字）"
    assert "11位" in err.value.errors["phone"]


def test_registering_again_returns_the_same_registration(db):
    fair = make_fair(db)
    first, _ = _register(db, fair)
    db.commit()
    again, created = _register(db, fair, phone="138 0013 8000")
    assert (again.id, created) == (first.id, False)
    assert len(db.exec(select(FairRegistration)).all()) == 1


def test_another_name_with_a_registered_phone_is_not_shown_the_code(db):
    fair = make_fair(db)
    _register(db, fair)
    db.commit()
    with pytest.raises(FormErrors) as err:
        _register(db, fair, name="王芳")
    assert "已报名" in err.value.errors["phone"]


def test_cancelled_fair_takes_no_registrations(db):
    fair = make_fair(db)
    cancel_fair(session=db, fair_id=fair.id, reason="天气原因", staff_id=None)
    db.commit()
    with pytest.raises(Conflict):
        _register(db, fair)


def test_check_in_by_code_counts_once(db):
    fair = make_fair(db)
    registration = make_visitor(db, fair)
    checked, already = check_in(session=db, fair_id=fair.id, code=registration.checkin_code, staff_id=None)
    db.commit()
    assert checked.checked_in_at is not None and already is False
    _, again = check_in(session=db, fair_id=fair.id, code=registration.checkin_code, staff_id=None)
    assert again is True


def test_check_in_accepts_full_width_digits_with_spaces(db):
    fair = make_fair(db)
    registration = make_visitor(db, fair)
    typed = " ".join(chr(ord(d) + 0xFEE0) for d in registration.checkin_code)
    checked, _ = check_in(session=db, fair_id=fair.id, code=typed, staff_id=None)
    assert checked.id == registration.id


def test_unknown_or_malformed_code_is_refused_in_chinese(db):
    fair = make_fair(db)
    registration = make_visitor(db, fair)
    wrong = "000000" if registration.checkin_code != "000000" else "111111"
    with pytest.raises(NotFound, match="不是本场招聘会的报名"):
        check_in(session=db, fair_id=fair.id, code=wrong, staff_id=None)
    with pytest.raises(DomainError, match="6位数字"):
        check_in(session=db, fair_id=fair.id, code="12a", staff_id=None)


def test_code_of_another_fair_does_not_check_in_here(db):
    fair, other = make_fair(db), make_fair(db, title="高校毕业生专场招聘会", theme="高校毕业生")
    registration = make_visitor(db, other)
    with pytest.raises(NotFound):
        check_in(session=db, fair_id=fair.id, code=registration.checkin_code, staff_id=None)


def test_qr_encodes_the_staff_check_in_url_with_the_code(db):
    fair = make_fair(db)
    registration = make_visitor(db, fair)
    assert checkin_url(registration).endswith(f"/staff/fairs/{fair.id}/checkin?code={registration.checkin_code}")


def test_walk_ins_are_counted_and_bad_counts_refused(db):
    fair = make_fair(db)
    row = record_walk_ins(session=db, fair_id=fair.id, count="3", town_code="371003107", staff_id=None)
    assert row.count == 3
    with pytest.raises(DomainError, match="1到500"):
        record_walk_ins(session=db, fair_id=fair.id, count="0", town_code="", staff_id=None)


@pytest.mark.usefixtures("fresh_matching")
def test_booths_with_matching_work_are_suggested_first(db):
    fair = make_fair(db)
    welder = make_exhibitor(db, title="电焊工")
    book(db, fair, *welder[:2])
    cook = make_exhibitor(db, title="厨师")
    book(db, fair, *cook[:2])
    registration = make_visitor(db, fair, wanted="焊工 装配")
    suggestions = suggest_booths(session=db, registration=registration)
    assert [s.exhibitor.employer.id for s in suggestions] == [welder[0].id]
    assert suggestions[0].matched[0].title == "电焊工"


@pytest.mark.usefixtures("fresh_matching")
def test_no_stated_work_means_no_personal_list(db):
    fair = make_fair(db)
    book(db, fair, *make_exhibitor(db)[:2])
    registration = make_visitor(db, fair, wanted="")
    assert suggest_booths(session=db, registration=registration) == []


def test_without_the_matching_core_simple_overlap_ranks_booths(db, monkeypatch):
    from jobbridge.fairs import suggest

    monkeypatch.setattr(suggest, "_by_matching_core", lambda **_: None)
    fair = make_fair(db)
    book(db, fair, *make_exhibitor(db, title="厨师")[:2])
    welder = make_exhibitor(db, title="电焊工")
    book(db, fair, *welder[:2])
    registration = make_visitor(db, fair, wanted="焊工")
    assert [s.exhibitor.employer.id for s in suggest_booths(session=db, registration=registration)] == [welder[0].id]


def test_overlap_score_contained_kind_and_shared_pairs():
    assert overlap_score(["焊工"], "电焊工 焊接") == 1.0
    assert overlap_score(["电焊"], "二氧化碳保护焊 电焊工") == 1.0
    assert overlap_score(["厨师"], "电焊工") == 0.0
