"""Signing in and posting forms for the employer and review pages in tests."""

from __future__ import annotations

import re

from sqlmodel import Session

from jobbridge.accounts.models import User
from jobbridge.employers.models import Employer
from support.personas import PASSWORD, make_employer, make_user

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf(client, path: str = "/login") -> str:  # noqa: ANN001
    """A CSRF token from a page's form."""
    return CSRF.search(client.get(path).text).group(1)


def login(client, user: User) -> str:  # noqa: ANN001
    """Sign a user in through the login form; returns a CSRF token for later posts."""
    token = csrf(client)
    response = client.post("/login", data={"login": user.phone, "password": PASSWORD, "_csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return token


def post_form(client, path: str, data: dict, token: str, **kwargs):  # noqa: ANN001, ANN201
    """POST a URL-encoded form with the CSRF token, without following the redirect."""
    return client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False, **kwargs)


def employer_with_member(db: Session, *, name: str = "文登测试机械有限公司", verified: bool = True) -> tuple[Employer, User]:
    """An employer and one member account."""
    employer = make_employer(db, name=name, verified=verified)
    member = make_user(db, role="employer", name="赵经理", employer_id=employer.id)
    return employer, member


def api_token(client, user: User) -> dict[str, str]:  # noqa: ANN001
    """Authorization header for a user's bearer token."""
    response = client.post("/api/v1/auth/token", json={"login": user.phone, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def vacancy_form(**overrides) -> dict:  # noqa: ANN003
    """A complete, lawful vacancy form as the browser would post it."""
    from datetime import timedelta

    from jobbridge.employers.vacancies import today_local

    values = {
        "title": "电焊工", "occupation_code": "", "headcount": "3", "employment_type": "全职", "pay_kind": "月薪",
        "pay_low": "5000", "pay_high": "7000", "pay_unit": "", "min_education": "初中", "experience": "1年以上",
        "age_min": "18", "age_max": "55", "skills": "二氧化碳保护焊", "description": "负责钢结构件的焊接工作，按图纸施工。",
        "benefits": ["五险一金", "包吃"], "town_code": "371003107", "village_code": "", "address": "泽头镇工业园",
        "working_hours": "8:00-17:00，月休4天", "valid_until": (today_local() + timedelta(days=30)).isoformat(),
        "push_scope": "district", "action": "draft",
    }
    values.update(overrides)
    return values
