"""Run jobs with a recorded outcome, and keep exactly one active scheduler per database."""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import threading
import traceback
from datetime import datetime
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine, make_url

from jobbridge.config import get_settings
from jobbridge.db import get_engine, session_scope
from jobbridge.jobruns import finish_run, start_run
from jobbridge_scheduler.jobs import job_table

log = logging.getLogger("jobbridge.scheduler")
ADVISORY_LOCK_KEY = 0x4A0B_B21D  # "JOBBRIDGE" scheduler leadership, one per database
RUNNER_ID = f"{socket.gethostname()}:{os.getpid()}"


def run_job(job_id: str, *, engine: Engine | None = None) -> dict:
    """Run one job now through the same code the scheduler uses, recording the run."""
    spec = job_table()[job_id]
    engine = engine or get_engine()
    with session_scope(engine) as session:
        run = start_run(session=session, job_id=job_id, runner=RUNNER_ID)
    try:
        with session_scope(engine) as session:
            counts = spec.func(session) if spec.func else {}
    except Exception as exc:
        with session_scope(engine) as session:
            run = session.merge(run)
            finish_run(session=session, run=run, error=f"{exc!r}\n{traceback.format_exc()[-2000:]}")
        log.exception("job %s failed", job_id)
        raise
    with session_scope(engine) as session:
        run = session.merge(run)
        finish_run(session=session, run=run, counts=counts)
    log.info("job %s done: %s", job_id, counts)
    return counts


class LeaderLock:
    """Leadership over one database: a PostgreSQL advisory lock, or a file lock beside an SQLite file."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self._fh = None

    def try_acquire(self) -> bool:
        """Take leadership if nobody holds it; never blocks."""
        if self.engine.dialect.name == "postgresql":
            conn = self.engine.connect()
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}).scalar()
            conn.commit()
            if got:
                self._conn = conn
                return True
            conn.close()
            return False
        path = _sqlite_lock_path(self.engine)
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = path.open("a+")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            return False
        self._fh = fh
        return True

    def still_held(self) -> bool:
        """Check that the lock's connection is alive (a dead one means the lock is gone)."""
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
                return True
            except Exception:  # noqa: BLE001 - any failure means leadership is lost
                return False
        return self._fh is not None

    def release(self) -> None:
        """Give up leadership."""
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
                self._conn.commit()
                self._conn.close()
            except Exception:  # noqa: BLE001 - closing the connection releases it anyway
                pass
            self._conn = None
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def _sqlite_lock_path(engine: Engine) -> Path:
    database = make_url(str(engine.url)).database or "memory"
    return Path(f"{database}.scheduler.lock")


class SchedulerService:
    """Waits to become leader, then runs the job table with APScheduler until stopped or demoted."""

    def __init__(self, *, engine: Engine | None = None, poll_seconds: float = 5.0) -> None:
        self.engine = engine or get_engine()
        self.poll_seconds = poll_seconds
        self.lock = LeaderLock(self.engine)
        self._stop = threading.Event()
        self._scheduler: BackgroundScheduler | None = None
        self.is_active = False

    def _start_jobs(self) -> None:
        tz = get_settings().tz
        scheduler = BackgroundScheduler(timezone=tz)
        for spec in job_table().values():
            trigger = dict(spec.trigger)
            kind = trigger.pop("trigger", "cron")
            if kind == "interval":
                # A new leader catches up at once (jobs are idempotent), so a failover leaves no gap.
                trigger["next_run_time"] = datetime.now(tz)
            scheduler.add_job(
                run_job,
                kind,
                id=spec.id,
                args=[spec.id],
                kwargs={"engine": self.engine},
                coalesce=True,
                max_instances=1,
                misfire_grace_time=600,
                replace_existing=True,
                **trigger,
            )
        scheduler.start()
        self._scheduler = scheduler
        self.is_active = True
        log.info("scheduler %s is active with %d jobs", RUNNER_ID, len(job_table()))

    def _stop_jobs(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
        self.is_active = False

    def run_forever(self) -> None:
        """Block: stand by until leader, run jobs while leader, stand by again if demoted."""
        try:
            while not self._stop.is_set():
                if not self.is_active:
                    if self.lock.try_acquire():
                        self._start_jobs()
                    else:
                        log.debug("scheduler %s standing by", RUNNER_ID)
                elif not self.lock.still_held():
                    log.warning("scheduler %s lost leadership", RUNNER_ID)
                    self._stop_jobs()
                    self.lock.release()
                self._stop.wait(self.poll_seconds)
        finally:
            self._stop_jobs()
            self.lock.release()

    def start_in_thread(self) -> threading.Thread:
        """Run in a daemon thread (for `jobbridge serve`)."""
        thread = threading.Thread(target=self.run_forever, name="jobbridge-scheduler", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Ask the loop to finish."""
        self._stop.set()
