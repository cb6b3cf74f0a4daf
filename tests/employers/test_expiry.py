"""Vacancies past their valid-until date leave public view once; a second run changes nothing."""

from datetime import timedelta

from jobbridge.employers.lifecycle import expire_vacancies
from jobbridge.employers.models import Vacancy
from jobbridge.employers.vacancies import today_local
from support.personas import make_employer, make_published_vacancy


def test_expire_vacancies_twice_changes_nothing_more(db):
    employer = make_employer(db)
    short = make_published_vacancy(db, employer=employer, valid_until=today_local() + timedelta(days=3))
    long = make_published_vacancy(db, employer=employer, title="叉车司机", description="负责仓库货物装卸，持叉车证。",
                                  valid_until=today_local() + timedelta(days=60))
    later = today_local() + timedelta(days=10)
    assert expire_vacancies(session=db, today=later) == 1
    db.commit()
    closed_at = db.get(Vacancy, short.id).closed_at
    assert expire_vacancies(session=db, today=later) == 0
    db.commit()
    db.expire_all()
    assert db.get(Vacancy, short.id).status == "expired" and db.get(Vacancy, short.id).closed_at == closed_at
    assert db.get(Vacancy, long.id).status == "published"


def test_vacancy_valid_through_today_is_not_expired(db):
    employer = make_employer(db)
    vacancy = make_published_vacancy(db, employer=employer, valid_until=today_local() + timedelta(days=5))
    assert expire_vacancies(session=db, today=vacancy.valid_until) == 0
