"""Matched vacancies for graduates, the daily match notice, and graduate-themed fairs."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from jobbridge.employers.vacancies import today_local
from jobbridge.graduates.matches import (
    build_profile,
    graduate_fairs,
    matching_ready,
    notify_new_matches,
    recommendations,
)
from jobbridge.outreach.models import OutboxMessage
from jobbridge_scheduler.jobs import job_table
from support.graduates import bearer, login, make_graduate, seed_catalogue
from support.personas import make_employer, make_published_vacancy, make_user


def internship(db, employer):
    return make_published_vacancy(db, employer=employer, title="机械设计见习生", employment_type="就业见习岗位",
                                  min_education="大专", skills="CAD 机械制图 三维建模", pay_low=3000, pay_high=3500,
                                  description="参与机械零部件设计，导师一对一带教，见习期6个月，期满择优留用。",
                                  age_min=None, age_max=None)


def test_profile_carries_the_files_facts_and_always_admits_internships(db):
    graduate = make_graduate(db, degree="专科", employment_types=["全职"], preferred_towns=["371003107"],
                             expected_pay="4500")
    profile = build_profile(graduate)
    assert (profile.id, profile.education, profile.town_code, profile.pay_expectation_monthly) == (
        graduate.id, "大专", "371003107", 4500)
    assert profile.employment_types == ("全职", "就业见习岗位") and profile.birth_year == 2004
    assert "机械设计" in profile.text and profile.occupation_codes == tuple(graduate.occupation_codes)


def test_the_matching_service_is_present():
    assert matching_ready()


def test_the_daily_job_is_in_the_job_table():
    spec = job_table()["notify-graduate-matches"]
    assert spec.trigger["trigger"] == "cron" and spec.func is not None


def test_recommendations_include_internship_posts_with_reasons(db):
    employer = make_employer(db)
    post = internship(db, employer)
    graduate = make_graduate(db, preferred_work="机械设计", employment_types=["全职"])
    recs = recommendations(session=db, graduate=graduate)
    match = next(r for r in recs if r.vacancy_id == post.id)
    assert match.is_internship and match.reasons and all(isinstance(r, str) for r in match.reasons)


def test_the_file_page_and_api_show_current_recommendations(client, db):
    seed_catalogue(db)
    post = internship(db, make_employer(db))
    graduate = make_graduate(db, preferred_work="机械设计")
    login(client, graduate.phone)
    assert "机械设计见习生" in client.get(f"/graduates/{graduate.id}").text
    body = client.get(f"/api/v1/graduates/{graduate.id}/recommendations", headers=bearer(client, graduate.phone)).json()
    assert post.id in [r["vacancy_id"] for r in body]


def test_a_new_top_vacancy_is_announced_once_to_an_opted_in_graduate(db):
    graduate = make_graduate(db, preferred_work="机械设计", notify_matches="是")
    post = internship(db, make_employer(db))
    first = notify_new_matches(session=db)
    second = notify_new_matches(session=db)
    db.commit()
    assert first["queued"] == 1 and second["queued"] == 0
    message = db.exec(select(OutboxMessage).where(OutboxMessage.kind == "graduate_match")).one()
    assert (message.dedupe_key, message.user_id) == (f"graduate-match:{graduate.id}:{post.id}", graduate.user_id)


def test_vacancies_published_before_opting_in_are_not_announced(db):
    post = internship(db, make_employer(db))
    graduate = make_graduate(db, preferred_work="机械设计", notify_matches="是")
    assert post.id in [r.vacancy_id for r in recommendations(session=db, graduate=graduate)]
    assert notify_new_matches(session=db)["queued"] == 0


def test_graduates_who_did_not_opt_in_get_no_match_notice(db):
    make_graduate(db, preferred_work="机械设计", notify_matches="")
    internship(db, make_employer(db))
    notify_new_matches(session=db)
    assert db.exec(select(OutboxMessage).where(OutboxMessage.kind == "graduate_match")).all() == []


def test_upcoming_graduate_fairs_are_listed_on_the_file_and_sheet(client, db):
    from jobbridge.fairs.service import FairInput, create_fair

    staff = make_user(db, role="staff")
    soon = today_local() + timedelta(days=12)
    create_fair(session=db, staff_id=staff.id, data=FairInput(
        title="2027届高校毕业生专场招聘会", kind="themed", theme="高校毕业生", fair_date=soon.isoformat(),
        venue="文登区人力资源市场", description="面向高校毕业生的专场"))
    create_fair(session=db, staff_id=staff.id, data=FairInput(
        title="退役军人专场招聘会", kind="themed", theme="退役军人专场", fair_date=soon.isoformat(), venue="人力资源市场"))
    db.commit()
    assert [f.title for f in graduate_fairs(session=db, today=today_local())] == ["2027届高校毕业生专场招聘会"]
    graduate = make_graduate(db, staff=staff)
    login(client, graduate.phone)
    assert "2027届高校毕业生专场招聘会" in client.get(f"/graduates/{graduate.id}/sheet").text
