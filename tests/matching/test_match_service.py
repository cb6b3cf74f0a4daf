"""The matching service on real database data: ranking, reasons, closing, cold start, workers and artifacts."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from jobbridge.employers.lifecycle import expire_vacancies
from jobbridge.employers.service import suspend_employer
from jobbridge.employers.vacancies import end_vacancy, today_local, update_vacancy, vacancy_input_from
from jobbridge.matching.holder import holder_for, vacancy_doc
from jobbridge.matching.model import Profile
from jobbridge.matching.models import MatchArtifact
from jobbridge.matching.service import (
    rebuild_match_index,
    recommend_vacancies,
    score_people_for_vacancy,
    suggest_booths,
)
from jobbridge.matching.signals import BAND_REASON
from jobbridge_scheduler.jobs import job_table
from support.matching import JIESHI, WELDER, ZETOU, _fresh_holders, worker  # noqa: F401
from support.personas import make_employer, make_published_vacancy

WELDER_IN_ZETOU = Profile(id=1, text="电焊 氩弧焊", occupation_codes=(WELDER,), town_code=ZETOU)


def _welding_jobs(db: Session):
    """The same welding job in 泽头镇 and in 界石镇 (two employers so nothing else differs)."""
    here = make_published_vacancy(db, employer=make_employer(db, name="泽头焊接厂"), occupation_code=WELDER,
                                  town_code=ZETOU)
    far = make_published_vacancy(db, employer=make_employer(db, name="界石焊接厂", town=JIESHI),
                                 occupation_code=WELDER, town_code=JIESHI, address="界石镇工业园")
    return here, far


def _ids(matches) -> list[int]:  # noqa: ANN001
    return [m.vacancy_id for m in matches]


def test_welder_in_zetou_is_shown_the_zetou_welding_job_before_the_same_job_two_towns_away(db):
    here, far = _welding_jobs(db)
    matches = recommend_vacancies(session=db, profile=WELDER_IN_ZETOU)
    assert _ids(matches) == [here.id, far.id]
    assert matches[0].score > matches[1].score
    assert "同镇" in matches[0].reasons and "同镇" not in matches[1].reasons


def test_every_reason_stands_for_a_signal_that_contributed(db):
    here, _ = _welding_jobs(db)
    match = recommend_vacancies(session=db, profile=WELDER_IN_ZETOU, k=1)[0]
    assert match.vacancy_id == here.id
    assert match.signals["distance"] == 0.75 and "同镇" in match.reasons
    assert match.signals["occupation"] == 1.0 and "工种对口(焊工)" in match.reasons
    assert match.signals["text"] > 0 and "经历相近" in match.reasons
    assert match.signals["freshness"] == 1.0 and "新发布" in match.reasons
    assert len(match.reasons) == 4
    # The seeker said nothing about pay or work type: no reason may claim they fit.
    assert match.signals["pay"] == 0 and match.signals["employment_type"] == 0
    assert not any(r.startswith("薪资") for r in match.reasons) and "全职" not in match.reasons


def test_a_profile_with_only_a_place_gets_only_a_place_reason(db):
    here, _ = _welding_jobs(db)
    matches = recommend_vacancies(session=db, profile=Profile(town_code=ZETOU))
    assert matches[0].vacancy_id == here.id
    assert matches[0].reasons == ("同镇",)
    assert all(r in BAND_REASON.values() for m in matches for r in m.reasons)


def test_closing_a_vacancy_removes_it_from_recommendations_at_once(db):
    here, far = _welding_jobs(db)
    assert _ids(recommend_vacancies(session=db, profile=WELDER_IN_ZETOU)) == [here.id, far.id]
    end_vacancy(session=db, vacancy=here, outcome="filled")
    # Not yet committed, and within the sync throttle: the local index already dropped it.
    assert here.id not in holder_for(db).index
    assert _ids(recommend_vacancies(session=db, profile=WELDER_IN_ZETOU)) == [far.id]


def test_closing_a_vacancy_removes_it_from_booths_and_people_rankings_too(db):
    here, far = _welding_jobs(db)
    assert [e for e, _, _ in suggest_booths(session=db, profile=WELDER_IN_ZETOU,
                                            employer_ids=[here.employer_id, far.employer_id])] \
        == [here.employer_id, far.employer_id]
    end_vacancy(session=db, vacancy=here, outcome="closed")
    db.commit()
    booths = suggest_booths(session=db, profile=WELDER_IN_ZETOU, employer_ids=[here.employer_id, far.employer_id])
    assert [e for e, _, _ in booths] == [far.employer_id]
    assert score_people_for_vacancy(session=db, vacancy_id=here.id, profiles=[WELDER_IN_ZETOU]) == []


def test_a_vacancy_closed_by_another_worker_is_never_recommended_even_before_sync(db, engine):
    here, far = _welding_jobs(db)
    slow = worker()
    slow.sync_seconds = 3600  # this worker will not replay changes during the test
    assert _ids(recommend_vacancies(session=db, profile=WELDER_IN_ZETOU, holder=slow)) == [here.id, far.id]
    with Session(engine) as other:
        end_vacancy(session=other, vacancy=other.get(type(here), here.id), outcome="closed")
        other.commit()
    with Session(engine) as next_request:
        assert _ids(recommend_vacancies(session=next_request, profile=WELDER_IN_ZETOU, holder=slow)) == [far.id]
    assert here.id not in slow.index


def test_a_second_worker_sees_a_vacancy_published_by_the_first_after_sync(db):
    here, _ = _welding_jobs(db)
    second = worker()
    second.refresh(session=db)
    new = make_published_vacancy(db, employer=make_employer(db, name="泽头二厂"), title="氩弧焊工",
                                 occupation_code=WELDER, town_code=ZETOU)
    assert new.id not in second.index
    second.refresh(session=db)
    assert new.id in second.index
    assert new.id in _ids(recommend_vacancies(session=db, profile=WELDER_IN_ZETOU, holder=second))


def test_a_second_worker_applies_an_edit_and_a_closure_made_by_the_first(db):
    here, far = _welding_jobs(db)
    second = worker()
    second.refresh(session=db)
    form = vacancy_input_from(far)
    form.town_code = ZETOU  # the place is not reviewed again: the vacancy stays open, now in 泽头镇
    update_vacancy(session=db, vacancy=far, data=form)
    end_vacancy(session=db, vacancy=here, outcome="closed")
    db.commit()
    second.refresh(session=db)
    assert here.id not in second.index
    moved = recommend_vacancies(session=db, profile=WELDER_IN_ZETOU, holder=second)
    assert _ids(moved) == [far.id] and "同镇" in moved[0].reasons


def test_suspending_an_employer_removes_its_vacancies_on_the_next_sync(db):
    here, far = _welding_jobs(db)
    second = worker()
    second.refresh(session=db)
    suspend_employer(session=db, employer_id=here.employer_id, reason="资质过期")
    db.commit()
    second.refresh(session=db)
    assert here.id not in second.index and far.id in second.index


def test_a_rolled_back_closure_is_restored_on_the_next_sync(db):
    here, _ = _welding_jobs(db)
    holder = holder_for(db)
    holder.sync_seconds = 0
    recommend_vacancies(session=db, profile=WELDER_IN_ZETOU)
    end_vacancy(session=db, vacancy=here, outcome="closed")
    assert here.id not in holder.index
    db.rollback()
    recommend_vacancies(session=db, profile=WELDER_IN_ZETOU)
    assert here.id in holder.index


def test_cold_start_without_an_artifact_builds_from_the_database(db):
    here, far = _welding_jobs(db)
    fresh = worker()
    fresh.refresh(session=db)
    assert fresh.artifact_id is None and fresh.stats["builds"] == 1
    assert {here.id, far.id} <= set(fresh.index._row_of)


def test_an_empty_database_recommends_nothing_and_the_first_vacancy_is_found_later(db):
    holder = holder_for(db)
    holder.sync_seconds = 0
    assert recommend_vacancies(session=db, profile=WELDER_IN_ZETOU) == []
    assert holder.ready and holder.index is None
    assert rebuild_match_index(session=db) == {"docs": 0, "artifact": 0, "pruned": 0}
    here, _ = _welding_jobs(db)
    assert _ids(recommend_vacancies(session=db, profile=WELDER_IN_ZETOU))[0] == here.id


def test_the_nightly_job_writes_an_artifact_a_second_worker_loads_without_restart(db):
    _welding_jobs(db)
    second = worker()
    second.refresh(session=db)
    assert second.artifact_id is None
    counts = job_table()["rebuild-match-index"].func(db)
    db.commit()
    assert counts["docs"] == 2 and counts["artifact"] > 0
    second.refresh(session=db)
    artifact = db.get(MatchArtifact, counts["artifact"])
    assert (second.artifact_id, second.artifact_version) == (artifact.id, artifact.version)
    assert second.stats["loads"] == 1


def test_a_worker_starting_after_the_rebuild_loads_the_artifact_and_replays_later_changes(db):
    here, _ = _welding_jobs(db)
    counts = rebuild_match_index(session=db)
    db.commit()
    later = make_published_vacancy(db, employer=make_employer(db, name="泽头三厂"), occupation_code=WELDER,
                                   town_code=ZETOU)
    end_vacancy(session=db, vacancy=here, outcome="closed")
    db.commit()
    fresh = worker()
    fresh.refresh(session=db)
    assert fresh.artifact_id == counts["artifact"] and fresh.stats["builds"] == 0
    assert later.id in fresh.index and here.id not in fresh.index


def test_the_rebuild_keeps_only_the_newest_three_artifacts(db):
    _welding_jobs(db)
    ids = []
    for _ in range(5):
        ids.append(rebuild_match_index(session=db)["artifact"])
        db.commit()
    assert sorted(db.exec(select(MatchArtifact.id)).all()) == sorted(ids[-3:])


def test_expiry_drops_lapsed_vacancies_from_the_index_at_once(db):
    here, far = _welding_jobs(db)
    recommend_vacancies(session=db, profile=WELDER_IN_ZETOU)
    assert expire_vacancies(session=db, today=today_local() + timedelta(days=31)) == 2
    assert len(holder_for(db).index) == 0


def test_people_are_ranked_for_a_vacancy_and_all_are_returned_when_k_is_none(db):
    here, _ = _welding_jobs(db)
    near = Profile(id=1, text="电焊", occupation_codes=(WELDER,), town_code=ZETOU)
    cook = Profile(id=2, text="厨师 炒菜", town_code=JIESHI)
    unknown = Profile(id=3)
    ranked = score_people_for_vacancy(session=db, vacancy_id=here.id, profiles=[cook, unknown, near])
    assert [p.profile_id for p in ranked][0] == 1 and len(ranked) == 3
    assert len(score_people_for_vacancy(session=db, vacancy_id=here.id, profiles=[cook, near], k=1)) == 1


def test_booths_are_suggested_for_the_asked_work_not_merely_for_being_near(db):
    here, far = _welding_jobs(db)
    cleaner = make_published_vacancy(db, employer=make_employer(db, name="泽头物业"), title="保洁员",
                                     skills="打扫卫生", description="负责厂区办公楼和车间的日常保洁工作。", town_code=ZETOU)
    booths = suggest_booths(session=db, profile=WELDER_IN_ZETOU,
                            employer_ids=[cleaner.employer_id, far.employer_id, here.employer_id])
    assert [e for e, _, _ in booths] == [here.employer_id, far.employer_id]
    employer, score, reasons = booths[0]
    assert score > 0 and "同镇" in reasons


def test_vacancy_doc_is_open_only_when_published_by_a_verified_employer_and_still_valid(db):
    here, _ = _welding_jobs(db)
    assert vacancy_doc(vacancy=here, employer_status="verified").is_open
    assert not vacancy_doc(vacancy=here, employer_status="suspended").is_open
    assert not vacancy_doc(vacancy=here, employer_status="verified", today=here.valid_until + timedelta(days=1)).is_open
    doc = vacancy_doc(vacancy=here, employer_status="verified")
    assert doc.text.startswith(here.skills) and here.description in doc.text
    assert doc.pay_monthly_min == here.pay_monthly_min and doc.published_at == here.published_at
