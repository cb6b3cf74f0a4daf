"""Fairs, exhibitors and visitors for tests, built through the fairs domain functions."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest
from sqlmodel import Session

from jobbridge.employers.vacancies import today_local
from jobbridge.fairs.booths import request_booth
from jobbridge.fairs.models import Fair
from jobbridge.fairs.service import FairInput, create_fair
from jobbridge.fairs.visitors import RegistrationInput, register_visitor
from support.personas import PASSWORD, make_employer, make_published_vacancy, make_user

_names = itertools.count(1)


def fair_input(**overrides) -> FairInput:
    """A complete themed fair ten days ahead with booking open from today."""
    today = overrides.pop("today", None) or today_local()
    values = dict(
        title="2026年春风行动专场招聘会", kind="themed", theme="春风行动", fair_date=today + timedelta(days=10),
        start_time="08:30", end_time="11:30", venue="文登区人力资源市场", town_code="371003001",
        booth_capacity=5, per_employer_limit=1, booking_opens_on=today, booking_closes_on="",
        description="春风行动专场，面向返乡务工人员。",
    )
    values.update(overrides)
    return FairInput(**values)


def make_fair(db: Session, *, today: date | None = None, **overrides) -> Fair:
    """A fair open for booking (by default) and committed."""
    fair = create_fair(session=db, data=fair_input(today=today, **overrides), staff_id=None, today=today)
    db.commit()
    return fair


def make_exhibitor(db: Session, *, title: str = "电焊工", name: str | None = None, with_user: bool = True):
    """A verified employer with one published vacancy (and an employer account): (employer, vacancy, user)."""
    employer = make_employer(db, name=name or f"文登测试{next(_names)}号机械有限公司")
    vacancy = make_published_vacancy(db, employer=employer, title=title)
    user = make_user(db, role="employer", name="赵经理", employer_id=employer.id) if with_user else None
    return employer, vacancy, user


def book(db: Session, fair: Fair, employer, vacancy, **extra):
    """Request a booth and commit."""
    result = request_booth(session=db, fair_id=fair.id, employer_id=employer.id, vacancy_ids=[vacancy.id], **extra)
    db.commit()
    return result


def make_visitor(db: Session, fair: Fair, *, name: str = "李明", phone: str = "13800138000", town: str = "371003107",
                 wanted: str = "电焊工"):
    """A registered visitor, committed."""
    registration, _ = register_visitor(session=db, fair_id=fair.id, data=RegistrationInput(
        name=name, phone=phone, town_code=town, wanted_work=wanted))
    db.commit()
    return registration


CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def sign_in(client, user) -> str:  # noqa: ANN001
    """Sign in through the login form; returns a CSRF token for later form posts."""
    token = CSRF.search(client.get("/login").text).group(1)
    response = client.post("/login", data={"login": user.phone, "password": PASSWORD, "_csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return token


def send_form(client, path: str, data: dict, token: str):  # noqa: ANN001, ANN201
    """POST a form with the CSRF token, not following the redirect."""
    return client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


def bearer(client, user) -> dict[str, str]:  # noqa: ANN001
    """An Authorization header with the user's API token."""
    response = client.post("/api/v1/auth/token", json={"login": user.phone, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def fresh_matching():
    """Forget the matching core's process-wide index: it is keyed by vacancy id, and ids restart between tests."""
    try:
        from jobbridge.matching.holder import reset_holders
    except ImportError:  # the matching core is optional for the fairs
        yield
        return
    reset_holders()
    yield
    reset_holders()
