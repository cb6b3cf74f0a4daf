"""Importing vacancies from a spreadsheet in two steps (check every row, then confirm), and exporting them."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import JSON, Column, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from jobbridge.config import get_settings
from jobbridge.db import aware_field, utcnow
from jobbridge.employers import excel
from jobbridge.employers.models import VACANCY_STATUS_LABELS, Employer, Vacancy
from jobbridge.employers.service import FormErrors, get_employer
from jobbridge.employers.vacancies import (
    ComplianceBlocked,
    VacancyInput,
    clean_vacancy,
    create_vacancy,
    submit_for_review,
    suggest_occupations,
)
from jobbridge.errors import Conflict, Forbidden, NotFound
from jobbridge.geo.models import Town, Village

STAGED_HOURS = 24
_SCOPES = {"全区": "district", "指定镇街": "towns", "指定村居": "villages", "": "district"}
_SCOPE_LABELS = {v: k for k, v in _SCOPES.items() if k}
# Which column a validation error belongs to, by the error's field key.
_FIELD_COLUMN = {c.key: c.header for c in excel.COLUMNS} | {
    "town_code": "工作镇街", "village_code": "工作村居", "push_codes": "推送目标",
}
_COLUMN_ORDER = {name: index for index, name in enumerate(c.header for c in excel.COLUMNS)}


class VacancyImport(SQLModel, table=True):
    """A checked upload waiting for the employer to confirm it (kept server-side, keyed by a random token)."""

    __tablename__ = "vacancy_import"

    token: str = Field(primary_key=True, max_length=64)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    filename: str = Field(default="", max_length=200)
    status: str = Field(default="staged", max_length=10)
    total_rows: int = 0
    rows: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    problems: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    result: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = aware_field(now=True, index=True)
    expires_at: datetime = aware_field(nullable=False)

    @property
    def bad_rows(self) -> list[int]:
        """Sheet row numbers with at least one problem."""
        return sorted({p["row"] for p in self.problems})

    def count(self, state: str) -> int:
        """How many valid rows are new, already imported or repeated in the file."""
        return sum(1 for row in self.rows if row["state"] == state)


@dataclass
class Places:
    """Town and village names people type, resolved to codes."""

    towns: dict[str, str] = field(default_factory=dict)
    town_names: dict[str, str] = field(default_factory=dict)
    villages_in_town: dict[str, dict[str, str]] = field(default_factory=dict)
    villages_by_name: dict[str, set[str]] = field(default_factory=dict)
    village_names: dict[str, str] = field(default_factory=dict)
    village_town: dict[str, str] = field(default_factory=dict)


def load_places(*, session: Session) -> Places:
    """Every spelling of every town and village (official, short and older names, and codes)."""
    places = Places()
    for town in session.exec(select(Town).order_by(col(Town.sort_order))):
        places.town_names[town.code] = town.name
        for name in (town.code, town.name, town.name_nbs, town.name_mca):
            if name:
                places.towns[name] = town.code
    for village in session.exec(select(Village)):
        places.village_names[village.code] = village.name
        places.village_town[village.code] = village.town_code
        names = places.villages_in_town.setdefault(village.town_code, {})
        for name in (village.code, village.name, village.short_name):
            names[name] = village.code
            places.villages_by_name.setdefault(name, set()).add(village.code)
    return places


def _split(text: str) -> list[str]:
    """Items of a 、-separated cell."""
    for sep in ("，", ",", "；", ";", "\n", " "):
        text = text.replace(sep, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


def _village(places: Places, name: str, town_code: str | None) -> str | None:
    if "/" in name or "／" in name:
        town_name, _, name = name.replace("／", "/").partition("/")
        town_code = places.towns.get(town_name.strip())
        return places.villages_in_town.get(town_code or "", {}).get(name.strip())
    if town_code and name in places.villages_in_town.get(town_code, {}):
        return places.villages_in_town[town_code][name]
    codes = places.villages_by_name.get(name, set())
    return next(iter(codes)) if len(codes) == 1 else None


def row_input(raw: dict, places: Places) -> tuple[VacancyInput, dict[str, str]]:
    """A sheet row as form input, with errors for place names that do not resolve."""
    errors: dict[str, str] = {}
    text = {key: value if isinstance(value, date) else str(value or "").strip() for key, value in raw.items()}
    town_name = text.get("town", "")
    town_code = places.towns.get(town_name)
    if town_name and town_code is None:
        errors["town_code"] = f"工作镇街“{town_name}”不存在，请从下拉框选择"
    village_code = ""
    if text.get("village"):
        village_code = _village(places, text["village"], town_code) or ""
        if not village_code:
            errors["village_code"] = f"工作村居“{text['village']}”不在所填镇街内（同名村居请写成“镇街/村居”）"
    scope = _SCOPES.get(text.get("push_scope", ""))
    if scope is None:
        errors["push_scope"] = "推送范围只能填全区、指定镇街或指定村居"
        scope = "district"
    codes: list[str] = []
    for name in _split(text.get("push_targets", "")) if scope != "district" else []:
        code = places.towns.get(name) if scope == "towns" else _village(places, name, town_code)
        if code is None:
            kind = "镇街" if scope == "towns" else "村居（同名村居请写成“镇街/村居”）"
            errors["push_codes"] = f"推送目标“{name}”不是本区的{kind}"
        else:
            codes.append(code)
    data = VacancyInput(
        title=text.get("title", ""), occupation_code=text.get("occupation_code", ""),
        headcount=text.get("headcount", "") or 1, employment_type=text.get("employment_type", ""),
        pay_kind=text.get("pay_kind", ""), pay_low=text.get("pay_low") or None, pay_high=text.get("pay_high") or None,
        pay_unit=text.get("pay_unit", ""), min_education=text.get("min_education", "") or "不限",
        experience=text.get("experience", "") or "不限", age_min=text.get("age_min") or None,
        age_max=text.get("age_max") or None, skills=text.get("skills", ""), description=text.get("description", ""),
        benefits=_split(text.get("benefits", "")), town_code=town_code or "", village_code=village_code,
        address=text.get("address", ""), working_hours=text.get("working_hours", ""),
        valid_until=text.get("valid_until", ""), push_scope=scope, push_codes=codes,
    )
    return data, errors


def source_ref(values: dict) -> str:
    """A fingerprint of a row's cleaned content: the same row uploaded again maps to the same vacancy."""
    payload = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return "xlsx:" + hashlib.sha256(payload.encode()).hexdigest()[:40]


