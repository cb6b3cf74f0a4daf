"""Benchmark of village outreach: push one vacancy to all 721 villages with 50,000 subscribers, then deliver
10,000 messages to a local SMS gateway. Each figure is printed with a baseline measured in the same run.

    .venv/bin/python bench/bench_outreach.py [--subscribers 50000] [--messages 10000] [--database-url URL]

Baselines: the push is compared with a plain bulk insert of the same number of outbox rows (the floor cost of
writing that many messages at all); delivery is compared with posting the same payloads straight to the gateway
with the same HTTP client and threads, no database involved.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

GATEWAY = r"""
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def setup(self):
        super().setup()
        # Headers and body go out in two writes; without this, delayed ACKs cap a connection at 25 requests/s.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def _setup_environment(database_url: str | None) -> Path:
    var = Path(tempfile.mkdtemp(prefix="jobbridge-bench-"))
    os.environ.setdefault("JOBBRIDGE_ENV", "test")
    os.environ["JOBBRIDGE_VAR_DIR"] = str(var)
    os.environ["JOBBRIDGE_DATABASE_URL"] = database_url or f"sqlite:///{var / 'bench.sqlite3'}"
    return var


def _fresh_database():  # noqa: ANN202
    from sqlalchemy import text

    from jobbridge.db import get_engine, session_scope
    from jobbridge.migrate import upgrade
    from jobbridge.reference import load_reference_data

    engine = get_engine()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade()
    with session_scope(engine) as session:
        load_reference_data(session=session)
    return engine


def _subscribers(engine, count: int) -> None:  # noqa: ANN001
    import random

    from sqlmodel import select

    from jobbridge.db import session_scope, utcnow
    from jobbridge.geo.models import Village
    from jobbridge.outreach.links import person_key
    from jobbridge.outreach.models import Subscription

    rng = random.Random(7)
    now = utcnow()
    with session_scope(engine) as session:
        villages = list(session.exec(select(Village.code)))
        rows = []
        for i in range(count):
            phone = f"135{i:08d}"
            # Most villagers state no preference; some narrow by kind of work or pay.
            kinds = rng.choice([[], [], [], ["工厂生产"], ["工厂生产", "建筑装修"], ["饭店宾馆"]])
            rows.append(dict(phone=phone, person_key=person_key(phone), name="", village_code=villages[i % len(villages)],
                             travel_range=rng.choice(["全区", "全区", "邻镇", "本镇"]), employment_types=[],
                             work_kinds=kinds, pay_floor=rng.choice([None, None, 3000.0, 8000.0]), unanswered=0,
                             consent_at=now, consent_version="bench", consent_method="网页勾选",
                             registered_via="self", created_at=now, updated_at=now))
        for start in range(0, len(rows), 5000):
            session.execute(Subscription.__table__.insert(), rows[start:start + 5000])


def warm_up() -> None:
    """Import what the first push imports (the matching core loads scikit-learn once per process)."""
    try:
        import jobbridge.matching.ranking  # noqa: F401
        import jobbridge.matching.service  # noqa: F401
    except ImportError:
        pass


_EMPLOYER: dict[str, int] = {}


def _published_vacancy(engine, title: str = "电焊工") -> int:  # noqa: ANN001
    from datetime import timedelta

    from jobbridge.db import session_scope
    from jobbridge.employers.service import EmployerInput, register_employer, verify_employer
    from jobbridge.employers.vacancies import (
        VacancyInput,
        approve_vacancy,
        create_vacancy,
        submit_for_review,
        today_local,
    )
    from jobbridge.validation import uscc_check_char

    with session_scope(engine) as session:
        if "id" not in _EMPLOYER:
            body = "91371003MA0000001"
            employer = register_employer(session=session, data=EmployerInput(
                name="文登基准测试有限公司", uscc=body + uscc_check_char(body), town_code="371003105",
                contact_name="赵经理", contact_phone="0631-8451234"))
            verify_employer(session=session, employer_id=employer.id, staff_id=None)
            _EMPLOYER["id"] = employer.id
        vacancy = create_vacancy(session=session, employer_id=_EMPLOYER["id"], data=VacancyInput(
            title=title, occupation_code="6-18-02-04", headcount=20, employment_type="全职", pay_kind="月薪",
            pay_low=5000, pay_high=7000, description="负责钢结构件的焊接工作，按图纸施工。", town_code="371003105",
            valid_until=today_local() + timedelta(days=30)))
        submit_for_review(session=session, vacancy=vacancy)
        approve_vacancy(session=session, vacancy_id=vacancy.id)
        return vacancy.id


