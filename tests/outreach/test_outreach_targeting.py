"""Targeting: village feeds, who is told, at most once ever, quiet hours, the daily cap and fading contact."""

from datetime import UTC, datetime, time, timedelta

import time_machine
from sqlmodel import Session, select

from jobbridge.config import get_settings
from jobbridge.db import utcnow
from jobbridge.employers.models import Vacancy
from jobbridge.geo.models import Village
from jobbridge.outreach.delivery import deliver_due
from jobbridge.outreach.digests import assemble_digests
from jobbridge.outreach.models import OutboxMessage, PushReceipt, Subscription, VacancyPush, VillageFeed
from jobbridge.outreach.reach import open_link
from jobbridge.outreach.targeting import Candidate, preference_scorer, push_vacancy, run_push
from jobbridge.outreach.timing import at_local
from support.outreach import make_subscriber, villages_of_town
from support.personas import make_employer, make_published_vacancy

HOUJIA, SONGCUN, JIESHI, ZETOU = "371003105", "371003106", "371003111", "371003107"  # 侯家 borders 宋村


def _feed(db: Session, vacancy_id: int) -> set[str]:
    return set(db.exec(select(VillageFeed.village_code).where(VillageFeed.vacancy_id == vacancy_id)))


def _vacancy_messages(db: Session, **where) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == "vacancy")
    for key, value in where.items():
        query = query.where(getattr(OutboxMessage, key) == value)
    return list(db.exec(query))


def _local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    today = datetime.now(get_settings().tz).date()
    return at_local(today + timedelta(days=day_offset), time(hour, minute))


def test_vacancy_for_two_towns_is_in_exactly_those_towns_village_feeds(db, engine):
    employer = make_employer(db, town=HOUJIA)
    vacancy = make_published_vacancy(db, employer=employer, town_code=HOUJIA, push_scope="towns",
                                     push_codes=[HOUJIA, JIESHI])
    run_push(engine=engine)
    expected = set(villages_of_town(db, HOUJIA)) | set(villages_of_town(db, JIESHI))
    assert _feed(db, vacancy.id) == expected
    assert len(expected) < len(db.exec(select(Village.code)).all())


def test_workplace_town_joins_the_feed_even_when_not_targeted(db, engine):
    employer = make_employer(db, town=ZETOU)
    vacancy = make_published_vacancy(db, employer=employer, town_code=ZETOU, push_scope="towns", push_codes=[JIESHI])
    run_push(engine=engine)
    assert _feed(db, vacancy.id) == set(villages_of_town(db, JIESHI)) | set(villages_of_town(db, ZETOU))


def test_feed_distance_orders_same_village_town_adjacent_district(db, engine):
    employer = make_employer(db, town=HOUJIA)
    home = villages_of_town(db, HOUJIA)[0]
    vacancy = make_published_vacancy(db, employer=employer, town_code=HOUJIA, village_code=home)
    run_push(engine=engine)
    distance = dict(db.exec(select(VillageFeed.village_code, VillageFeed.distance)
                            .where(VillageFeed.vacancy_id == vacancy.id)).all())
    assert len(distance) == 721
    assert distance[home] == 0 and distance[villages_of_town(db, HOUJIA)[1]] == 1
    assert distance[villages_of_town(db, SONGCUN)[0]] == 2 and distance[villages_of_town(db, JIESHI)[0]] == 3


def test_only_subscribers_within_their_travel_range_are_told(db, engine):
    employer = make_employer(db, town=HOUJIA)
    houjia, songcun = villages_of_town(db, HOUJIA), villages_of_town(db, SONGCUN)
    told = [make_subscriber(db, village=houjia[1], travel_range="本镇"),
            make_subscriber(db, village=songcun[0], travel_range="邻镇"),
            make_subscriber(db, village=songcun[1], travel_range="全区")]
    untold = [make_subscriber(db, village=houjia[2], travel_range="本村"),
              make_subscriber(db, village=songcun[2], travel_range="本镇"),
              make_subscriber(db, village=villages_of_town(db, JIESHI)[0], travel_range="全区")]
    make_published_vacancy(db, employer=employer, town_code=HOUJIA, village_code=houjia[0], push_scope="towns",
                           push_codes=[HOUJIA, SONGCUN])
    run_push(engine=engine)
    phones = {m.phone for m in _vacancy_messages(db)}
    assert phones == {s.phone for s in told} and not phones & {s.phone for s in untold}