def _jsonable(data: VacancyInput) -> dict:
    values = asdict(data)
    if isinstance(values["valid_until"], date):
        values["valid_until"] = values["valid_until"].isoformat()
    return values


def _existing_refs(*, session: Session, employer_id: int) -> set[str]:
    query = select(Vacancy.source_ref).where(Vacancy.employer_id == employer_id, col(Vacancy.source_ref).is_not(None))
    return set(session.exec(query))


def _require_importer(employer: Employer) -> None:
    if employer.status in {"rejected", "suspended"}:
        raise Forbidden("单位未通过认证或已被暂停，不能导入岗位", code="employer.not_allowed")


def stage_import(*, session: Session, employer_id: int, user_id: int | None, filename: str, content: bytes,
                 today: date | None = None) -> VacancyImport:
    """Check every row of an upload and keep the result for confirmation; nothing is imported yet."""
    _require_importer(get_employer(session=session, employer_id=employer_id))
    rows = excel.read_rows(content)
    places = load_places(session=session)
    existing = _existing_refs(session=session, employer_id=employer_id)
    first_seen: dict[str, int] = {}
    staged: list[dict] = []
    problems: list[dict] = []
    for number, raw in rows:
        data, place_errors = row_input(raw, places)
        values, errors = clean_vacancy(session=session, data=data, today=today)
        errors.update(place_errors)  # "no such town" says more than "choose a town"
        if errors:
            for key, message in errors.items():
                column = _FIELD_COLUMN.get(key, key)
                problems.append({"row": number, "column": column, "message": message,
                                 "order": _COLUMN_ORDER.get(column, 99)})
            continue
        ref = source_ref(values)
        state = "imported" if ref in existing else "repeat" if ref in first_seen else "new"
        first_seen.setdefault(ref, number)
        staged.append({"row": number, "input": _jsonable(data), "source_ref": ref, "state": state,
                       "title": values["title"], "town": places.town_names.get(values["town_code"], ""),
                       "first_row": first_seen[ref]})
    problems.sort(key=lambda p: (p["row"], p.pop("order")))
    batch = VacancyImport(token=secrets.token_urlsafe(24), employer_id=employer_id, user_id=user_id,
                          filename=(filename or "")[:200], total_rows=len(rows), rows=staged, problems=problems,
                          expires_at=utcnow() + timedelta(hours=STAGED_HOURS))
    session.add(batch)
    session.flush()
    return batch


def get_import(*, session: Session, token: str, employer_id: int | None) -> VacancyImport:
    """A staged upload of the asker's own employer that has not expired."""
    batch = session.get(VacancyImport, token) if token else None
    if batch is None or employer_id is None or batch.employer_id != employer_id:
        raise NotFound("没有找到这次上传，可能已过期，请重新上传", code="import.not_found")
    if batch.status == "staged" and batch.expires_at <= utcnow():
        raise NotFound("这次上传已超过24小时未确认，请重新上传", code="import.expired")
    return batch


