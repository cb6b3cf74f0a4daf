"""Staff review of employers and vacancies, the auto-approval switch and the compliance rules."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from litestar import Request, Response, Router, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session

from jobbridge.accounts.service import record_access
from jobbridge.employers.compliance import FIELD_LABELS, load_rules
from jobbridge.employers.compliance_store import add_rule, set_rule_active, staff_rules
from jobbridge.employers.imports import export_vacancies
from jobbridge.employers.listings import employer_counts, employer_names, find_vacancies, interest_counts
from jobbridge.employers.models import EMPLOYER_STATUS_LABELS, EMPLOYER_STATUSES, VACANCY_STATUS_LABELS
from jobbridge.employers.reviews import REVIEW_ACTIONS, changes_since_approval, review_history
from jobbridge.employers.service import (
    employer_members,
    get_employer,
    list_employers,
    reinstate_employer,
    reject_employer,
    suspend_employer,
    verify_employer,
)
from jobbridge.employers.vacancies import approve_vacancy, get_vacancy, reject_vacancy, today_local
from jobbridge.errors import DomainError, NotFound
from jobbridge.geo.service import town_names, village_names
from jobbridge.settings_store import get_flag, set_flag
from jobbridge_web.deps import current_user, staff_only
from jobbridge_web.routes.employer_common import (
    FormBody,
    flash,
    form_list,
    form_text,
    occupation_label,
    pay_text,
    status_label,
    take_flash,
    xlsx_response,
)

AUTO_APPROVE = "auto_approve_verified_employers"


def _back(data: dict[str, Any], default: str) -> str:
    """Where to return after an action: a local staff page the form names, else the default."""
    target = form_text(data, "back")
    parsed = urlparse(target)
    if target.startswith("/staff/") and not parsed.netloc and not target.startswith("//"):
        return target
    return default


def _reason(data: dict[str, Any]) -> str:
    return form_text(data, "reason").strip()


# --- Employers ---------------------------------------------------------------------------------------------


@get("/staff/employers", sync_to_thread=True, guards=[staff_only])
def employers_list(request: Request, db: Session, status: str = "pending") -> Template:
    """Employers by status, pending first by default."""
    status = status if status in EMPLOYER_STATUSES else ""
    return Template("employers/staff_employers.html", context={
        "employers": list_employers(session=db, status=status or None, limit=500), "filter_status": status,
        "counts": employer_counts(session=db), "labels": EMPLOYER_STATUS_LABELS, "towns": town_names(session=db),
        "flash": take_flash(request),
    })


@get("/staff/employers/{employer_id:int}", sync_to_thread=True, guards=[staff_only])
def employer_detail(request: Request, db: Session, employer_id: int) -> Template:
    """One employer with its contacts (the read is logged), members and vacancies."""
    employer = get_employer(session=db, employer_id=employer_id)
    record_access(session=db, actor=current_user(request), action="read", subject_type="employer",
                  subject_id=employer.id, detail="查看单位联系人和账号")
    vacancies = find_vacancies(session=db, employer_id=employer.id, limit=200)
    return Template("employers/staff_employer.html", context={
        "employer": employer, "label": EMPLOYER_STATUS_LABELS.get(employer.status, employer.status),
        "members": employer_members(session=db, employer_id=employer.id), "vacancies": vacancies,
        "status_label": status_label, "towns": town_names(session=db), "villages": village_names(session=db),
        "flash": take_flash(request),
    })


def _employer_action(request: Request, db: Session, employer_id: int, data: dict, *, action: str) -> Redirect:
    user = current_user(request)
    reason = _reason(data)
    back = _back(data, f"/staff/employers/{employer_id}")
    try:
        if action == "verify":
            employer = verify_employer(session=db, employer_id=employer_id, staff_id=user.id)
            text = f"已认证“{employer.name}”。"
        elif action == "reject":
            employer = reject_employer(session=db, employer_id=employer_id, reason=reason)
            text = f"已退回“{employer.name}”的注册，原因已告知单位。"
        elif action == "suspend":
            employer = suspend_employer(session=db, employer_id=employer_id, reason=reason)
            text = f"已暂停“{employer.name}”，其岗位不再公开。"
        else:
            if not reason:
                raise DomainError("请填写恢复的原因", code="reason.required", field="reason")
            employer = reinstate_employer(session=db, employer_id=employer_id, staff_id=user.id)
            text = f"已恢复“{employer.name}”。"
    except NotFound:
        raise
    except DomainError as exc:
        db.rollback()
        flash(request, f"操作未完成：{exc.message}")
        return Redirect(back, status_code=303)
    record_access(session=db, actor=user, action=f"employer.{action}", subject_type="employer",
                  subject_id=employer_id, detail=reason)
    flash(request, text)
    return Redirect(back, status_code=303)


@post("/staff/employers/{employer_id:int}/verify", sync_to_thread=True, guards=[staff_only])
def employer_verify(request: Request, db: Session, employer_id: int, data: FormBody) -> Redirect:
    """Confirm an employer is genuine."""
    return _employer_action(request, db, employer_id, data, action="verify")


@post("/staff/employers/{employer_id:int}/reject", sync_to_thread=True, guards=[staff_only])
def employer_reject(request: Request, db: Session, employer_id: int, data: FormBody) -> Redirect:
    """Refuse a registration with a reason."""
    return _employer_action(request, db, employer_id, data, action="reject")


@post("/staff/employers/{employer_id:int}/suspend", sync_to_thread=True, guards=[staff_only])
def employer_suspend(request: Request, db: Session, employer_id: int, data: FormBody) -> Redirect:
    """Suspend an employer with a reason."""
    return _employer_action(request, db, employer_id, data, action="suspend")


@post("/staff/employers/{employer_id:int}/reinstate", sync_to_thread=True, guards=[staff_only])
def employer_reinstate(request: Request, db: Session, employer_id: int, data: FormBody) -> Redirect:
    """Lift a suspension with a reason."""
    return _employer_action(request, db, employer_id, data, action="reinstate")


# --- Vacancies ---------------------------------------------------------------------------------------------


def _vacancy_filters(status: str, q: str, town: str) -> dict[str, Any]:
    return {"status": status if status in VACANCY_STATUS_LABELS else "", "q": q.strip()[:40], "town": town.strip()}


@get("/staff/vacancies", sync_to_thread=True, guards=[staff_only])
def vacancies_list(request: Request, db: Session, status: str = "pending", q: str = "", town: str = "") -> Template:
    """The review queue (oldest first) or any filtered list of vacancies."""
    filters = _vacancy_filters(status, q, town)
    vacancies = find_vacancies(session=db, status=filters["status"] or None, town_code=filters["town"] or None,
                               q=filters["q"] or None, limit=500)
    employers = employer_names(session=db, employer_ids={v.employer_id for v in vacancies})
    rows = [{"v": v, "employer": employers.get(v.employer_id), "pay": pay_text(v), "status": status_label(v.status),
             "flags": len(v.compliance_flags)} for v in vacancies]
    return Template("employers/staff_vacancies.html", context={
        "rows": rows, "filters": filters, "labels": VACANCY_STATUS_LABELS, "towns": town_names(session=db),
        "flash": take_flash(request),
    })


@get("/staff/vacancies/export.xlsx", sync_to_thread=True, guards=[staff_only])
def vacancies_export(db: Session, status: str = "pending", q: str = "", town: str = "") -> Response:
    """The filtered list as a spreadsheet, with each vacancy's employer."""
    filters = _vacancy_filters(status, q, town)
    vacancies = find_vacancies(session=db, status=filters["status"] or None, town_code=filters["town"] or None,
                               q=filters["q"] or None)
    counts = interest_counts(session=db, vacancy_ids=[v.id for v in vacancies])
    content = export_vacancies(session=db, vacancies=vacancies, interest_counts=counts, with_employer=True)
    return xlsx_response(content, filename=f"岗位清单_{today_local().isoformat()}.xlsx")


