"""Learning from outcomes: views, interest, dismissals and hires are filed with signals; weights change only if better."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from jobbridge.accounts.service import assign_coordinator_area
from jobbridge.db import utcnow
from jobbridge.employers.interest import register_interest, set_outcome
from jobbridge.matching.model import Weights
from jobbridge.matching.models import MatchArtifact, MatchEvent, MatchWeightComparison, MatchWeightSet
from jobbridge.matching.outcomes import (
    dismissed_ids,
    record_dismissal,
    refit_match_weights,
    training_examples,
)
from jobbridge.matching.profiles import profile_for
from jobbridge.matching.service import recommend_vacancies
from jobbridge.matching.views import my_recommendations
from jobbridge.vocab import Role
from jobbridge_scheduler.jobs import job_table
from support.matching import (  # noqa: F401
    WELDER,
    ZETOU,
    _fresh_holders,
    login,
    seeker_profile,
    villager_profile,
)
from support.personas import make_employer, make_published_vacancy, make_user


def _events(db, kind: str | None = None) -> list[MatchEvent]:  # noqa: ANN001
    query = select(MatchEvent).order_by(MatchEvent.id)
    return list(db.exec(query.where(MatchEvent.kind == kind) if kind else query))


def _welding_job(db):  # noqa: ANN001, ANN202
    return make_published_vacancy(db, employer=make_employer(db), occupation_code=WELDER, town_code=ZETOU)


def test_a_signed_in_jobseeker_viewing_a_vacancy_is_filed_with_the_signals_of_that_moment(db, client):
    user = make_user(db, role=Role.JOBSEEKER)
    seeker_profile(db, user)
    vacancy = _welding_job(db)
    recommend_vacancies(session=db, profile=profile_for(session=db, user_id=user.id))  # this worker's index is warm
    login(client, user)
    assert client.get(f"/vacancies/{vacancy.id}").status_code == 200
    client.get(f"/vacancies/{vacancy.id}")  # a repeat view soon after counts once
    db.commit()  # end this session's read snapshot to see what the requests wrote
    views = _events(db, "view")
    assert len(views) == 1 and views[0].person_key == f"u:{user.id}" and views[0].vacancy_id == vacancy.id
    assert views[0].signals["distance"] == 0.75 and views[0].signals["occupation"] == 1.0
    assert views[0].index_version.startswith("mi")


def test_anonymous_and_employer_views_are_not_filed(db, client):
    vacancy = _welding_job(db)
    assert client.get(f"/vacancies/{vacancy.id}").status_code == 200
    login(client, make_user(db, role=Role.EMPLOYER, employer_id=vacancy.employer_id))
    client.get(f"/vacancies/{vacancy.id}")
    assert _events(db) == []


def test_registering_interest_and_being_hired_are_filed_as_outcomes(db):
    user = make_user(db, role=Role.JOBSEEKER)
    profile = seeker_profile(db, user)
    vacancy = _welding_job(db)
    interest, _ = register_interest(session=db, vacancy_id=vacancy.id, name=user.name, phone=user.phone,
                                    user_id=user.id)
    db.commit()
    set_outcome(session=db, interest_id=interest.id, employer_id=vacancy.employer_id, status="已面试")
    db.commit()
    set_outcome(session=db, interest_id=interest.id, employer_id=vacancy.employer_id, status="已录用")
    db.commit()
    assert [e.kind for e in _events(db)] == ["interest", "hire"]
    assert {e.profile_id for e in _events(db)} == {profile.id}


def test_interest_registered_by_a_coordinator_for_a_villager_with_a_profile_is_filed_under_the_profile(db):
    coordinator = make_user(db, role=Role.COORDINATOR)
    assign_coordinator_area(session=db, user=coordinator, village_code="371003107201")
    db.commit()
    row = villager_profile(db, coordinator)
    vacancy = _welding_job(db)
    register_interest(session=db, vacancy_id=vacancy.id, name="王大力", phone=row.phone, via="coordinator",
                      registered_by=coordinator.id)
    db.commit()
    [event] = _events(db)
    assert event.kind == "interest" and event.person_key == f"p:{row.id}"


def test_interest_from_someone_matching_does_not_know_is_not_filed(db):
    vacancy = _welding_job(db)
    register_interest(session=db, vacancy_id=vacancy.id, name="路人", phone="13900001111")
    db.commit()
    assert _events(db) == []


def test_a_dismissal_is_filed_once_and_leaves_the_recommendations(db):
    user = make_user(db, role=Role.JOBSEEKER)
    seeker_profile(db, user)
    vacancy = _welding_job(db)
    assert [r.vacancy_id for r in my_recommendations(session=db, user_id=user.id)[1]] == [vacancy.id]
    assert record_dismissal(session=db, user_id=user.id, vacancy_id=vacancy.id)
    assert not record_dismissal(session=db, user_id=user.id, vacancy_id=vacancy.id)
    db.commit()
    assert dismissed_ids(session=db, user_id=user.id) == {vacancy.id}
    assert my_recommendations(session=db, user_id=user.id)[1] == []


def _synthetic_outcomes(db, vacancy_id: int, *, people: int = 200) -> None:  # noqa: ANN001
    """People whose interest follows distance alone (text says nothing): the learned weights should notice."""
    old = utcnow() - timedelta(days=10)
    for i in range(people):
        near = i % 2 == 0
        signals = dict.fromkeys(("text", "history", "occupation", "city", "education", "age", "pay",
                                 "employment_type", "freshness", "popularity"), 0.0)
        signals |= {"distance": 0.75 if near else 0.15, "text": 0.3 + 0.4 * ((i * 7919) % 13) / 13}
        db.add(MatchEvent(kind="view", vacancy_id=vacancy_id, person_key=f"p:{1000 + i}", signals=signals,
                          created_at=old))
        if near:
            db.add(MatchEvent(kind="interest", vacancy_id=vacancy_id, person_key=f"p:{1000 + i}", created_at=old))
    db.commit()


def test_settled_views_without_interest_are_negatives_and_recent_ones_wait(db):
    vacancy = _welding_job(db)
    _synthetic_outcomes(db, vacancy.id, people=4)
    db.add(MatchEvent(kind="view", vacancy_id=vacancy.id, person_key="p:9", signals={"distance": 0.75}))
    db.commit()
    labels = sorted(e.label for e in training_examples(session=db))
    assert labels == [0, 0, 1, 1]


def test_too_few_outcomes_keep_the_current_weights_and_log_nothing(db):
    vacancy = _welding_job(db)
    _synthetic_outcomes(db, vacancy.id, people=10)
    counts = refit_match_weights(session=db)
    assert counts["compared"] == 0 and counts["adopted"] == 0
    assert db.exec(select(MatchWeightComparison)).all() == []


def test_learned_weights_are_adopted_only_when_they_beat_the_current_ones_and_every_comparison_is_logged(db):
    vacancy = _welding_job(db)
    _synthetic_outcomes(db, vacancy.id)
    # The current weights trust text, which says nothing here, and ignore distance, which decides.
    bad = Weights(text=3.0, distance=0.0)
    db.add(MatchWeightSet(weights=bad.to_dict(), source="hand"))
    db.commit()
    counts = job_table()["refit-match-weights"].func(db)
    db.commit()
    assert counts["compared"] == 1 and counts["adopted"] == 1
    [comparison] = db.exec(select(MatchWeightComparison)).all()
    assert comparison.adopted and comparison.candidate_score > comparison.current_score
    newest = db.exec(select(MatchWeightSet).order_by(MatchWeightSet.id.desc())).first()
    assert newest.comparison_id == comparison.id and newest.weights["distance"] > 0
    # Every worker picks the new weights up with the artifact written at adoption.
    artifact = db.exec(select(MatchArtifact)).one()
    assert artifact.weights["distance"] == newest.weights["distance"]
    # Run again: the learned weights are now current and nothing beats them, which is logged but not adopted.
    again = refit_match_weights(session=db)
    db.commit()
    assert again["compared"] == 1 and again["adopted"] == 0
    assert len(db.exec(select(MatchWeightComparison)).all()) == 2


def test_staff_see_the_weight_comparisons_and_others_are_refused(db, client):
    vacancy = _welding_job(db)
    _synthetic_outcomes(db, vacancy.id)
    db.add(MatchWeightSet(weights=Weights(text=3.0, distance=0.0).to_dict(), source="hand"))
    db.commit()
    refit_match_weights(session=db)
    db.commit()
    login(client, make_user(db, role=Role.JOBSEEKER))
    assert client.get("/staff/matching").status_code == 403
    client.cookies.clear()
    login(client, make_user(db, role=Role.STAFF))
    page = client.get("/staff/matching")
    assert page.status_code == 200 and "权重比较记录" in page.text and "已采用" in page.text
