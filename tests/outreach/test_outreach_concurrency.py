"""Two pushes and two deliveries at once, from threads or from separate processes, send nobody anything twice."""

import os
import subprocess
import sys
import threading
from collections import Counter

import pytest
from sqlmodel import Session, select

from jobbridge.outreach.delivery import deliver_due
from jobbridge.outreach.models import OutboxMessage, PushReceipt
from jobbridge.outreach.outbox import inbox_channel, sms_channel_factory
from jobbridge.outreach.targeting import run_push
from support.outreach import Gateway, make_subscriber, villages_of_town
from support.personas import make_employer, make_published_vacancy

HOUJIA = "371003105"


def _seed(db: Session, *, people: int = 24, vacancies: int = 3) -> None:
    employer = make_employer(db, town=HOUJIA)
    villages = villages_of_town(db, HOUJIA)
    for i in range(people):
        make_subscriber(db, village=villages[i % len(villages)], commit=False)
    db.commit()
    for i in range(vacancies):
        make_published_vacancy(db, employer=employer, town_code=HOUJIA, title=f"普工{i}号")


def _together(*calls) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = []

    def run(index: int, call) -> None:  # noqa: ANN001
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def _assert_nobody_twice(db: Session, gateway: Gateway) -> None:
    db.rollback()
    receipts = Counter((r.person_key, r.vacancy_id) for r in db.exec(select(PushReceipt)))
    assert receipts and max(receipts.values()) == 1
    sent = Counter(p["id"] for p in gateway.delivered)
    assert sent and max(sent.values()) == 1
    vacancy_sms = [p for p in gateway.delivered if p["id"].startswith("vac:")]
    told = Counter(p["phone"] for p in vacancy_sms)
    assert max(told.values()) <= 2  # the daily cap: two single messages, the rest wait for the digest
    assert all(m.state == "sent" for m in db.exec(select(OutboxMessage)))


def test_two_threads_pushing_and_delivering_at_once_send_nothing_twice(db, engine):
    _seed(db)
    with Gateway() as gateway:
        channels = {"sms": sms_channel_factory(url=gateway.url, secret="s"), "inbox": inbox_channel}
        pushes = _together(lambda: run_push(engine=engine, channel="sms"), lambda: run_push(engine=engine, channel="sms"))
        assert sum(p["vacancies"] for p in pushes) == 3
        _together(lambda: deliver_due(engine=engine, channels=channels, batch_size=7),
                  lambda: deliver_due(engine=engine, channels=channels, batch_size=7))
    _assert_nobody_twice(db, gateway)


CHILD = """
from jobbridge.db import get_engine
from jobbridge.outreach.delivery import deliver_due
from jobbridge.outreach.targeting import run_push
engine = get_engine()
print(run_push(engine=engine), deliver_due(engine=engine, batch_size=5), flush=True)
"""


@pytest.mark.postgres
def test_two_processes_pushing_and_delivering_at_once_send_nothing_twice(db, engine):
    _seed(db, people=40)
    with Gateway() as gateway:
        env = dict(os.environ, JOBBRIDGE_SMS_GATEWAY_URL=gateway.url, JOBBRIDGE_SMS_GATEWAY_SECRET="s")
        children = [subprocess.Popen([sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [child.communicate(timeout=120) for child in children]
        assert all(child.returncode == 0 for child in children), outputs
    _assert_nobody_twice(db, gateway)
    assert len([p for p in gateway.delivered if p["id"].startswith("welcome:")]) == 0
