"""Test setup: the environment is fixed before the app is imported; one real database per run."""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

_tmp = Path(tempfile.mkdtemp(prefix="jobbridge-test-"))
os.environ["JOBBRIDGE_ENV"] = "test"
os.environ["JOBBRIDGE_VAR_DIR"] = str(_tmp)
os.environ["JOBBRIDGE_DATABASE_URL"] = os.environ.get(
    "JOBBRIDGE_TEST_DATABASE_URL", f"sqlite:///{(_tmp / 'test.sqlite3').as_posix()}"
)
os.environ.setdefault("JOBBRIDGE_LOGIN_RATE_PER_MINUTE", "1000")

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from jobbridge.config import get_settings  # noqa: E402
from jobbridge.db import get_engine  # noqa: E402

REFERENCE_TABLES = {"town", "village", "occupation", "town_adjacency", "alembic_version"}
IS_POSTGRES = get_settings().database_url.startswith("postgresql")
_phones = itertools.count(1)


def pytest_collection_modifyitems(config, items):  # noqa: ANN001
    """Browser tests run only when switched on; PostgreSQL-only tests only on PostgreSQL."""
    browser_on = os.environ.get("JOBBRIDGE_BROWSER_TESTS") == "1"
    for item in items:
        if "browser" in item.keywords and not browser_on:
            item.add_marker(pytest.mark.skip(reason="browser tests are off (JOBBRIDGE_BROWSER_TESTS=1)"))
        if "postgres" in item.keywords and not IS_POSTGRES:
            item.add_marker(pytest.mark.skip(reason="needs JOBBRIDGE_TEST_DATABASE_URL on PostgreSQL"))


@pytest.fixture(scope="session")
def engine():
    """The migrated test database with reference data loaded once."""
    from jobbridge.db import session_scope
    from jobbridge.migrate import upgrade
    from jobbridge.reference import load_reference_data

    eng = get_engine()
    if IS_POSTGRES:
        with eng.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade()
    with session_scope(eng) as session:
        load_reference_data(session=session)
    return eng


def _clean(eng) -> None:  # noqa: ANN001
    from jobbridge.models import metadata

    tables = [t for t in reversed(metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with eng.begin() as conn:
        if IS_POSTGRES:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _fresh_data(request):  # noqa: ANN001
    """Every test that touches the database starts with reference data only."""
    if "engine" not in request.fixturenames and "db" not in request.fixturenames and "client" not in request.fixturenames:
        yield
        return
    eng = request.getfixturevalue("engine")
    yield
    _clean(eng)


@pytest.fixture
def db(engine) -> Session:  # noqa: ANN001
    """A session on the test database; the test commits what the request or job would."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(engine):  # noqa: ANN001
    """The real app in process, over ASGI."""
    from litestar.testing import TestClient

    from jobbridge_web.app import create_app

    with TestClient(app=create_app(), base_url="http://testserver.local") as test_client:
        yield test_client


def unique_phone() -> str:
    """A valid, unused mainland mobile number."""
    return f"139{next(_phones):08d}"


@pytest.fixture
def live_server(engine):  # noqa: ANN001
    """The real app behind a real uvicorn HTTP server on a free local port."""
    import socket
    import threading
    import time

    import uvicorn

    from jobbridge_web.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def browser_page():
    """A headless Debian Chromium page driven by Playwright, phone-sized by default."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        page = context.new_page()
        yield page
        context.close()
        browser.close()
