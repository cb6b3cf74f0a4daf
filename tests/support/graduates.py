"""Graduates and the policy catalogue for tests, built through the domain functions the app uses."""

from __future__ import annotations

import itertools
import re
from datetime import date

from sqlmodel import Session

from jobbridge.accounts.models import User
from jobbridge.graduates.models import Graduate
from jobbridge.graduates.service import GraduateInput, register_graduate
from jobbridge.policies.catalogue import seed_policy_catalogue
from jobbridge.validation import id_check_char
from support.personas import PASSWORD, phone

TODAY = date(2026, 12, 3)
_seq = itertools.count(11)


def id_number(birth: date, *, male: bool = True) -> str:
    """A fresh valid Wendeng identity number for a birth date."""
    n = next(_seq)
    serial = f"{n % 100:02d}{2 * ((n // 100) % 5) + (1 if male else 0)}"
    body = f"371003{birth:%Y%m%d}{serial}"
    return body + id_check_char(body)


def seed_catalogue(db: Session) -> None:
    """The policy catalogue from the YAML files, as `jobbridge seed` loads it."""
    seed_policy_catalogue(session=db)
    db.commit()


def graduate_input(*, birth: date = date(2004, 3, 15), **overrides) -> GraduateInput:
    """A complete, valid registration."""
    values = dict(
        name="李明", id_number=id_number(birth), phone=phone(), school="山东大学（威海）", major="机械设计制造及其自动化",
        degree="本科", graduation_date="2026-06-30", hukou_in_district="是", file_status="待转入",
        file_expected_on="2026-12-20", intent="就业", preferred_work="机械设计", preferred_towns=["371003107"],
        employment_types=["全职"], travel_range="全区", expected_pay="5000", skills="CAD 三维建模",
        experience="在某机械厂实习3个月", password=PASSWORD,
    )
    values.update(overrides)
    return GraduateInput(**values)


def make_graduate(db: Session, *, staff: User | None = None, channel: str | None = None, today: date = TODAY,
                  **overrides) -> Graduate:
    """A registered graduate (at the window when staff is given, else online)."""
    channel = channel or ("window" if staff else "online")
    graduate = register_graduate(session=db, data=graduate_input(**overrides), registered_by=staff, channel=channel,
                                 today=today)
    db.commit()
    return graduate


def csrf(client, path: str) -> str:
    """The CSRF token of a page's form."""
    page = client.get(path)
    return re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)


def login(client, login_name: str, password: str = PASSWORD) -> None:
    """Sign a test client in."""
    token = csrf(client, "/login")
    response = client.post("/login", data={"login": login_name, "password": password, "_csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def bearer(client, login_name: str, password: str = PASSWORD) -> dict[str, str]:
    """Authorization header with a fresh API token."""
    token = client.post("/api/v1/auth/token", json={"login": login_name, "password": password}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}