def confirm_import(*, session: Session, token: str, employer_id: int | None, submit: bool,
                   today: date | None = None) -> dict:
    """Import the valid new rows of a staged upload as drafts or submitted for review; returns the counts."""
    batch = get_import(session=session, token=token, employer_id=employer_id)
    # Claim the batch, so a double click or a second tab cannot import it twice.
    claimed = session.execute(
        update(VacancyImport).where(VacancyImport.token == token, VacancyImport.status == "staged")
        .values(status="importing")
    ).rowcount
    if not claimed:
        raise Conflict("这次上传已经导入过了", code="import.done")
    _require_importer(get_employer(session=session, employer_id=batch.employer_id))
    existing = _existing_refs(session=session, employer_id=batch.employer_id)
    result: dict = {"created": 0, "skipped": 0, "submitted": 0, "published": 0, "blocked": [], "failed": []}
    todo = [item for item in batch.rows if item["source_ref"] not in existing]
    result["skipped"] = len(batch.rows) - len(todo)
    # One vectorised coder pass for the rows without a code (per-row coding dominates a large import).
    uncoded = [item for item in todo if not str(item["input"].get("occupation_code") or "").strip()]
    suggestions = dict(zip((item["source_ref"] for item in uncoded), suggest_occupations(
        [(item["title"], str(item["input"].get("description") or "")) for item in uncoded]), strict=True))
    for item in todo:
        if item["source_ref"] in existing:
            result["skipped"] += 1  # the same row twice in one file
            continue
        try:
            with session.begin_nested():
                vacancy = create_vacancy(session=session, employer_id=batch.employer_id,
                                         data=VacancyInput(**item["input"]), source_ref=item["source_ref"],
                                         today=today, suggested=suggestions.get(item["source_ref"]))
        except FormErrors as exc:
            result["failed"].append({"row": item["row"], "title": item["title"], "message": exc.message})
            continue
        except IntegrityError:
            result["skipped"] += 1  # imported meanwhile by another upload of the same file
            continue
        existing.add(item["source_ref"])
        result["created"] += 1
        if submit:
            try:
                with session.begin_nested():
                    submit_for_review(session=session, vacancy=vacancy)
            except ComplianceBlocked as exc:
                result["blocked"].append({"row": item["row"], "title": item["title"], "message": exc.message})
                continue
            result["submitted"] += 1
            result["published"] += vacancy.status == "published"
    batch.status, batch.result = "done", result
    session.add(batch)
    session.flush()
    return result


def purge_imports(*, session: Session, now: datetime | None = None) -> int:
    """Delete uploads past their confirmation window (finished ones a day later too)."""
    now = now or utcnow()
    result = session.execute(delete(VacancyImport).where(col(VacancyImport.expires_at) < now))
    return result.rowcount or 0


def export_vacancies(*, session: Session, vacancies: list[Vacancy], interest_counts: dict[int, int],
                     with_employer: bool = False) -> bytes:
    """The vacancies as a spreadsheet in the template's columns (plus status), re-importable as it is."""
    places = load_places(session=session)
    employers: dict[int, str] = {}
    if with_employer and vacancies:
        ids = {v.employer_id for v in vacancies}
        employers = dict(session.exec(select(Employer.id, Employer.name).where(col(Employer.id).in_(ids))).all())
    names = places.town_names
    tz = get_settings().tz

    def target(scope: str, code: str) -> str:
        if scope == "towns":
            return names.get(code, code)
        # Village names repeat across towns; "镇街/村居" reads back unambiguously.
        return f"{names.get(places.village_town.get(code, ''), '')}/{places.village_names.get(code, code)}"

    rows = []
    for v in vacancies:
        targets = [target(v.push_scope, code) for code in v.push_codes]
        rows.append({
            "title": v.title, "occupation_code": v.occupation_code or "", "headcount": v.headcount,
            "employment_type": v.employment_type, "pay_kind": v.pay_kind, "pay_low": v.pay_low, "pay_high": v.pay_high,
            "pay_unit": v.pay_unit or "", "min_education": v.min_education, "experience": v.experience,
            "age_min": v.age_min, "age_max": v.age_max, "skills": v.skills, "description": v.description,
            "benefits": "、".join(v.benefits), "town": names.get(v.town_code, v.town_code),
            "village": places.village_names.get(v.village_code or "", ""), "address": v.address,
            "working_hours": v.working_hours, "valid_until": v.valid_until,
            "push_scope": _SCOPE_LABELS.get(v.push_scope, "全区"), "push_targets": "、".join(targets),
            "id": v.id, "status": VACANCY_STATUS_LABELS.get(v.status, v.status),
            "interests": interest_counts.get(v.id, 0),
            "published_at": v.published_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if v.published_at else "",
            "employer": employers.get(v.employer_id, ""),
        })
    columns = ((excel.EMPLOYER_COLUMN,) if with_employer else ()) + excel.COLUMNS + excel.EXPORT_EXTRA
    return excel.write_rows(rows=rows, columns=columns)
