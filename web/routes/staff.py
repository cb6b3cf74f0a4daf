"""The staff console (综合柜员工作台): every matter from one place."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template
from sqlmodel import Session

from jobbridge.accounts.service import audit_entries
from jobbridge.jobruns import last_runs
from jobbridge_scheduler.jobs import job_table
from jobbridge_web.deps import signed_in, staff_only


@get("/staff", sync_to_thread=True, guards=[staff_only], name="staff_console")
def staff_console(request: Request, db: Session) -> Template:
    """Work queues and system state for counter staff."""
    from jobbridge.employers.service import staff_queue_counts

    runs = last_runs(session=db)
    jobs = [(spec, runs.get(spec.id)) for spec in job_table().values()]
    return Template("staff/console.html", context={"counts": staff_queue_counts(session=db), "jobs": jobs})


@get("/staff/audit", sync_to_thread=True, guards=[staff_only])
def staff_audit(db: Session) -> Template:
    """Recent reads and changes of personal data."""
    return Template("staff/audit.html", context={"entries": audit_entries(session=db, limit=300)})


@get("/me", sync_to_thread=True, guards=[signed_in])
def my_page(request: Request) -> Template:
    """A signed-in person's own page."""
    return Template("me.html", context={})


handlers = [staff_console, staff_audit, my_page]
