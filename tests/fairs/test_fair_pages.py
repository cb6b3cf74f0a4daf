"""Fair pages: calendar and countdown, fair page and booth plan, iCalendar, registration, employer and staff pages."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import select

from jobbridge.accounts.models import AuditLog
from jobbridge.employers.vacancies import today_local
from jobbridge.fairs.models import BoothBooking, Fair, FairRegistration, FairWalkIn
from jobbridge.fairs.monthly import schedule_monthly_fairs
from support.fairs import (  # noqa: F401
    book,
    fresh_matching,
    make_exhibitor,
    make_fair,
    make_visitor,
    send_form,
    sign_in,
)
from support.personas import make_user


def test_calendar_counts_down_to_the_next_fair(client, db):
    make_fair(db, fair_date=today_local() + timedelta(days=12), title="2026年高校毕业生专场招聘会", theme="高校毕业生")
    page = client.get("/fairs")
    assert page.status_code == 200
    assert re.search(r'class="days">12 <small>天后', page.text)
    assert "2026年高校毕业生专场招聘会" in page.text and "高校毕业生专场" in page.text


def test_calendar_marks_unconfirmed_dates(client, db):
    with time_machine.travel(datetime(2026, 11, 28, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        schedule_monthly_fairs(session=db)
        db.commit()
        page = client.get("/fairs").text
    assert re.search(r'class="days">32 <small>天后', page)
    assert page.count("日期待确认") == 2 and "2027年2月综合招聘会" in page


def test_fair_page_lists_employers_vacancies_and_booth_plan(client, db):
    fair = make_fair(db, booth_capacity=4)
    employer, vacancy, _ = make_exhibitor(db, name="文登宏达机械有限公司", title="数控车工")
    book(db, fair, employer, vacancy)
    page = client.get(f"/fairs/{fair.id}").text
    assert "文登宏达机械有限公司" in page and "数控车工" in page
    assert page.count('<li class="taken">') == 1 and page.count("空位") == 3


def test_ics_feed_is_text_calendar_with_crlf(client, db):
    fair = make_fair(db)
    response = client.get("/fairs.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and f"UID:fair-{fair.id}@" in body
    assert "\n" not in body.replace("\r\n", "")


@pytest.mark.usefixtures("fresh_matching")
def test_registration_on_the_form_leads_to_the_pass_with_qr_and_code(client, db):
    fair = make_fair(db)
    book(db, fair, *make_exhibitor(db, title="电焊工")[:2])
    token = client.get(f"/fairs/{fair.id}/register")
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', token.text).group(1)
    response = send_form(client, f"/fairs/{fair.id}/register",
                         {"name": "李明", "phone": "13800138000", "town_code": "371003107", "wanted_work": "电焊"}, csrf)
    assert response.status_code == 303
    registration = db.exec(select(FairRegistration)).one()
    assert response.headers["location"] == f"/fairs/{fair.id}/pass/{registration.token}"
    page = client.get(response.headers["location"]).text
    assert "<svg" in page and registration.checkin_code in page and "电焊工" in page


def test_registration_errors_keep_what_was_typed(client, db):
    fair = make_fair(db)
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', client.get(f"/fairs/{fair.id}/register").text).group(1)
    response = send_form(client, f"/fairs/{fair.id}/register",
                         {"name": "李明", "phone": "12345", "town_code": "", "wanted_work": "普工"}, csrf)
    assert response.status_code == 400
    assert "手机号码应为11位数字" in response.text and 'value="李明"' in response.text and 'value="普工"' in response.text


def test_pass_with_a_wrong_token_is_not_found(client, db):
    fair = make_fair(db)
    assert client.get(f"/fairs/{fair.id}/pass/not-a-token").status_code == 404


def test_employer_books_a_booth_on_the_page(client, db):
    fair = make_fair(db)
    employer, vacancy, user = make_exhibitor(db)
    token = sign_in(client, user)
    form = client.get(f"/fairs/{fair.id}/booth").text
    assert f'value="{vacancy.id}"' in form
    response = send_form(client, f"/fairs/{fair.id}/booth", {"vacancy_ids": [str(vacancy.id)], "note": ""}, token)
    assert response.status_code == 303 and response.headers["location"] == "/employer/fairs?done=booked"
    mine = client.get("/employer/fairs").text
    assert "已确认" in mine and "1号展位" in mine


def test_booth_form_without_vacancies_says_what_to_fix(client, db):
    fair = make_fair(db)
    _, _, user = make_exhibitor(db)
    token = sign_in(client, user)
    response = send_form(client, f"/fairs/{fair.id}/booth", {"note": "需要电源"}, token)
    assert response.status_code == 400 and "至少选择一个" in response.text and 'value="需要电源"' in response.text


def test_employer_cancels_on_the_page_and_the_next_is_promoted(client, db):
    fair = make_fair(db, booth_capacity=1)
    employer, vacancy, user = make_exhibitor(db)
    mine = book(db, fair, employer, vacancy).booking
    waiting = book(db, fair, *make_exhibitor(db)[:2]).booking
    token = sign_in(client, user)
    response = send_form(client, f"/fairs/{fair.id}/booth/{mine.id}/cancel", {}, token)
    assert response.status_code == 303
    db.expire_all()
    assert db.get(BoothBooking, waiting.id).status == "confirmed"


@pytest.mark.parametrize("role", ["jobseeker", "coordinator", "staff"])
def test_only_employers_open_the_booth_form(client, db, role):
    fair = make_fair(db)
    sign_in(client, make_user(db, role=role))
    assert client.get(f"/fairs/{fair.id}/booth").status_code == 403


@pytest.mark.parametrize("role", ["jobseeker", "coordinator", "employer"])
def test_staff_fair_pages_refuse_other_roles(client, db, role):
    extra = {"employer_id": make_exhibitor(db)[0].id} if role == "employer" else {}
    fair = make_fair(db)
    sign_in(client, make_user(db, role=role, **extra))
    for path in ("/staff/fairs", f"/staff/fairs/{fair.id}", f"/staff/fairs/{fair.id}/checkin", "/staff/fairs/holidays"):
        assert client.get(path).status_code == 403, path


def test_anonymous_visitor_is_sent_to_login_from_staff_fair_pages(client, db):
    response = client.get("/staff/fairs", follow_redirects=False)
    assert response.status_code in (302, 303, 307) and "/login" in response.headers["location"]


def test_staff_create_form_rerenders_errors_with_input(client, db):
    token = sign_in(client, make_user(db, role="staff"))
    response = send_form(client, "/staff/fairs/new", {"title": "金秋招聘月专场", "kind": "themed", "theme": "金秋招聘月",
                                                      "fair_date": "2020-01-01", "venue": "人力资源市场",
                                                      "booth_capacity": "30", "per_employer_limit": "1",
                                                      "start_time": "08:30", "end_time": "11:30"}, token)
    assert response.status_code == 400
    assert "举办日期不能早于今天" in response.text and 'value="金秋招聘月专场"' in response.text


def test_staff_create_a_town_fair_on_the_page(client, db):
    token = sign_in(client, make_user(db, role="staff"))
    day = (today_local() + timedelta(days=20)).isoformat()
    response = send_form(client, "/staff/fairs/new", {
        "title": "泽头镇送岗下乡招聘会", "kind": "town", "theme": "", "fair_date": day, "venue": "泽头镇政府广场",
        "town_code": "371003107", "booth_capacity": "20", "per_employer_limit": "1", "start_time": "09:00",
        "end_time": "11:30"}, token)
    assert response.status_code == 303
    fair = db.exec(select(Fair)).one()
    assert response.headers["location"] == f"/staff/fairs/{fair.id}?done=created" and fair.kind == "town"


def test_staff_page_masks_phones_and_logs_the_read(client, db):
    fair = make_fair(db)
    make_visitor(db, fair, phone="13812345678")
    staff = make_user(db, role="staff")
    sign_in(client, staff)
    page = client.get(f"/staff/fairs/{fair.id}").text
    assert "138****5678" in page and "13812345678" not in page
    assert db.exec(select(AuditLog).where(AuditLog.actor_id == staff.id,
                                          AuditLog.subject_type == "fair_registration")).first() is not None


def test_door_check_in_by_scanned_link_then_again(client, db):
    fair = make_fair(db)
    visitor = make_visitor(db, fair, name="李明")
    token = sign_in(client, make_user(db, role="staff"))
    page = client.get(f"/staff/fairs/{fair.id}/checkin?code={visitor.checkin_code}").text
    assert f'value="{visitor.checkin_code}"' in page
    first = send_form(client, f"/staff/fairs/{fair.id}/checkin", {"code": visitor.checkin_code}, token)
    assert first.status_code == 200 and "签到成功" in first.text and "李明" in first.text
    again = send_form(client, f"/staff/fairs/{fair.id}/checkin", {"code": visitor.checkin_code}, token)
    assert "已签到过" in again.text


def test_door_check_in_with_a_wrong_code_says_so(client, db):
    fair = make_fair(db)
    make_visitor(db, fair)
    token = sign_in(client, make_user(db, role="staff"))
    response = send_form(client, f"/staff/fairs/{fair.id}/checkin", {"code": "12"}, token)
    assert response.status_code == 400 and "6位数字" in response.text


def test_walk_ins_recorded_from_the_door(client, db):
    fair = make_fair(db)
    token = sign_in(client, make_user(db, role="staff"))
    response = send_form(client, f"/staff/fairs/{fair.id}/walkins",
                         {"count": "5", "town_code": "371003107", "back": "checkin"}, token)
    assert response.status_code == 303
    assert db.exec(select(FairWalkIn)).one().count == 5


def test_staff_refusal_without_reason_stays_on_the_page(client, db):
    fair = make_fair(db)
    booking = book(db, fair, *make_exhibitor(db)[:2]).booking
    token = sign_in(client, make_user(db, role="staff"))
    response = send_form(client, f"/staff/fairs/{fair.id}/bookings/{booking.id}/refuse", {"reason": ""}, token)
    assert response.status_code == 400 and "请填写不通过的原因" in response.text
    ok = send_form(client, f"/staff/fairs/{fair.id}/bookings/{booking.id}/refuse", {"reason": "资料不全"}, token)
    assert ok.status_code == 303
    db.expire_all()
    assert db.get(BoothBooking, booking.id).status == "refused"


def test_report_page_shows_the_figures(client, db):
    fair = make_fair(db)
    book(db, fair, *make_exhibitor(db)[:2])
    make_visitor(db, fair)
    sign_in(client, make_user(db, role="staff"))
    page = client.get(f"/staff/fairs/{fair.id}/report").text
    assert "参会单位" in page and "泽头镇" in page and "达成意向" in page


def test_entering_the_holiday_arrangement_confirms_dates(client, db):
    from datetime import date

    schedule_monthly_fairs(session=db, today=date(2026, 11, 28))
    db.commit()
    token = sign_in(client, make_user(db, role="staff"))
    response = send_form(client, "/staff/fairs/holidays", {
        "year": "2027", "holidays": "2027-01-01 元旦", "workdays": "", "complete": "1",
        "policy": "last_working_wednesday"}, token)
    assert response.status_code == 303
    db.expire_all()
    assert all(f.date_confirmed for f in db.exec(select(Fair).where(Fair.rule_year == 2027)))


def test_holiday_form_errors_are_shown_in_chinese(client, db):
    token = sign_in(client, make_user(db, role="staff"))
    response = send_form(client, "/staff/fairs/holidays", {"year": "2027", "holidays": "春节放假", "workdays": "",
                                                           "complete": "1"}, token)
    assert response.status_code == 400 and "没有日期" in response.text and "春节放假" in response.text
