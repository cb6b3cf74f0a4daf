"""Printable notices: the weekly bulletin's choice, posters, and the weekly batch with its progress."""

import re

from sqlmodel import select

from jobbridge.outreach.models import BulletinBatch, VillageBulletin
from jobbridge.outreach.notices import choose_vacancies, paper_url, run_bulletin_batch
from jobbridge.outreach.targeting import run_push
from jobbridge_scheduler.jobs import job_table
from support.outreach import login, make_coordinator, villages_of_town
from support.personas import make_employer, make_published_vacancy, make_user

HOUJIA, JIESHI = "371003105", "371003111"


def test_bulletin_takes_the_twelve_nearest_vacancies(db, engine):
    home = villages_of_town(db, HOUJIA)[0]
    employer = make_employer(db, town=HOUJIA)
    far = [make_published_vacancy(db, employer=employer, town_code=JIESHI, title=f"远岗{i}") for i in range(10)]
    near = [make_published_vacancy(db, employer=employer, town_code=HOUJIA, village_code=home, title=f"近岗{i}")
            for i in range(4)]
    run_push(engine=engine)
    chosen = choose_vacancies(session=db, village_code=home)
    assert len(chosen) == 12 and set(chosen[:4]) == {v.id for v in near}
    assert set(chosen[4:]) <= {v.id for v in far}


def test_bulletin_page_prints_pay_phone_and_a_qr_per_vacancy(client, db, engine):
    home = villages_of_town(db, HOUJIA)[0]
    vacancy = make_published_vacancy(db, employer=make_employer(db, town=HOUJIA), town_code=HOUJIA)
    run_push(engine=engine)
    page = client.get(f"/villages/{home}/bulletin")
    assert page.status_code == 200 and "5000-7000元/月" in page.text and "0631-8451234" in page.text
    assert page.text.count("<svg") == 1 and 'class="segno"' in page.text
    assert paper_url(vacancy_id=vacancy.id, village_code=home).startswith("http")


def test_poster_page_shows_one_vacancy_with_a_big_qr(client, db, engine):
    home = villages_of_town(db, HOUJIA)[0]
    vacancy = make_published_vacancy(db, employer=make_employer(db, town=HOUJIA), town_code=HOUJIA, title="海参加工工")
    run_push(engine=engine)
    page = client.get(f"/villages/{home}/posters/{vacancy.id}")
    assert page.status_code == 200 and "海参加工工" in page.text
    width = float(re.search(r'<svg width="([0-9.]+)mm"', page.text).group(1))
    assert 68 <= width <= 72
    assert client.get(f"/villages/{home}/posters/999999").status_code == 404


def test_weekly_batch_writes_every_village_once_and_records_progress(db, engine):
    make_published_vacancy(db, employer=make_employer(db, town=HOUJIA), town_code=HOUJIA)
    run_push(engine=engine)
    first = run_bulletin_batch(engine=engine, chunk=100)
    second = run_bulletin_batch(engine=engine, chunk=100)
    assert first == {"villages": 721, "done": 721, "total": 721} and second["villages"] == 0
    batch = db.exec(select(BulletinBatch)).one()
    assert (batch.state, batch.done, batch.total) == ("done", 721, 721) and batch.finished_at is not None
    assert len(db.exec(select(VillageBulletin)).all()) == 721


def test_weekly_bulletins_job_runs_monday_at_seven():
    spec = job_table()["weekly-village-bulletins"]
    assert spec.trigger == {"trigger": "cron", "day_of_week": "mon", "hour": 7, "minute": 0}
    assert {"push-vacancies", "deliver-outbox"} <= set(job_table())


def test_staff_batch_page_refreshes_itself_while_running(client, db):
    db.add(BulletinBatch(week_start=__import__("datetime").date(2026, 11, 30), total=721, done=300))
    db.commit()
    login(client, make_user(db, role="staff"))
    page = client.get("/staff/outreach/bulletins")
    assert 'http-equiv="refresh"' in page.text and "300/721" in page.text


def test_town_print_run_is_for_staff_and_coordinators(client, db):
    login(client, make_coordinator(db, villages=[villages_of_town(db, HOUJIA)[0]]))
    page = client.get(f"/print/towns/{HOUJIA}/bulletins")
    assert page.status_code == 200 and page.text.count('class="sheet bulletin"') == len(villages_of_town(db, HOUJIA))


def test_town_print_run_refuses_jobseekers(client, db):
    login(client, make_user(db, role="jobseeker"))
    assert client.get(f"/print/towns/{HOUJIA}/bulletins").status_code == 403
