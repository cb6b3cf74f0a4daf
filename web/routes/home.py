"""Home page and health check."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.response import Template
from sqlalchemy import text
from sqlmodel import Session

from jobbridge.geo.service import list_towns


@get("/", sync_to_thread=True, name="home")
def home_page(request: Request, db: Session) -> Template:
    """The front door: each kind of visitor finds their path."""
    towns = list_towns(session=db)
    return Template("home.html", context={"towns": towns})


@get("/healthz", sync_to_thread=True, include_in_schema=True, skip_session=True)
def healthz(db: Session) -> Response:
    """Liveness and database reachability."""
    try:
        db.exec(text("SELECT 1"))  # type: ignore[call-overload]
        return Response({"status": "ok", "database": "ok"})
    except Exception:  # noqa: BLE001 - report, do not crash
        return Response({"status": "degraded", "database": "error"}, status_code=503)


handlers = [home_page, healthz]
