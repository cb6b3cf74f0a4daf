"""Benchmark: the booth-booking endpoint when 50 employers ask at once for the last 5 booths.

Seeds a dedicated database through the domain functions (50 verified employers, each with a member account and
a published vacancy), starts the real app under uvicorn in a subprocess (`jobbridge serve --no-scheduler`), and
drives POST /api/v1/fairs/{id}/booths with real HTTP clients in threads:

- baseline, measured in the same process: the same endpoint uncontended (the 50 employers book one after
  another on a fair with room for all), plus GET /healthz;
- contended: per round a fresh fair with 5 booths and 50 requests released together by a barrier.

Every contended round is checked: exactly 5 confirmed and 45 waitlisted at places 1..45.

    flock /tmp/jobbridge-pg.lock .venv/bin/python bench/bench_booths.py
    .venv/bin/python bench/bench_booths.py --database-url postgresql://postgres@127.0.0.1:5432/test --rounds 5
        # creates and finally drops the database jobbridge_bench_booths on that server; `test` is not touched
    .venv/bin/python bench/bench_booths.py --database-url sqlite   # a temporary SQLite file, for comparison
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "jobbridge_bench_booths"
PASSWORD = "bench-password-42"


def prepare_database(url: str, workdir: Path):  # noqa: ANN201
    """A fresh database URL and a function that removes it again."""
    if url.startswith("sqlite"):
        return f"sqlite:///{(workdir / 'bench.sqlite3').as_posix()}", lambda: None
    server = make_url(url)
    admin = create_engine(server.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{BENCH_DB}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
        admin.dispose()

    target = server.set(drivername="postgresql+psycopg", database=BENCH_DB)
    return target.render_as_string(hide_password=False), drop


def seed(*, employers: int, rounds: int, free: int) -> dict:
    """Employers with members and vacancies, a roomy baseline fair and one small fair per contended round."""
    from jobbridge.accounts.service import create_user
    from jobbridge.db import get_engine, session_scope
    from jobbridge.employers.service import EmployerInput, register_employer, verify_employer
    from jobbridge.employers.vacancies import (
        VacancyInput,
        approve_vacancy,
        create_vacancy,
        submit_for_review,
        today_local,
    )
    from jobbridge.fairs.service import FairInput, create_fair
    from jobbridge.migrate import upgrade
    from jobbridge.reference import load_reference_data
    from jobbridge.validation import uscc_check_char

    upgrade()
    engine = get_engine()
    with session_scope(engine) as session:
        load_reference_data(session=session)
    today = today_local()
    people = []
    with session_scope(engine) as session:
        for i in range(employers):
            body = f"91371003MA{i + 1:07d}"[:17]
            employer = register_employer(session=session, data=EmployerInput(
                name=f"文登压测{i + 1}号机械有限公司", uscc=body + uscc_check_char(body), industry="制造业",
                size="20-99人", town_code="371003107", address="工业园", contact_name="赵经理",
                contact_phone="0631-8451234"))
            verify_employer(session=session, employer_id=employer.id, staff_id=None)
            phone = f"136{i + 1:08d}"
            create_user(session=session, role="employer", name="赵经理", phone=phone, password=PASSWORD,
                        employer_id=employer.id)
            vacancy = create_vacancy(session=session, employer_id=employer.id, data=VacancyInput(
                title="焊工", occupation_code="6-18-02-04", headcount=3, pay_low=5000, pay_high=7000,
                min_education="初中", description="负责钢结构件的焊接工作，按图纸施工。", town_code="371003107",
                valid_until=today + timedelta(days=30)))
            submit_for_review(session=session, vacancy=vacancy)
            approve_vacancy(session=session, vacancy_id=vacancy.id)
            people.append((phone, vacancy.id))

        def fair(title: str, capacity: int) -> int:
            return create_fair(session=session, staff_id=None, data=FairInput(
                title=title, kind="themed", theme="其他", fair_date=today + timedelta(days=10), venue="压测会场",
                booth_capacity=capacity, booking_opens_on=today)).id

        baseline = fair("基线招聘会（不争抢）", employers)
        contended = [fair(f"争抢第{r + 1}轮", free) for r in range(rounds)]
    return {"people": people, "baseline": baseline, "contended": contended}


def free_port() -> int:
    """An unused local TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, port: int, workdir: Path) -> subprocess.Popen:
    """The real app through its own `serve` command (no scheduler), waiting until /healthz answers."""
    env = dict(os.environ, JOBBRIDGE_DATABASE_URL=url, JOBBRIDGE_ENV="production",
               JOBBRIDGE_SECRET_KEY=secrets.token_hex(24), JOBBRIDGE_VAR_DIR=str(workdir),
               JOBBRIDGE_LOGIN_RATE_PER_MINUTE="100000")
    cmd = [sys.executable, "-c", "from jobbridge_web.cli import main; raise SystemExit(main())",
           "serve", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited: " + proc.stderr.read().decode(errors="replace")[-2000:])
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                threading.Thread(target=proc.stderr.read, daemon=True).start()  # never block on a full pipe
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("server did not start within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server process group we started."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def tokens(base: str, phones: list[str]) -> list[str]:
    """A bearer token per employer member."""
    with httpx.Client(base_url=base, timeout=30) as client:
        out = []
        for phone in phones:
            response = client.post("/api/v1/auth/token", json={"login": phone, "password": PASSWORD})
            response.raise_for_status()
            out.append(response.json()["access_token"])
        return out


def book(client: httpx.Client, fair_id: int, token: str, vacancy_id: int) -> tuple[float, dict]:
    """One booking request: (seconds, JSON body)."""
    start = time.perf_counter()
    response = client.post(f"/api/v1/fairs/{fair_id}/booths", json={"vacancy_ids": [vacancy_id]},
                           headers={"authorization": f"Bearer {token}"})
    elapsed = time.perf_counter() - start
    if response.status_code != 201:
        raise RuntimeError(f"booking answered {response.status_code}: {response.text[:300]}")
    return elapsed, response.json()


def sequential(base: str, fair_id: int, people: list[tuple[str, int]], keys: list[str]) -> list[float]:
    """The uncontended cost: the same endpoint, one request at a time."""
    with httpx.Client(base_url=base, timeout=60) as client:
        return [book(client, fair_id, key, vacancy)[0] for key, (_, vacancy) in zip(keys, people, strict=True)]


def healthz(base: str, n: int = 50) -> list[float]:
    """A trivial request through the same stack, for scale."""
    with httpx.Client(base_url=base, timeout=30) as client:
        out = []
        for _ in range(n):
            start = time.perf_counter()
            client.get("/healthz").raise_for_status()
            out.append(time.perf_counter() - start)
        return out


def contended(base: str, fair_id: int, people: list[tuple[str, int]], keys: list[str], free: int) -> tuple[list[float], float]:
    """All requests released together; checks the outcome and returns latencies and the wall time."""
    clients = [httpx.Client(base_url=base, timeout=120) for _ in people]
    for client in clients:
        client.get("/healthz")  # open the connection before the race, so the race measures the booking
    barrier = threading.Barrier(len(people) + 1)
    results: list[tuple[float, dict] | BaseException] = [None] * len(people)  # type: ignore[list-item]

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = book(clients[i], fair_id, keys[i], people[i][1])
        except BaseException as exc:  # noqa: BLE001 - reported below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(people))]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    for client in clients:
        client.close()
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed: {failures[0]!r}")
    bodies = [body for _, body in results]
    confirmed = [b for b in bodies if b["status"] == "confirmed"]
    waiting = sorted(b["waitlist_position"] for b in bodies if b["status"] == "waitlisted")
    expected = len(people) - free
    if len(confirmed) != free or waiting != list(range(1, expected + 1)):
        raise RuntimeError(f"wrong outcome: {len(confirmed)} confirmed, waitlist places {waiting}")
    return [elapsed for elapsed, _ in results], wall


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def main() -> int:
    """Seed, serve, measure, report, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--free", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="jobbridge-bench-booths-"))
    url, drop = prepare_database(args.database_url, workdir)
    os.environ.update(JOBBRIDGE_DATABASE_URL=url, JOBBRIDGE_ENV="test", JOBBRIDGE_VAR_DIR=str(workdir))
    proc = None
    try:
        data = seed(employers=args.clients, rounds=args.rounds, free=args.free)
        port = free_port()
        proc = start_server(url, port, workdir)
        base = f"http://127.0.0.1:{port}"
        people = data["people"]
        keys = tokens(base, [phone for phone, _ in people])
        health = healthz(base)
        alone = sequential(base, data["baseline"], people, keys)
        raced, walls = [], []
        for fair_id in data["contended"]:
            latencies, wall = contended(base, fair_id, people, keys, args.free)
            raced += latencies
            walls.append(wall)
    finally:
        if proc is not None:
            stop_server(proc)
        drop()
        shutil.rmtree(workdir, ignore_errors=True)

    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    base_ms = statistics.median(alone) * 1000
    print(f"booth booking, {backend}, real server (uvicorn, 1 process), {args.clients} clients for the last "
          f"{args.free} booths, {args.rounds} rounds — every round: {args.free} confirmed, "
          f"{args.clients - args.free} waitlisted at places 1..{args.clients - args.free}")
    print(f"  baseline  GET /healthz             median {statistics.median(health) * 1000:7.1f} ms")
    print(f"  baseline  booking, uncontended     median {base_ms:7.1f} ms   p95 {pct(alone, .95):7.1f} ms  (= 1.00)")
    for label, q in (("median", .5), ("p95", .95), ("max", 1.0)):
        value = pct(raced, q)
        print(f"  contended booking {label:>6}            {value:7.1f} ms   = {value / base_ms:5.1f} x uncontended median")
    wall = statistics.median(walls)
    print(f"  contended round wall time (all {args.clients} answered)  median {wall * 1000:7.1f} ms   "
          f"= {wall * 1000 / base_ms:5.1f} x uncontended median; {args.clients / wall:6.1f} bookings/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
