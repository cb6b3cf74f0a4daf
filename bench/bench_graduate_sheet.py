"""Benchmark: the cost of a graduate's policy results and of the whole 明白纸 data, against the pure rules.

Seeds a temporary SQLite database (reference data, the policy catalogue, 20 published vacancies and one
graduate registered through the domain functions), then times, in the same process:

- baseline: evaluate_all over the catalogue already in memory (the pure rules);
- policy_results: the catalogue read from the database plus the same evaluation;
- follow_up: everything the file page and the sheet show (policies, recommendations, fairs, steps, today's events).

    .venv/bin/python bench/bench_graduate_sheet.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int) -> float:  # noqa: ANN001
    """Median seconds of one call."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    """Seed, measure, print ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="jobbridge-bench-grad-"))
    os.environ["JOBBRIDGE_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["JOBBRIDGE_VAR_DIR"] = str(tmp)
    os.environ.setdefault("JOBBRIDGE_ENV", "test")
    sys.path.insert(0, str(ROOT / "tests"))

    from sqlmodel import Session

    from jobbridge.db import get_engine, session_scope
    from jobbridge.graduates.followup import follow_up, graduate_facts, policy_results
    from jobbridge.graduates.matches import matching_ready
    from jobbridge.graduates.service import hardship_of
    from jobbridge.migrate import upgrade
    from jobbridge.policies.eligibility import evaluate_all, load_policy_specs
    from jobbridge.reference import load_reference_data
    from support.graduates import make_graduate, seed_catalogue
    from support.personas import make_employer, make_published_vacancy, make_user

    upgrade()
    with session_scope() as session:
        load_reference_data(session=session)
    with Session(get_engine(), expire_on_commit=False) as db:
        seed_catalogue(db)
        staff = make_user(db, role="staff", name="王丽")
        employer = make_employer(db)
        for i in range(20):
            make_published_vacancy(db, employer=employer, title=f"机械设计助理{i}", skills="CAD 机械制图")
        graduate = make_graduate(db, staff=staff, hardship_consent="是", hardship=["国家助学贷款"], intent="创业")
        hardship = hardship_of(session=db, graduate_id=graduate.id)
        today = date.today()
        specs = load_policy_specs()
        facts = graduate_facts(graduate, hardship)
        base = timed(lambda: evaluate_all(specs, facts, today=today), args.repeat)
        stored = timed(lambda: policy_results(session=db, graduate=graduate, hardship=hardship, today=today),
                       args.repeat)
        sheet = timed(lambda: follow_up(session=db, graduate=graduate, hardship=hardship, today=today),
                      max(10, args.repeat // 10))
    print(f"matching service present: {matching_ready()}")
    print(f"baseline evaluate_all (in memory): {base * 1e3:.3f} ms = 1.00")
    print(f"policy_results (catalogue from DB): {stored * 1e3:.3f} ms = {stored / base:.1f}x baseline")
    print(f"follow_up (whole sheet data):       {sheet * 1e3:.3f} ms = {sheet / base:.1f}x baseline")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
