"""The scheduler: recorded job runs, the job table, and one active scheduler per database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from jobbridge.jobruns import JobRun
from jobbridge_scheduler.jobs import job_table
from jobbridge_scheduler.runner import LeaderLock, run_job

ROOT = Path(__file__).resolve().parents[1]


def test_job_table_has_the_documented_jobs():
    assert {"expire-vacancies", "purge-expired-sessions"} <= set(job_table())


def test_run_job_records_start_end_outcome_and_counts(engine):
    counts = run_job("expire-vacancies", engine=engine)
    with Session(engine) as session:
        run = session.exec(select(JobRun).where(JobRun.job_id == "expire-vacancies")).one()
    assert run.outcome == "ok" and run.counts == counts and run.finished_at >= run.started_at


def test_jobs_cli_lists_every_job_with_trigger_and_last_run(engine):
    run_job("purge-expired-sessions", engine=engine)
    out = subprocess.run([sys.executable, "-m", "jobbridge_web.cli", "jobs", "list"], capture_output=True, text=True,
                         check=True, env=os.environ.copy()).stdout
    assert "expire-vacancies" in out and "interval(minutes=30)" in out
    purge_line = next(line for line in out.splitlines() if line.startswith("purge-expired-sessions"))
    assert " ok " in purge_line


def test_second_lock_waits_while_first_is_held(engine):
    first, second = LeaderLock(engine), LeaderLock(engine)
    assert first.try_acquire()
    try:
        assert not second.try_acquire()
    finally:
        first.release()
    assert second.try_acquire()
    second.release()


def _start_scheduler() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "jobbridge_web.cli", "scheduler", "--poll-seconds", "1"],
        env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def _runners(engine) -> set[str]:
    with Session(engine) as session:
        return {run.runner for run in session.exec(select(JobRun))}


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


@pytest.mark.slow
def test_only_one_scheduler_runs_jobs_and_standby_takes_over_within_30s(engine):
    first = _start_scheduler()
    assert _wait_for(lambda: len(_runners(engine)) == 1, 30), "no scheduler became active"
    second = _start_scheduler()
    try:
        time.sleep(4)  # several poll intervals: the stand-by must not run anything
        runners = _runners(engine)
        assert len(runners) == 1 and runners == {r for r in runners if r.endswith(f":{first.pid}")}
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        killed_at = time.monotonic()
        assert _wait_for(lambda: any(r.endswith(f":{second.pid}") for r in _runners(engine)), 30)
        assert time.monotonic() - killed_at < 30
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(10)
