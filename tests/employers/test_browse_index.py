"""The in-process search index follows the database: new, changed, closed and deleted vacancies, suspensions."""

from sqlalchemy import delete

from jobbridge.db import utcnow
from jobbridge.employers import browse_index
from jobbridge.employers.browse import VacancyFilters, search_vacancies
from jobbridge.employers.models import Vacancy, VacancyBenefit
from jobbridge.employers.service import reinstate_employer, suspend_employer
from jobbridge.employers.vacancies import end_vacancy
from support.browse import DASHUIPO, ZETOU, public_vacancy


def _titles(db, **filters):
    return [card.title for card in search_vacancies(session=db, filters=VacancyFilters(**filters), page_size=50).items]


def test_a_vacancy_published_after_a_search_is_found_by_the_next(db):
    public_vacancy(db, title="电焊工")
    assert _titles(db) == ["电焊工"]
    public_vacancy(db, title="装配工")
    assert set(_titles(db)) == {"电焊工", "装配工"}


def test_a_closed_vacancy_leaves_the_index(db):
    vacancy = public_vacancy(db, title="电焊工")
    assert _titles(db) == ["电焊工"]
    end_vacancy(session=db, vacancy=vacancy, outcome="filled")
    db.commit()
    assert _titles(db) == []


def test_an_edit_moves_the_vacancy_to_its_new_title_and_town(db):
    vacancy = public_vacancy(db, title="电焊工", town_code=ZETOU)
    assert _titles(db, town=ZETOU) == ["电焊工"]
    vacancy.title, vacancy.town_code, vacancy.updated_at = "二保焊工", DASHUIPO, utcnow()
    db.add(vacancy)
    db.commit()
    assert _titles(db, town=ZETOU) == [] and _titles(db, town=DASHUIPO) == ["二保焊工"]


def test_suspension_hides_and_reinstatement_shows_again(db):
    vacancy = public_vacancy(db, title="电焊工")
    assert _titles(db) == ["电焊工"]
    suspend_employer(session=db, employer_id=vacancy.employer_id, reason="暂停")
    db.commit()
    assert _titles(db) == []
    reinstate_employer(session=db, employer_id=vacancy.employer_id, staff_id=None)
    db.commit()
    assert _titles(db) == ["电焊工"]


def test_deleted_rows_make_the_index_rebuild(db):
    public_vacancy(db, title="电焊工")
    newest = public_vacancy(db, title="装配工")
    assert len(_titles(db)) == 2
    db.exec(delete(VacancyBenefit).where(VacancyBenefit.vacancy_id == newest.id))
    db.exec(delete(Vacancy).where(Vacancy.id == newest.id))
    db.commit()
    assert _titles(db) == ["电焊工"]


def test_a_change_that_did_not_touch_updated_at_is_seen_once_the_index_is_old(db, monkeypatch):
    vacancy = public_vacancy(db, title="电焊工")
    assert _titles(db) == ["电焊工"]
    vacancy.title = "氩弧焊工"  # updated_at deliberately left alone
    db.add(vacancy)
    db.commit()
    monkeypatch.setattr(browse_index, "MAX_AGE_SECONDS", 0.0)
    assert _titles(db) == ["氩弧焊工"]


def test_an_old_index_is_not_replaced_while_the_stamp_is_unchanged(db):
    public_vacancy(db, title="电焊工")
    _titles(db)
    first = browse_index.snapshot(session=db)
    _titles(db)
    assert browse_index.snapshot(session=db) is first


def test_many_changed_rows_rebuild_the_index_in_full(db, monkeypatch):
    public_vacancy(db, title="电焊工")
    assert _titles(db) == ["电焊工"]
    monkeypatch.setattr(browse_index, "FULL_REBUILD_ROWS", 0)
    public_vacancy(db, title="装配工")
    assert set(_titles(db)) == {"电焊工", "装配工"}