def _shower(towns: dict[str, str], villages: dict[str, str]):  # noqa: ANN202
    """A formatter for the change table: names instead of codes, 5000 instead of 5000.0."""
    places = {**towns, **villages}

    def show(value: Any) -> str:
        if value is None or value == "" or value == []:
            return "（空）"
        if isinstance(value, float):
            return f"{value:.0f}" if value.is_integer() else f"{value:g}"
        if isinstance(value, list):
            return "、".join(places.get(str(v), str(v)) for v in value)
        return places.get(str(value), str(value))

    return show


@get("/staff/vacancies/{vacancy_id:int}", sync_to_thread=True, guards=[staff_only])
def vacancy_detail(request: Request, db: Session, vacancy_id: int) -> Template:
    """One vacancy under review: its fields, compliance findings, employer, and what changed since approval."""
    vacancy = get_vacancy(session=db, vacancy_id=vacancy_id)
    employer = get_employer(session=db, employer_id=vacancy.employer_id)
    towns, villages = town_names(session=db), village_names(session=db)
    return Template("employers/staff_vacancy.html", context={
        "v": vacancy, "employer": employer, "employer_label": EMPLOYER_STATUS_LABELS.get(employer.status, ""),
        "pay": pay_text(vacancy), "status": status_label(vacancy.status),
        "occupation": occupation_label(db, vacancy.occupation_code),
        "changes": changes_since_approval(session=db, vacancy=vacancy),
        "history": review_history(session=db, vacancy_id=vacancy.id), "review_actions": REVIEW_ACTIONS,
        "towns": towns, "villages": villages, "show": _shower(towns, villages), "flash": take_flash(request),
    })


def _vacancy_action(request: Request, db: Session, vacancy_id: int, data: dict, *, approve: bool) -> Redirect:
    user = current_user(request)
    back = _back(data, "/staff/vacancies")
    try:
        if approve:
            vacancy = approve_vacancy(session=db, vacancy_id=vacancy_id, staff_id=user.id)
            text = f"已通过“{vacancy.title}”，岗位已公开。"
        else:
            vacancy = reject_vacancy(session=db, vacancy_id=vacancy_id, reason=_reason(data), staff_id=user.id)
            text = f"已退回“{vacancy.title}”，原因已告知单位。"
    except NotFound:
        raise
    except DomainError as exc:
        db.rollback()
        flash(request, f"操作未完成：{exc.message}")
        return Redirect(f"/staff/vacancies/{vacancy_id}", status_code=303)
    flash(request, text)
    return Redirect(back, status_code=303)


