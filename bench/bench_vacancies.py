"""Benchmark: public vacancy search (town + keyword) on 100,000 vacancies, against /healthz on the same server.

Seeds a fresh database with bulk Core inserts (titles and descriptions from the shipped zhaopin postings, random
Wendeng towns), starts the real app under uvicorn in a subprocess (`jobbridge serve --no-scheduler`), and drives
it with concurrent httpx clients: 192 distinct searches (16 towns x 12 keywords) round-robin, against /healthz
measured in the same server. Two servers are measured: with the search result cache (steady state, each search
seen once before) and without it (every request filters the in-memory index and counts facets: the cost right
after any vacancy changes). Prints requests/s, p50, p99, the ratio to /healthz and the server's memory.

    .venv/bin/python bench/bench_vacancies.py                       # SQLite file in a temporary directory
    flock /tmp/jobbridge-pg.lock .venv/bin/python bench/bench_vacancies.py \
        --database-url postgresql://postgres@127.0.0.1:5432/test
        # creates and finally drops the dedicated database jobbridge_bench on that server; `test` is not touched
"""

from __future__ import annotations

import argparse
import csv
import os
import random
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
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "jobbridge_bench"
KEYWORDS = ("运营", "编辑", "产品", "视频", "销售", "助理", "经理", "设计", "电商", "文案", "客服", "策划")
EDUCATION = {"大专": "大专", "本科": "本科", "硕士": "硕士", "博士": "博士", "高中": "高中/中专", "中专/中技": "高中/中专"}
BENEFIT_POOL = ("五险一金", "五险", "包吃", "包住", "班车接送", "双休", "带薪年假", "加班补助", "餐补", "节日福利")
TYPES = ("全职", "全职", "全职", "全职", "兼职", "零工日结", "季节工", "就业见习岗位")


# --- database ---------------------------------------------------------------------------------------------


def prepare_database(url: str | None, workdir: Path) -> tuple[str, callable]:
    """A fresh database URL and a function that removes it again."""
    if not url or url.startswith("sqlite"):
        path = workdir / "bench.sqlite3"
        return f"sqlite:///{path.as_posix()}", lambda: None
    server = make_url(url)
    admin = create_engine(server.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{BENCH_DB}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=BENCH_DB).render_as_string(hide_password=False), drop


