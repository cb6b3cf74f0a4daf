"""Helpers for matching tests: fresh per-test index holders, seekers and signed-in clients."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session

from jobbridge.accounts.models import User
from jobbridge.matching.holder import IndexHolder, reset_holders
from jobbridge.matching.models import JobseekerProfile
from jobbridge.matching.profiles import ProfileInput, save_own_profile, save_villager_profile

ZETOU = "371003107"  # 泽头镇
ZETOU_VILLAGE = "371003107200"  # 泽头村
JIESHI = "371003111"  # 界石镇: not adjacent to 泽头镇 in the reference data (district band)
WELDER = "6-18-02-04"
PASSWORD = "correct-horse-42"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _fresh_holders():
    """Each test starts with no process-wide index (the database is emptied between tests)."""
    reset_holders()
    yield
    reset_holders()


def worker() -> IndexHolder:
    """A holder as a second web worker would have it, without throttling so a test sees every poll and sync."""
    return IndexHolder(poll_seconds=0, sync_seconds=0)


def seeker_profile(db: Session, user: User, **overrides) -> JobseekerProfile:
    """A jobseeker's own profile (a welder in 泽头镇 unless told otherwise), committed."""
    values = dict(name=user.name, village_code=ZETOU_VILLAGE, wanted_work="电焊工", skills="氩弧焊 二保焊", consent="1",
                  experience="在船厂干过五年电焊")
    values.update(overrides)
    row = save_own_profile(session=db, user_id=user.id, data=ProfileInput(**values))
    db.commit()
    return row


def villager_profile(db: Session, coordinator: User, **overrides) -> JobseekerProfile:
    """A villager's profile entered by their coordinator, committed."""
    values = dict(name="王大力", phone="13812345678", village_code="371003107201", wanted_work="电焊",
                  consent="1")
    values.update(overrides)
    row = save_villager_profile(session=db, coordinator_id=coordinator.id, data=ProfileInput(**values))
    db.commit()
    return row


def login(client, user: User) -> None:  # noqa: ANN001
    """Sign a test client in as a user."""
    token = CSRF.search(client.get("/login").text).group(1)
    response = client.post("/login", data={"login": user.phone, "password": PASSWORD, "_csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def form_post(client, path: str, data: dict, *, page: str | None = None):  # noqa: ANN001, ANN201
    """POST a form with the CSRF token of the page it sits on."""
    token = CSRF.search(client.get(page or path).text).group(1)
    return client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


def bearer(client, user: User) -> dict[str, str]:  # noqa: ANN001
    """Authorization header with a fresh API token."""
    token = client.post("/api/v1/auth/token", json={"login": user.phone, "password": PASSWORD}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}
