"""People and organisations for tests, created through the same domain functions the app uses."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlmodel import Session

from jobbridge.accounts.models import User
from jobbridge.accounts.service import create_user
from jobbridge.employers.models import Employer, Vacancy
from jobbridge.employers.service import EmployerInput, register_employer, verify_employer
from jobbridge.employers.vacancies import (
    VacancyInput,
    approve_vacancy,
    create_vacancy,
    submit_for_review,
    today_local,
)
from jobbridge.validation import uscc_check_char

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)


def phone() -> str:
    """A fresh valid mobile number."""
    return f"137{next(_seq):08d}"


def uscc() -> str:
    """A fresh valid unified social credit code."""
    body = f"91371003MA{next(_seq):07d}"[:17]
    return body + uscc_check_char(body)


def make_user(db: Session, *, role: str, name: str = "测试用户", **extra) -> User:
    """An account with the shared test password."""
    user = create_user(session=db, role=role, name=name, phone=phone(), password=PASSWORD, **extra)
    db.commit()
    return user


def make_employer(db: Session, *, name: str = "文登测试机械有限公司", town: str = "371003107", verified: bool = True) -> Employer:
    """An employer, verified unless asked otherwise."""
    employer = register_employer(
        session=db,
        data=EmployerInput(name=name, uscc=uscc(), industry="制造业", size="20-99人", town_code=town,
                           address="工业园1号", contact_name="赵经理", contact_phone="0631-8451234"),
    )
    if verified:
        verify_employer(session=db, employer_id=employer.id, staff_id=None)
    db.commit()
    return employer


def vacancy_input(**overrides) -> VacancyInput:
    """A complete, lawful vacancy form."""
    values = dict(
        title="电焊工", occupation_code="", headcount=3, employment_type="全职", pay_kind="月薪", pay_low=5000,
        pay_high=7000, min_education="初中", experience="1年以上", age_min=18, age_max=55, skills="二氧化碳保护焊 氩弧焊",
        description="负责钢结构件的焊接工作，按图纸施工，服从班组长安排。", benefits=["五险一金", "包吃"],
        town_code="371003107", village_code="", address="泽头镇工业园", working_hours="8:00-17:00，月休4天",
        valid_until=today_local() + timedelta(days=30),
    )
    values.update(overrides)
    return VacancyInput(**values)


def make_published_vacancy(db: Session, *, employer: Employer, **overrides) -> Vacancy:
    """A vacancy taken through submit and approval."""
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input(**overrides))
    submit_for_review(session=db, vacancy=vacancy)
    approve_vacancy(session=db, vacancy_id=vacancy.id)
    db.commit()
    return vacancy