def postings() -> list[dict]:
    """Rows of the shipped job-posting sample, with pay parsed and an occupation code suggested."""
    from jobbridge.employers.pay import parse_posting_salary
    from jobbridge.matching.coder import get_coder

    with (files("jobbridge") / "data/job_postings/zhaopin_wuhan_2024.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    codes = get_coder().code_many([r["岗位名称"] for r in rows])
    out = []
    for row, coded in zip(rows, codes, strict=True):
        pay = parse_posting_salary(row["薪资"])
        monthly = pay.monthly_estimate() if pay else (None, None)
        title = " ".join(row["岗位名称"].split())[:40]
        skills = "、".join(t for t in row["岗位标签"].split(";") if t)[:500]
        out.append(dict(
            title=title, skills=skills, description=row["工作简介"], occupation_code=coded.code or None,
            occupation_level=coded.level or None, pay_kind=pay.kind if pay else "月薪",
            pay_low=pay.low if pay else 4000.0, pay_high=pay.high if pay else 6000.0,
            pay_unit=pay.unit if pay else None, pay_monthly_min=monthly[0] if pay else 4000.0,
            pay_monthly_max=monthly[1] if pay else 6000.0, min_education=EDUCATION.get(row["学历"], "不限"),
        ))
    return out


def seed(url: str, count: int, *, rng: random.Random) -> dict:
    """Migrate, load reference data, then bulk-insert employers and `count` vacancies; returns what was made."""
    from jobbridge.db import make_engine, session_scope
    from jobbridge.employers.models import Employer, Vacancy, VacancyBenefit
    from jobbridge.migrate import upgrade
    from jobbridge.reference import load_reference_data
    from jobbridge.validation import uscc_check_char

    upgrade(database_url=url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        load_reference_data(session=session)
    with engine.connect() as conn:
        towns = [r[0] for r in conn.execute(text("SELECT code FROM town ORDER BY code"))]
        villages: dict[str, list[str]] = {}
        for code, town in conn.execute(text("SELECT code, town_code FROM village")):
            villages.setdefault(town, []).append(code)
    samples = postings()
    now = datetime.now(UTC)
    today = date.today()
    employers = []
    for i in range(1, max(count // 50, 20) + 1):
        body = f"91371003MA{i:07d}"[:17]
        status = "verified" if rng.random() < 0.95 else rng.choice(["suspended", "pending"])
        employers.append(dict(
            id=i, name=f"文登{rng.choice(['华信', '永安', '鑫达', '海润', '昆嵛', '泰和'])}实业有限公司{i}号",
            uscc=body + uscc_check_char(body), industry="制造业", size="20-99人", town_code=rng.choice(towns),
            address="工业园", contact_name="赵经理", contact_phone="0631-8451234", status=status,
            reject_reason="", is_demo=False, created_at=now, updated_at=now, verified_at=now,
        ))
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(Employer.__table__), employers)
    chunk, benefit_rows, vacancy_rows = 5000, [], []
    for vid in range(1, count + 1):
        sample = rng.choice(samples)
        town = rng.choice(towns)
        roll = rng.random()
        status = "published" if roll < 0.9 else ("pending" if roll < 0.95 else rng.choice(["closed", "expired"]))
        published = now - timedelta(days=rng.uniform(0, 60)) if status != "pending" else None
        valid_until = today + timedelta(days=rng.randint(-3, 90))
        benefits = sorted(rng.sample(BENEFIT_POOL, rng.randint(0, 4)), key=BENEFIT_POOL.index)
        vacancy_rows.append(dict(
            sample, id=vid, employer_id=rng.randint(1, len(employers)), headcount=rng.randint(1, 20),
            employment_type=rng.choice(TYPES), experience="不限", benefits=benefits, town_code=town,
            village_code=rng.choice(villages[town]) if rng.random() < 0.5 else None, address="", working_hours="",
            valid_until=valid_until, push_scope="district", push_codes=[], status=status, reject_reason="",
            compliance_flags=[], is_demo=False, published_at=published, created_at=now, updated_at=now,
            search_text=" ".join([sample["title"], sample["skills"], sample["description"]]).lower(),
        ))
        benefit_rows.extend({"vacancy_id": vid, "benefit": b} for b in benefits)
        if len(vacancy_rows) >= chunk or vid == count:
            with engine.begin() as conn:
                conn.execute(insert(Vacancy.__table__), vacancy_rows)
                if benefit_rows:
                    conn.execute(insert(VacancyBenefit.__table__), benefit_rows)
            vacancy_rows, benefit_rows = [], []
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval('vacancy_id_seq', (SELECT max(id) FROM vacancy))"))
            conn.execute(text("SELECT setval('employer_id_seq', (SELECT max(id) FROM employer))"))
    engine.dispose()
    return {"towns": towns, "seconds": time.perf_counter() - started, "employers": len(employers)}


# --- server and load --------------------------------------------------------------------------------------


def free_port() -> int:
    """An unused local TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, port: int, workdir: Path, *, cache: bool) -> subprocess.Popen:
    """The real app through its own `serve` command (no scheduler), waiting until /healthz answers.

    With cache=False the search result cache is switched off in the server process, so every search filters
    the in-memory index and counts its facets: the cost of a search right after vacancies change.
    """
    env = dict(os.environ, JOBBRIDGE_DATABASE_URL=url, JOBBRIDGE_ENV="production",
               JOBBRIDGE_SECRET_KEY=secrets.token_hex(24), JOBBRIDGE_VAR_DIR=str(workdir))
    switch = "" if cache else "import jobbridge.employers.browse as b; b.CACHE_SWITCH['enabled'] = False; "
    cmd = [sys.executable, "-c", switch + "from jobbridge_web.cli import main; raise SystemExit(main())",
           "serve", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited: " + proc.stderr.read().decode(errors="replace")[-2000:])
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                # Drain stderr so a chatty log can never block the server on a full pipe.
                threading.Thread(target=proc.stderr.read, daemon=True).start()
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


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load(base: str, paths: list[str], *, threads: int, seconds: float) -> dict:
    """Hit the paths round-robin from `threads` clients for `seconds`; latency figures and throughput."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads
    stop_at = time.perf_counter() + seconds

    def worker(n: int) -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            i = n
            while time.perf_counter() < stop_at:
                path = paths[i % len(paths)]
                i += threads
                t0 = time.perf_counter()
                response = client.get(path)
                latencies[n].append(time.perf_counter() - t0)
                if response.status_code != 200:
                    errors[n] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    flat = sorted(x for part in latencies for x in part)
    q = statistics.quantiles(flat, n=100)
    return {"n": len(flat), "rps": len(flat) / elapsed, "p50": q[49] * 1000, "p99": q[98] * 1000,
            "errors": sum(errors)}


def single_client_p99(base: str, paths: list[str], *, count: int) -> float:
    """p99 latency (ms) of requests sent one at a time, i.e. the cost of one search without queueing."""
    times = []
    with httpx.Client(base_url=base, timeout=10) as client:
        for i in range(count):
            t0 = time.perf_counter()
            client.get(paths[i % len(paths)])
            times.append(time.perf_counter() - t0)
    return statistics.quantiles(times, n=100)[98] * 1000


def measure(url: str, workdir: Path, search: list[str], *, cache: bool, threads: int, seconds: float) -> None:
    """Start a server, warm it up, and print search against /healthz measured in the same run."""
    port = free_port()
    proc = start_server(url, port, workdir, cache=cache)
    try:
        base = f"http://127.0.0.1:{port}"
        # Warm-up: imports, connection pool, OS page cache; with the cache on, every query is seen once,
        # which is the steady state of a public list that changes a few times an hour.
        totals = []
        for path in ["/healthz"] * 20 + (search if cache else search[:32]):
            response = httpx.get(base + path, timeout=30)
            if path != "/healthz":
                totals.append(response.json()["total"])
        rss = rss_mb(proc.pid)
        trivial = load(base, ["/healthz"], threads=threads, seconds=seconds)
        searched = load(base, search, threads=threads, seconds=seconds)
        solo = single_client_p99(base, search, count=300)
    finally:
        stop_server(proc)
    title = ("result cache on (steady state: every search seen once before)" if cache
             else "result cache off (every search filters the in-memory index: the cost right after a change)")
    print(f"\n{title}, {threads} concurrent clients, {seconds:.0f} s per route:")
    print(f"  {'route':32} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, r in (("/healthz (baseline)", trivial), ("/api/v1/vacancies?town=&q=", searched)):
        print(f"  {name:32} {r['n']:9d} {r['rps']:8.1f} {r['p50']:8.2f} {r['p99']:8.2f} {r['errors']:7d}")
    print(f"  server memory after warm-up: {rss:.0f} MB")
    print(f"  matching vacancies per search: min {min(totals)}, median {statistics.median(totals):.0f}, "
          f"max {max(totals)}")
    print(f"  search/baseline throughput {searched['rps'] / trivial['rps']:.0%}, "
          f"p99 {searched['p99']:.1f} ms ({searched['p99'] / trivial['p99']:.1f}x baseline); "
          f"one client at a time: search p99 {solo:.1f} ms")


def main() -> int:
    """Seed, serve, measure, print, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (default: SQLite file)")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="jobbridge-bench-"))
    url, drop = prepare_database(args.database_url, workdir)
    try:
        made = seed(url, args.count, rng=rng)
        dialect = make_url(url).get_backend_name()
        print(f"{dialect}: seeded {args.count:,} vacancies and {made['employers']:,} employers "
              f"in {made['seconds']:.1f} s; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        search = [f"/api/v1/vacancies?town={t}&q={k}" for k in KEYWORDS for t in made["towns"]]
        rng.shuffle(search)
        print(f"{len(search)} distinct searches: {len(made['towns'])} towns x {len(KEYWORDS)} keywords")
        for cache in (True, False):
            measure(url, workdir, search, cache=cache, threads=args.threads, seconds=args.seconds)
    finally:
        drop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