@post("/staff/vacancies/{vacancy_id:int}/approve", sync_to_thread=True, guards=[staff_only])
def vacancy_approve(request: Request, db: Session, vacancy_id: int, data: FormBody) -> Redirect:
    """Publish a vacancy under review."""
    return _vacancy_action(request, db, vacancy_id, data, approve=True)


@post("/staff/vacancies/{vacancy_id:int}/reject", sync_to_thread=True, guards=[staff_only])
def vacancy_reject(request: Request, db: Session, vacancy_id: int, data: FormBody) -> Redirect:
    """Send a vacancy back with a reason."""
    return _vacancy_action(request, db, vacancy_id, data, approve=False)


# --- Settings and rules ------------------------------------------------------------------------------------


@get("/staff/settings", sync_to_thread=True, guards=[staff_only])
def settings_page(request: Request, db: Session) -> Template:
    """Run-time switches."""
    return Template("employers/staff_settings.html", context={
        "auto_approve": get_flag(session=db, key=AUTO_APPROVE), "flash": take_flash(request),
    })


@post("/staff/settings", sync_to_thread=True, guards=[staff_only])
def settings_save(request: Request, db: Session, data: FormBody) -> Redirect:
    """Flip the auto-approval switch."""
    on = form_text(data, "auto_approve") == "1"
    set_flag(session=db, key=AUTO_APPROVE, on=on)
    record_access(session=db, actor=current_user(request), action="setting.change", subject_type="setting",
                  subject_id=AUTO_APPROVE, detail="开启" if on else "关闭")
    flash(request, "已开启：已认证且近期无退回记录的单位提交的岗位，没有合规提示时自动发布。" if on
          else "已关闭自动审核：所有岗位都由工作人员审核。")
    return Redirect("/staff/settings", status_code=303)


RULE_LIST_KEYS = ("keywords", "patterns", "unless_keywords")


def _rules_page(db: Session, *, form: dict, error: str = "", flash_text: str = "", status_code: int = 200) -> Template:
    return Template("employers/staff_rules.html", status_code=status_code, context={
        "shipped": load_rules(), "staff_rules": staff_rules(session=db), "form": form, "error": error,
        "flash": flash_text, "field_labels": FIELD_LABELS,
    })


@get("/staff/compliance-rules", sync_to_thread=True, guards=[staff_only])
def rules_page(request: Request, db: Session) -> Template:
    """The packaged rules, the rules staff added, and a form to add one."""
    return _rules_page(db, form={"severity": "block", "fields": list(FIELD_LABELS)}, flash_text=take_flash(request))


@post("/staff/compliance-rules", sync_to_thread=True, guards=[staff_only])
def rules_add(request: Request, db: Session, data: FormBody) -> Template | Redirect:
    """Add a rule after validate_rule_dict accepts it; otherwise show why, keeping the input."""
    form: dict[str, Any] = {key: form_text(data, key).strip() for key in
                            ("id", "category", "severity", "law", "message", *RULE_LIST_KEYS)}
    form["fields"] = form_list(data, "fields")
    rule: dict[str, Any] = {key: form[key] for key in ("id", "category", "severity", "law", "message")}
    for key in RULE_LIST_KEYS:
        lines = [line.strip() for line in form[key].splitlines() if line.strip()]
        if lines:
            rule[key] = lines
    if form["fields"]:
        rule["fields"] = form["fields"]
    try:
        add_rule(session=db, rule=rule, staff_id=current_user(request).id)
    except DomainError as exc:
        db.rollback()
        return _rules_page(db, form=form, error=exc.message, status_code=400)
    flash(request, f"已添加规则“{rule['id']}”，之后提交的岗位都会按它检查。")
    return Redirect("/staff/compliance-rules", status_code=303)


@post("/staff/compliance-rules/{rule_id:int}/toggle", sync_to_thread=True, guards=[staff_only])
def rules_toggle(request: Request, db: Session, rule_id: int, data: FormBody) -> Redirect:
    """Switch a staff rule on or off."""
    row = set_rule_active(session=db, rule_id=rule_id, active=form_text(data, "active") == "1")
    flash(request, f"规则“{row.rule.get('id')}”已{'启用' if row.is_active else '停用'}。")
    return Redirect("/staff/compliance-rules", status_code=303)


# One Router, so each handler is registered once: Litestar 2.25 wraps a sync handler in sync_to_thread again
# whenever a later handler joins its path, and a twice-wrapped handler returning a Response fails.
_PAGES = [
    employers_list, employer_detail, employer_verify, employer_reject, employer_suspend, employer_reinstate,
    vacancies_list, vacancies_export, vacancy_detail, vacancy_approve, vacancy_reject, settings_page,
    settings_save, rules_page, rules_add, rules_toggle,
]
handlers = [Router(path="/", route_handlers=_PAGES)]
