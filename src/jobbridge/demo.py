"""Demo data for trying the site: marked is_demo, built from the real postings shipped as reference data."""

from __future__ import annotations

import csv
import hashlib
from datetime import timedelta

from sqlmodel import Session, select

from jobbridge.accounts.models import User
from jobbridge.accounts.service import assign_coordinator_area, create_user
from jobbridge.employers.models import Employer, Vacancy
from jobbridge.employers.pay import parse_posting_salary
from jobbridge.employers.service import EmployerInput, register_employer, verify_employer
from jobbridge.employers.vacancies import (
    ComplianceBlocked,
    VacancyInput,
    approve_vacancy,
    create_vacancy,
    submit_for_review,
    today_local,
)
from jobbridge.errors import DomainError
from jobbridge.reference import DATA
from jobbridge.validation import uscc_check_char
from jobbridge.vocab import BENEFITS, Role

DEMO_PASSWORD = "demo-jobbridge-2026"
DEMO_TAG = "（演示）"
MAX_DEMO_VACANCIES = 240

# Fictional employers spread over Wendeng's towns; every name carries the demo tag.
DEMO_EMPLOYERS = (
    ("文登营机械配件有限公司", "制造业", "100-299人", "371003100"),
    ("泽头镇金属结构制品厂", "制造业", "20-99人", "371003107"),
    ("大水泊食品加工有限公司", "农副食品加工", "300-999人", "371003101"),
    ("张家产现代农业合作社", "农业", "20-99人", "371003102"),
    ("高村家纺服饰有限公司", "纺织服装", "100-299人", "371003103"),
    ("米山湖文旅发展有限公司", "文化旅游", "20-99人", "371003110"),
    ("龙山商贸连锁有限公司", "批发零售", "100-299人", "371003001"),
    ("天福信息科技有限公司", "信息技术", "20-99人", "371003002"),
    ("环山物流配送有限公司", "交通运输", "100-299人", "371003003"),
    ("葛家医药健康有限公司", "医药", "100-299人", "371003109"),
    ("宋村海产养殖有限公司", "渔业", "20-99人", "371003106"),
    ("开发区电子元件有限公司", "制造业", "300-999人", "371003400"),
)

DEMO_ACCOUNTS = (
    ("admin", Role.ADMIN, "系统管理员（演示）", None),
    ("staff", Role.STAFF, "王丽（演示柜员）", "13906310001"),
    ("coordinator", Role.COORDINATOR, "刘强（演示协理员）", "13906310002"),
    ("employer", Role.EMPLOYER, "张敏（演示单位联系人）", "13906310003"),
    ("jobseeker", Role.JOBSEEKER, "李建国（演示求职者）", "13906310004"),
    ("graduate", Role.GRADUATE, "陈晓雨（演示毕业生）", "13906310005"),
)

EDUCATION_MAP = {"学历不限": "不限", "高中": "高中/中专", "中专/中技": "高中/中专", "大专": "大专", "本科": "本科",
                 "硕士": "硕士", "博士": "博士"}
TYPE_MAP = {"全职": "全职", "兼职/临时": "兼职", "实习": "就业见习岗位", "校园": "全职"}


def _demo_uscc(index: int) -> str:
    body = f"91371003MA{index:07d}"[:17]
    return body + uscc_check_char(body)


def _pick(seq, key: str):  # noqa: ANN001, ANN202
    digest = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    return seq[digest % len(seq)]


def _benefits_from_text(text: str) -> list[str]:
    return [b for b in BENEFITS if b in text]


