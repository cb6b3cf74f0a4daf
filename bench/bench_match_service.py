"""Benchmark of matching as a web worker runs it: 100,000 open vacancies in a real database.

Run: /work/main/.venv/bin/python bench/bench_match_service.py [--docs 100000] [--queries 200]
     [--database-url postgresql://...]  (default: a fresh SQLite file in a temporary directory)

Seeds the database (migrations, reference data, verified employers, published vacancies synthesised from real
postings), runs the nightly `rebuild-match-index` job, then starts fresh worker processes that import the whole
web app and measure, each against a baseline taken in the same process:
  - memory: RSS with the app imported (baseline) → after the artifact is loaded → after serving queries;
  - latency: recommend_vacancies through the service (ranking + the database check of every result) against
    MatchIndex.top_k on the same index for the same profiles;
  - upkeep: one notify_vacancy_changed (local update of an edit), an idle sync and an artifact poll;
  - cold start: building from the database when no artifact exists, against loading the artifact.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).parent

# One worker process: everything it prints is one JSON line on stdout.
_WORKER = r"""
import json, os, random, sys, time
sys.path.insert(0, sys.argv[1])
mode, n_queries = sys.argv[2], int(sys.argv[3])
from bench_matching import rss_mb, synth_profiles, load_geography
out = {}
out["rss_python"] = rss_mb()[0]
from jobbridge_web.app import create_app
create_app()
import numpy as np
from sqlmodel import Session, col, select
from jobbridge.db import get_engine
from jobbridge.matching.holder import IndexHolder, vacancy_doc
from jobbridge.matching.service import notify_vacancy_changed, recommend_vacancies
from jobbridge.employers.models import Vacancy
out["rss_app"] = rss_mb()[0]
engine = get_engine()
holder = IndexHolder()
with Session(engine) as s:
    t0 = time.perf_counter()
    holder.refresh(session=s)
    out["ready_s"] = time.perf_counter() - t0
out["source"] = "artifact" if holder.artifact_id else "database"
out["docs"] = len(holder.index)
out["rss_loaded"] = rss_mb()[0]
if mode == "serve":
    rng = random.Random(7)
    _, _, villages = load_geography()
    index = holder.index
    ids = list(index._row_of)
    with Session(engine) as s:
        rows = s.exec(select(Vacancy).where(col(Vacancy.id).in_(rng.sample(ids, 3000)))).all()
        docs = [vacancy_doc(vacancy=v, employer_status="verified") for v in rows]
    profiles = synth_profiles(n_queries, rng=rng, docs=docs, villages=villages)
    with Session(engine) as s:
        for p in profiles[:10]:
            recommend_vacancies(session=s, profile=p, holder=holder)
        core, service = [], []
        for p in profiles:
            t0 = time.perf_counter(); index.top_k(p, k=10); core.append(time.perf_counter() - t0)
            t0 = time.perf_counter(); recommend_vacancies(session=s, profile=p, holder=holder)
            service.append(time.perf_counter() - t0)
        out["core_ms"] = [float(np.percentile(core, q) * 1000) for q in (50, 99)]
        out["service_ms"] = [float(np.percentile(service, q) * 1000) for q in (50, 99)]
        notify = []
        for vid in rng.sample(ids, 50):
            v = s.get(Vacancy, vid); v.title = v.title + " "
            s.flush()
            t0 = time.perf_counter(); notify_vacancy_changed(session=s, vacancy_id=vid, holder=holder)
            notify.append(time.perf_counter() - t0)
        s.rollback()
        out["notify_ms"] = [float(np.percentile(notify, q) * 1000) for q in (50, 99)]
        syncs, polls = [], []
        for _ in range(20):
            t0 = time.perf_counter(); holder.sync(session=s); syncs.append(time.perf_counter() - t0)
            t0 = time.perf_counter(); holder.poll_artifact(session=s); polls.append(time.perf_counter() - t0)
            s.rollback()
        out["sync_ms"] = float(np.percentile(syncs, 50) * 1000)
        out["poll_ms"] = float(np.percentile(polls, 50) * 1000)
    cur, peak = rss_mb()
    out["rss_served"], out["rss_peak"] = cur, peak