def test_stated_preferences_filter_who_is_told(db, engine):
    employer = make_employer(db, town=HOUJIA)
    village = villages_of_town(db, HOUJIA)[0]
    yes = make_subscriber(db, village=village, employment_types=["全职"], work_kinds=["工厂生产"], pay_floor=4000)
    wrong_type = make_subscriber(db, village=village, employment_types=["兼职"])
    wrong_kind = make_subscriber(db, village=village, work_kinds=["饭店宾馆"])
    too_poor = make_subscriber(db, village=village, pay_floor=9000)
    make_published_vacancy(db, employer=employer, town_code=HOUJIA, occupation_code="6-18-02-04")
    run_push(engine=engine)
    phones = {m.phone for m in _vacancy_messages(db)}
    assert yes.phone in phones and not phones & {wrong_type.phone, wrong_kind.phone, too_poor.phone}


def test_running_push_twice_tells_nobody_twice(db, engine):
    employer = make_employer(db, town=HOUJIA)
    subscriber = make_subscriber(db, village=villages_of_town(db, HOUJIA)[0])
    make_published_vacancy(db, employer=employer, town_code=HOUJIA)
    first, second = run_push(engine=engine), run_push(engine=engine)
    assert first["messages"] == 1 and second["vacancies"] == 0 and second["messages"] == 0
    assert len(_vacancy_messages(db, phone=subscriber.phone)) == 1


def test_a_person_is_never_told_twice_even_if_the_push_marker_is_lost(db, engine):
    employer = make_employer(db, town=HOUJIA)
    make_subscriber(db, village=villages_of_town(db, HOUJIA)[0])
    vacancy = make_published_vacancy(db, employer=employer, town_code=HOUJIA)
    run_push(engine=engine)
    db.delete(db.get(VacancyPush, vacancy.id))
    db.commit()
    again = run_push(engine=engine)
    assert again["vacancies"] == 1 and again["messages"] == 0
    assert len(_vacancy_messages(db)) == 1


def test_a_second_claim_of_the_same_vacancy_is_refused(db, engine):
    employer = make_employer(db, town=HOUJIA)
    vacancy = make_published_vacancy(db, employer=employer, town_code=HOUJIA)
    assert push_vacancy(session=db, vacancy_id=vacancy.id) is not None
    assert push_vacancy(session=db, vacancy_id=vacancy.id) is None


def test_messages_decided_at_night_wait_until_eight(db, engine):
    night = _local(1, 22, 30)
    with time_machine.travel(night, tick=False):
        employer = make_employer(db, town=HOUJIA)
        make_subscriber(db, village=villages_of_town(db, HOUJIA)[0])
        make_published_vacancy(db, employer=employer, town_code=HOUJIA)
        run_push(engine=engine)
        assert deliver_due(engine=engine)["claimed"] == 0
    message = _vacancy_messages(db)[0]
    assert message.state == "queued" and message.next_attempt_at == _local(2, 8)
    with time_machine.travel(_local(2, 7, 59), tick=False):
        assert deliver_due(engine=engine)["sent"] == 0
    with time_machine.travel(_local(2, 8, 1), tick=False):
        assert deliver_due(engine=engine)["sent"] == 2  # the vacancy and the held subscription welcome
    db.rollback()  # end the test's read snapshot to see what the job committed
    assert db.get(OutboxMessage, message.id).state == "sent"


def test_nothing_goes_out_in_quiet_hours_even_if_queued_for_now(db, engine):
    from jobbridge.outreach.outbox import enqueue

    enqueue(session=db, dedupe_key="k1", kind="vacancy", body="x", phone="13600000001", not_before=_local(1, 20))
    db.commit()
    with time_machine.travel(_local(1, 23), tick=False):
        assert deliver_due(engine=engine)["claimed"] == 0


def test_daily_cap_holds_and_the_rest_become_one_digest(db, engine):
    with time_machine.travel(_local(1, 9), tick=False):
        employer = make_employer(db, town=HOUJIA)
        subscriber = make_subscriber(db, village=villages_of_town(db, HOUJIA)[0])
        titles = ["电焊工", "装配工", "叉车司机", "质检员", "仓库管理员"]
        for title in titles:
            make_published_vacancy(db, employer=employer, town_code=HOUJIA, title=title)
            run_push(engine=engine)
    with time_machine.travel(_local(1, 19, 5), tick=False):
        assert run_push(engine=engine)["digests"] == 1
        assert assemble_digests(session=db) == 0
    day_messages = [m for m in db.exec(select(OutboxMessage).where(OutboxMessage.phone == subscriber.phone))
                    if m.kind in {"vacancy", "digest"}]
    assert len(day_messages) == 3
    digest = next(m for m in day_messages if m.kind == "digest")
    assert all(title in digest.body for title in titles[2:]) and digest.next_attempt_at == _local(1, 19, 5)
    assert {m.kind for m in day_messages} == {"vacancy", "digest"}