def _baseline_insert(engine, count: int) -> float:  # noqa: ANN001
    from sqlmodel import Session

    from jobbridge.outreach.outbox import enqueue_many

    rows = [dict(dedupe_key=f"baseline:{i}", kind="baseline", body="【就业桥】基准测试", channel="sms",
                 phone=f"135{i:08d}") for i in range(count)]
    started = time.perf_counter()
    with Session(engine) as session:
        enqueue_many(session=session, messages=rows)
        session.commit()
    elapsed = time.perf_counter() - started
    with engine.begin() as conn:
        from jobbridge.outreach.models import OutboxMessage

        conn.execute(OutboxMessage.__table__.delete().where(OutboxMessage.__table__.c.kind == "baseline"))
    return elapsed


def _gateway() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-c", GATEWAY], stdout=subprocess.PIPE, text=True)
    port = int(process.stdout.readline())
    return process, f"http://127.0.0.1:{port}/sms"


def _baseline_http(url: str, count: int, workers: int) -> float:
    import httpx

    client = httpx.Client(timeout=5, limits=httpx.Limits(max_connections=workers, max_keepalive_connections=workers))
    payload = '{"id": "x", "phone": "13500000000", "text": "【就业桥】基准测试"}'.encode()

    def post(_i: int) -> None:
        client.post(url, content=payload, headers={"content-type": "application/json"})

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(post, range(count)))
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    _setup_environment(args.database_url)

    from jobbridge.outreach.delivery import deliver_due
    from jobbridge.outreach.outbox import sms_channel_factory
    from jobbridge.outreach.targeting import run_push

    engine = _fresh_database()
    print(f"database: {engine.dialect.name}; {args.subscribers} subscribers over 721 villages")
    _subscribers(engine, args.subscribers)
    vacancy_id = _published_vacancy(engine)

    from jobbridge.outreach.targeting import preference_scorer

    warm_up()
    baseline = _baseline_insert(engine, args.subscribers)
    started = time.perf_counter()
    counts = run_push(engine=engine, channel="sms")
    push = time.perf_counter() - started
    print(f"push one vacancy (id {vacancy_id}) district-wide, matching-core scores: {push:.2f} s "
          f"({counts['feed_villages']} village feeds, {counts['messages']} messages enqueued)  [aim < 2 s]")
    print(f"  baseline, bulk insert of {args.subscribers} outbox rows: {baseline:.2f} s; "
          f"push / baseline = {push / baseline:.2f}x")
    second = _published_vacancy(engine, title="装配工")
    started = time.perf_counter()
    counts = run_push(engine=engine, channel="sms", scorer=preference_scorer)
    own = time.perf_counter() - started
    print(f"push a second vacancy (id {second}) with preference scores only: {own:.2f} s "
          f"({counts['messages']} messages); push / baseline = {own / baseline:.2f}x")

    gateway, url = _gateway()
    try:
        raw = _baseline_http(url, args.messages, args.workers)
        channels = {"sms": sms_channel_factory(url=url, secret="bench", connections=args.workers)}
        started = time.perf_counter()
        delivered = deliver_due(engine=engine, channels=channels, max_messages=args.messages, workers=args.workers)
        rate = delivered["sent"] / (time.perf_counter() - started)
    finally:
        gateway.terminate()
    print(f"deliver {delivered['sent']} SMS through the outbox: {rate:.0f} messages/s  [aim > 500/s]")
    print(f"  baseline, the same posts straight to the gateway: {raw:.0f} messages/s; "
          f"outbox / baseline = {rate / raw:.2f}")


if __name__ == "__main__":
    main()