print(json.dumps(out))
"""


def _env(url: str, var_dir: str) -> dict[str, str]:
    return {**os.environ, "JOBBRIDGE_DATABASE_URL": url, "JOBBRIDGE_VAR_DIR": var_dir, "JOBBRIDGE_ENV": "test"}


def worker(url: str, var_dir: str, mode: str, queries: int) -> dict:
    """Run one fresh worker process and return what it measured."""
    result = subprocess.run([sys.executable, "-c", _WORKER, str(HERE), mode, str(queries)], env=_env(url, var_dir),
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def seed(url: str, var_dir: str, n_docs: int) -> dict:
    """Migrate, load reference data and insert employers and published vacancies (in this process)."""
    os.environ.update(_env(url, var_dir))
    sys.path.insert(0, str(HERE))
    from bench_matching import load_geography, synth_docs
    from sqlalchemy import insert
    from sqlmodel import Session

    from jobbridge.db import get_engine, session_scope, utcnow
    from jobbridge.employers.models import Employer, Vacancy
    from jobbridge.employers.vacancies import today_local
    from jobbridge.migrate import upgrade
    from jobbridge.reference import load_reference_data

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    upgrade(database_url=url)
    engine = get_engine(url)
    with session_scope(engine) as session:
        load_reference_data(session=session)
    rng = random.Random(20261203)
    geography, towns, villages = load_geography()
    docs = synth_docs(n_docs, rng=rng, towns=towns, villages=villages)
    # Steady state: rows last changed over the past month, so a worker's sync window holds only recent edits.
    now, valid = utcnow(), today_local().replace(year=today_local().year + 1)

    def changed() -> object:
        return now - timedelta(days=rng.uniform(1, 30))

    n_employers = max(1, n_docs // 20)
    with Session(engine) as session:
        session.execute(insert(Employer), [
            dict(id=i, name=f"文登测试{i}号公司", uscc=f"9137100{i:011d}", town_code=rng.choice(towns),
                 contact_name="赵经理", contact_phone="0631-8451234", status="verified", created_at=now,
                 updated_at=changed()) for i in range(1, n_employers + 1)])
        rows = []
        for d in docs:
            rows.append(dict(
                id=d.id, employer_id=(d.id % n_employers) + 1, title=d.title[:80], occupation_code=d.occupation_code,
                employment_type=d.employment_type, pay_kind="月薪", pay_monthly_min=d.pay_monthly_min,
                pay_monthly_max=d.pay_monthly_max, min_education=d.min_education or "不限", age_min=d.age_min,
                age_max=d.age_max, skills="", description=d.text, benefits=[], push_codes=[], compliance_flags=[],
                town_code=d.town_code or geography.town_of(d.village_code), village_code=d.village_code,
                valid_until=valid, status="published", published_at=d.published_at, created_at=now,
                updated_at=changed()))
            if len(rows) == 5000:
                session.execute(insert(Vacancy), rows)
                rows = []
        if rows:
            session.execute(insert(Vacancy), rows)
        session.commit()
    timings["seed_s"] = time.perf_counter() - t0
    return timings


def rebuild(url: str) -> dict:
    """The nightly job, timed, in this process."""
    from sqlmodel import Session

    from jobbridge.db import get_engine
    from jobbridge.matching.service import rebuild_match_index

    with Session(get_engine(url)) as session:
        t0 = time.perf_counter()
        counts = rebuild_match_index(session=session)
        session.commit()
        counts["seconds"] = time.perf_counter() - t0
    return counts


def drop_artifacts(url: str) -> None:
    """Forget every artifact, so the next worker starts cold from the database."""
    from sqlalchemy import delete
    from sqlmodel import Session

    from jobbridge.db import get_engine
    from jobbridge.matching.models import MatchArtifact

    with Session(get_engine(url)) as session:
        session.execute(delete(MatchArtifact))
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database-url", help="an empty database to use (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jobbridge-bench-") as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        seeded = seed(url, tmp, args.docs)
        job = rebuild(url)
        served = worker(url, tmp, "serve", args.queries)
        drop_artifacts(url)
        cold = worker(url, tmp, "cold", 0)
    backend = url.split(":", 1)[0]
    print(f"database                       : {backend}, {args.docs:,} published vacancies (seeded in {seeded['seed_s']:.0f} s)")
    print(f"nightly rebuild-match-index    : {job['seconds']:.1f} s, artifact {job['size_kb'] / 1024:.0f} MB, "
          f"{job['docs']:,} docs")
    print(f"worker start from the artifact : {served['ready_s']:.2f} s; cold start from the database: "
          f"{cold['ready_s']:.2f} s ({cold['ready_s'] / served['ready_s']:.1f}× the artifact load)")
    print(f"worker RSS                     : python {served['rss_python']:.0f} MB → app imported "
          f"{served['rss_app']:.0f} MB → index loaded {served['rss_loaded']:.0f} MB → after {args.queries} queries "
          f"{served['rss_served']:.0f} MB (peak {served['rss_peak']:.0f} MB); index adds "
          f"{served['rss_loaded'] - served['rss_app']:.0f} MB = {served['rss_served'] / served['rss_app']:.2f}× the "
          f"app alone")
    print(f"cold-start worker RSS          : {cold['rss_loaded']:.0f} MB "
          f"({cold['rss_loaded'] / served['rss_loaded']:.2f}× the artifact-loaded worker)")
    core, service = served["core_ms"], served["service_ms"]
    print(f"top-10, MatchIndex.top_k        : p50 {core[0]:.2f} ms, p99 {core[1]:.2f} ms (baseline)")
    print(f"top-10, recommend_vacancies     : p50 {service[0]:.2f} ms, p99 {service[1]:.2f} ms "
          f"({service[0] / core[0]:.2f}× / {service[1] / core[1]:.2f}× the core: + database check of the results)")
    print(f"notify_vacancy_changed (edit)  : p50 {served['notify_ms'][0]:.2f} ms, p99 {served['notify_ms'][1]:.2f} ms "
          f"({served['notify_ms'][0] / core[0]:.2f}× one query)")
    print(f"idle sync / artifact poll      : {served['sync_ms']:.2f} ms / {served['poll_ms']:.2f} ms "
          f"(every 2 s / 30 s: {served['sync_ms'] / 2000 * 100:.3f}% / {served['poll_ms'] / 30000 * 100:.4f}% of a core)")


if __name__ == "__main__":
    main()