def test_late_evening_overflow_goes_to_the_next_days_digest(db, engine):
    with time_machine.travel(_local(1, 19, 30), tick=False):
        employer = make_employer(db, town=HOUJIA)
        subscriber = make_subscriber(db, village=villages_of_town(db, HOUJIA)[0])
        for title in ["电焊工", "装配工", "叉车司机"]:
            make_published_vacancy(db, employer=employer, town_code=HOUJIA, title=title)
        run_push(engine=engine)
    receipt = db.exec(select(PushReceipt).where(PushReceipt.mode == "digest")).one()
    assert receipt.digest_due_at == _local(2, 19)
    assert len(_vacancy_messages(db, phone=subscriber.phone)) == 2


def _age(db: Session, subscription: Subscription, unanswered: int) -> None:
    subscription.unanswered = unanswered
    db.add(subscription)
    db.commit()


def test_people_who_never_answer_get_a_daily_digest_after_five_and_weekly_after_ten(db, engine):
    with time_machine.travel(_local(1, 9), tick=False):
        employer = make_employer(db, town=HOUJIA)
        villages = villages_of_town(db, HOUJIA)
        fresh, tired, silent = (make_subscriber(db, village=villages[i]) for i in range(3))
        _age(db, tired, 5)
        _age(db, silent, 10)
        make_published_vacancy(db, employer=employer, town_code=HOUJIA)
        run_push(engine=engine)
    modes = {r.person_key: (r.mode, r.digest_due_at) for r in db.exec(select(PushReceipt))}
    assert modes[fresh.person_key][0] == "message"
    assert modes[tired.person_key] == ("digest", _local(1, 19))
    assert modes[silent.person_key][0] == "digest" and modes[silent.person_key][1] > _local(1, 19)


def test_opening_a_message_link_counts_as_an_answer(db, engine):
    employer = make_employer(db, town=HOUJIA)
    subscriber = make_subscriber(db, village=villages_of_town(db, HOUJIA)[0])
    make_published_vacancy(db, employer=employer, town_code=HOUJIA)
    run_push(engine=engine)
    db.refresh(subscriber)
    assert subscriber.unanswered == 1
    code = _vacancy_messages(db)[0].link.rsplit("/", 1)[1]
    target = open_link(session=db, code=code)
    db.commit()
    db.refresh(subscriber)
    assert subscriber.unanswered == 0 and target.vacancy_id is not None
    assert db.exec(select(PushReceipt)).one().opened_at is not None


def test_matching_scorer_is_one_injectable_call(db, engine):
    employer = make_employer(db, town=HOUJIA)
    keep = make_subscriber(db, village=villages_of_town(db, HOUJIA)[0])
    make_subscriber(db, village=villages_of_town(db, HOUJIA)[1])
    make_published_vacancy(db, employer=employer, town_code=HOUJIA)

    def scorer(*, session, vacancy, candidates: list[Candidate]) -> dict[int, float]:
        return {c.id: 1.0 if c.id == keep.id else 0.1 for c in candidates}

    outcome = push_vacancy(session=db, vacancy_id=db.exec(select(Vacancy.id)).one(), scorer=scorer, min_score=0.5)
    db.commit()
    assert outcome.messages == 1 and [m.phone for m in _vacancy_messages(db)] == [keep.phone]


def test_preference_scorer_prefers_explicit_matches_and_nearness(db):
    vacancy = Vacancy(id=1, employer_id=1, title="x", employment_type="全职", pay_kind="月薪", town_code=HOUJIA,
                      valid_until=utcnow().date(), occupation_code="6-18-02-04")
    base = dict(phone="", person_key="", name="", village_code="", travel_range="全区", pay_floor=None, unanswered=0,
                user_id=None)
    near = Candidate(id=1, employment_types=("全职",), work_kinds=("工厂生产",), distance=0, **base)
    far = Candidate(id=2, employment_types=(), work_kinds=(), distance=3, **base)
    scores = preference_scorer(session=db, vacancy=vacancy, candidates=[near, far])
    assert scores[1] > scores[2] and datetime.now(UTC)