def load_demo_data(*, session: Session) -> dict[str, int]:
    """Add demo employers, published vacancies and accounts; a second run adds nothing."""
    counts = {"employers": 0, "vacancies": 0, "accounts": 0, "skipped_postings": 0}
    employers = []
    for index, (name, industry, size, town) in enumerate(DEMO_EMPLOYERS, start=1):
        full_name = name + DEMO_TAG
        employer = session.exec(select(Employer).where(Employer.name == full_name)).first()
        if employer is None:
            employer = register_employer(
                session=session,
                data=EmployerInput(name=full_name, uscc=_demo_uscc(index), industry=industry, size=size,
                                   town_code=town, address=f"{name[:3]}工业园（演示地址）", contact_name="招聘专员",
                                   contact_phone=f"0631-84{index:05d}"),
                is_demo=True,
            )
            verify_employer(session=session, employer_id=employer.id, staff_id=None)
            counts["employers"] += 1
        employers.append(employer)
    session.flush()
    counts["vacancies"], counts["skipped_postings"] = _demo_vacancies(session=session, employers=employers)
    counts["accounts"] = _demo_accounts(session=session, employer=employers[0])
    return counts


def _demo_vacancies(*, session: Session, employers: list[Employer]) -> tuple[int, int]:
    from jobbridge.geo.models import Village

    villages_by_town: dict[str, list[str]] = {}
    for code, town in session.exec(select(Village.code, Village.town_code)).all():
        villages_by_town.setdefault(town, []).append(code)
    existing = set(session.exec(select(Vacancy.source_ref).where(Vacancy.is_demo == True)).all())  # noqa: E712
    created = skipped = 0
    today = today_local()
    with (DATA / "job_postings/zhaopin_wuhan_2024.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if len(existing) >= MAX_DEMO_VACANCIES:
                break
            ref = f"zhaopin:{row['岗位编号']}"
            if ref in existing:
                continue
            existing.add(ref)  # the source lists a few postings twice
            pay = parse_posting_salary(row["薪资"])
            if pay is None or pay.low is None:
                skipped += 1
                continue
            employer = _pick(employers, ref)
            town = employer.town_code if _pick((0, 1), ref + "t") else _pick(sorted(villages_by_town), ref + "town")
            village = _pick(sorted(villages_by_town[town]), ref + "v")
            data = VacancyInput(
                title=row["岗位名称"].split("(")[0].split("（")[0].strip()[:40],
                headcount=max(1, min(int(row["招募人数"] or 1), 99)),
                employment_type=TYPE_MAP.get(row["工作类型"], "全职"),
                pay_kind=pay.kind, pay_low=pay.low, pay_high=pay.high, pay_unit=pay.unit or "",
                min_education=EDUCATION_MAP.get(row["学历"], "不限"),
                experience=row["工作经验"] or "不限",
                skills=row["岗位标签"].replace(";", " ").strip()[:200],
                description=row["工作简介"],
                benefits=_benefits_from_text(row["工作简介"]),
                town_code=town, village_code=village, address="（演示地址）",
                working_hours="周一至周五 8:30-17:30（演示）",
                valid_until=today + timedelta(days=30 + _pick(range(50), ref + "d")),
            )
            try:
                with session.begin_nested():
                    vacancy = create_vacancy(session=session, employer_id=employer.id, data=data, source_ref=ref,
                                             is_demo=True)
                    submit_for_review(session=session, vacancy=vacancy)
                    approve_vacancy(session=session, vacancy_id=vacancy.id)
            except (ComplianceBlocked, DomainError):
                # Real postings that break a rule (or are incomplete) are left out of the demo.
                skipped += 1
                continue
            created += 1
    return created, skipped


def _demo_accounts(*, session: Session, employer: Employer) -> int:
    created = 0
    for username, role, name, phone in DEMO_ACCOUNTS:
        if session.exec(select(User).where(User.username == username)).first():
            continue
        user = create_user(session=session, role=role, name=name, phone=phone, username=username,
                           password=DEMO_PASSWORD, employer_id=employer.id if role == Role.EMPLOYER else None,
                           is_demo=True, window="3号窗口" if role == Role.STAFF else None,
                           office_phone="0631-8451234" if role == Role.STAFF else None)
        if role == Role.COORDINATOR:
            assign_coordinator_area(session=session, user=user, town_code="371003107")
        created += 1
    return created
