"""The employer's side: self-registration, the dashboard, member accounts, the vacancy form and applicants."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session

from jobbridge.employers.interest import OUTCOMES, VIAS, interests_for_vacancy, set_outcome
from jobbridge.employers.listings import find_vacancies, interest_counts
from jobbridge.employers.models import EMPLOYER_STATUS_LABELS, Vacancy
from jobbridge.employers.service import (
    EmployerInput,
    FormErrors,
    MemberInput,
    add_member,
    employer_members,
    get_employer,
    register_employer_with_member,
)
from jobbridge.employers.vacancies import (
    ENDED_STATUSES,
    ComplianceBlocked,
    VacancyInput,
    create_vacancy,
    end_vacancy,
    occupation_name,
    submit_for_review,
    suggest_occupation,
    update_vacancy,
    vacancy_for_owner,
    vacancy_input_from,
)
from jobbridge.geo.service import village_names
from jobbridge.vocab import Role
from jobbridge_web.deps import current_user, requires
from jobbridge_web.routes.employer_common import (
    FormBody,
    blank_vacancy_input,
    employer_options,
    flash,
    form_text,
    member_of,
    pay_text,
    places,
    status_label,
    take_flash,
    vacancy_input_from_form,
    vacancy_options,
)

employer_only = requires(Role.EMPLOYER)
EMPLOYER_FORM_FIELDS = ("name", "uscc", "industry", "size", "town_code", "village_code", "address", "contact_name",
                        "contact_phone")


def _submitted_notice(vacancy: Vacancy) -> str:
    if vacancy.status == "published":
        return f"“{vacancy.title}”已通过自动审核并发布。"
    notice = f"“{vacancy.title}”已提交审核，工作人员通常在1个工作日内处理。"
    if vacancy.compliance_flags:
        notice += f"系统提示了{len(vacancy.compliance_flags)}处需要工作人员核实的内容，请留意审核结果。"
    return notice


# --- Registration and dashboard ----------------------------------------------------------------------------


def _register_page(db: Session, *, form: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Template:
    return Template("employers/register.html", status_code=status_code,
                    context={"form": form, "errors": errors, **places(db), **employer_options()})


@get("/employer/register", sync_to_thread=True)
def register_page(request: Request, db: Session) -> Template | Redirect:
    """The self-registration form for an employer and its first account."""
    if current_user(request) is not None:
        return Redirect("/employer", status_code=303)
    return _register_page(db, form={}, errors={})


@post("/employer/register", sync_to_thread=True)
def register_submit(request: Request, db: Session, data: FormBody) -> Template | Redirect:
    """Create the employer (pending review) and its member account, then sign the member in."""
    form = {key: form_text(data, key) for key in (*EMPLOYER_FORM_FIELDS, "member_name", "member_phone")}
    employer_input = EmployerInput(**{key: form[key] for key in EMPLOYER_FORM_FIELDS})
    member = MemberInput(name=form["member_name"], phone=form["member_phone"], password=form_text(data, "password"))
    try:
        employer, user = register_employer_with_member(session=db, data=employer_input, member=member)
    except FormErrors as exc:
        db.rollback()
        return _register_page(db, form=form, errors=exc.errors, status_code=400)
    request.clear_session()
    request.set_session({"user_id": user.id,
                         "flash": f"{employer.name}已提交注册，工作人员审核通过后岗位即可公开。现在可以先填写岗位草稿。"})
    return Redirect("/employer", status_code=303)


@get("/employer", sync_to_thread=True)
def employer_home(request: Request, db: Session, status: str = "") -> Template:
    """The employer's dashboard; visitors see how to register or sign in."""
    user = current_user(request)
    if user is None:
        return Template("employers/landing.html", context={})
    if user.employer_id is None:
        return Template("employers/landing.html", context={"not_employer": True})
    employer = get_employer(session=db, employer_id=user.employer_id)
    vacancies = find_vacancies(session=db, employer_id=employer.id, status=status or None)
    counts = interest_counts(session=db, vacancy_ids=[v.id for v in vacancies])
    rows = [{"v": v, "pay": pay_text(v), "status": status_label(v.status), "interests": counts.get(v.id, 0)}
            for v in vacancies]
    return Template("employers/dashboard.html", context={
        "employer": employer, "status_label": EMPLOYER_STATUS_LABELS.get(employer.status, employer.status),
        "rows": rows, "flash": take_flash(request), "filter_status": status, "ended": ENDED_STATUSES,
        "members": len(employer_members(session=db, employer_id=employer.id)),
    })


@get("/employer/members", sync_to_thread=True, guards=[employer_only])
def members_page(request: Request, db: Session) -> Template:
    """The employer's accounts and a form to add one."""
    user = member_of(request)
    return _members_page(db, employer_id=user.employer_id, form={}, errors={}, flash_text=take_flash(request))


def _members_page(db: Session, *, employer_id: int, form: dict, errors: dict, flash_text: str = "",
                  status_code: int = 200) -> Template:
    employer = get_employer(session=db, employer_id=employer_id)
    return Template("employers/members.html", status_code=status_code, context={
        "employer": employer, "members": employer_members(session=db, employer_id=employer_id), "form": form,
        "errors": errors, "flash": flash_text,
    })


@post("/employer/members", sync_to_thread=True, guards=[employer_only])
def members_add(request: Request, db: Session, data: FormBody) -> Template | Redirect:
    """Add another login for the same employer."""
    user = member_of(request)
    form = {"member_name": form_text(data, "member_name"), "member_phone": form_text(data, "member_phone")}
    try:
        added = add_member(session=db, employer_id=user.employer_id,
                           member=MemberInput(name=form["member_name"], phone=form["member_phone"],
                                              password=form_text(data, "password")))
    except FormErrors as exc:
        db.rollback()
        return _members_page(db, employer_id=user.employer_id, form=form, errors=exc.errors, status_code=400)
    flash(request, f"已为{added.name}开通账号，可用手机号{added.phone}登录。")
    return Redirect("/employer/members", status_code=303)


# --- The vacancy form --------------------------------------------------------------------------------------


def _form_values(data: VacancyInput) -> dict[str, Any]:
    values = asdict(data)
    values["push_towns"] = data.push_codes if data.push_scope == "towns" else []
    values["push_villages"] = data.push_codes if data.push_scope == "villages" else []
    return values


def _vacancy_form(db: Session, *, data: VacancyInput, vacancy: Vacancy | None = None, errors: dict | None = None,
                  blocks: list[dict] | None = None, suggestion: Any = None, status_code: int = 200,
                  flash_text: str = "") -> Template:
    code = data.occupation_code or ""
    return Template("employers/vacancy_form.html", status_code=status_code, context={
        "form": _form_values(data), "vacancy": vacancy, "errors": errors or {}, "blocks": blocks or [],
        "flags": [f for f in (vacancy.compliance_flags if vacancy else []) if f.get("severity") != "block"],
        "suggestion": suggestion, "code_name": occupation_name(session=db, code=code) if code else "",
        "status": status_label(vacancy.status) if vacancy else "", "ended": ENDED_STATUSES, "flash": flash_text,
        **places(db), **vacancy_options(),
    })


def _suggestion_for(data: VacancyInput):  # noqa: ANN202
    """The coder's guess, written into the form's code field (the person asked for it)."""
    if not data.title.strip():
        return None
    suggestion = suggest_occupation(title=data.title, description=data.description)
    if suggestion.code:
        data.occupation_code = suggestion.code
    return suggestion


@get("/employer/vacancies/new", sync_to_thread=True, guards=[employer_only])
def vacancy_new(request: Request, db: Session) -> Template:
    """An empty vacancy form."""
    member_of(request)
    return _vacancy_form(db, data=blank_vacancy_input())


@post("/employer/vacancies/new", sync_to_thread=True, guards=[employer_only])
def vacancy_create(request: Request, db: Session, data: FormBody) -> Template | Redirect:
    """Save a new vacancy as a draft or submit it; blocked or invalid input comes back with the reasons."""
    user = member_of(request)
    form = vacancy_input_from_form(data)
    action = form_text(data, "action")
    if action == "suggest":
        return _vacancy_form(db, data=form, suggestion=_suggestion_for(form))
    try:
        vacancy = create_vacancy(session=db, employer_id=user.employer_id, data=form)
        if action == "submit":
            submit_for_review(session=db, vacancy=vacancy)
    except FormErrors as exc:
        db.rollback()
        return _vacancy_form(db, data=form, errors=exc.errors, status_code=400)
    except ComplianceBlocked as exc:
        db.rollback()
        return _vacancy_form(db, data=form, blocks=exc.findings, status_code=400)
    if action == "submit":
        flash(request, _submitted_notice(vacancy))
        return Redirect("/employer", status_code=303)
    flash(request, f"草稿“{vacancy.title}”已保存。请核对系统识别的职业代码，然后提交审核。")
    return Redirect(f"/employer/vacancies/{vacancy.id}/edit", status_code=303)


@get("/employer/vacancies/{vacancy_id:int}/edit", sync_to_thread=True, guards=[employer_only])
def vacancy_edit(request: Request, db: Session, vacancy_id: int) -> Template:
    """The form of an existing vacancy of the member's own employer."""
    user = member_of(request)
    vacancy = vacancy_for_owner(session=db, vacancy_id=vacancy_id, employer_id=user.employer_id)
    return _vacancy_form(db, data=vacancy_input_from(vacancy), vacancy=vacancy, flash_text=take_flash(request))


@post("/employer/vacancies/{vacancy_id:int}/edit", sync_to_thread=True, guards=[employer_only])
def vacancy_update(request: Request, db: Session, vacancy_id: int, data: FormBody) -> Template | Redirect:
    """Save changes (a published vacancy whose reviewed fields change goes back to review) or submit."""
    user = member_of(request)
    vacancy = vacancy_for_owner(session=db, vacancy_id=vacancy_id, employer_id=user.employer_id)
    form = vacancy_input_from_form(data)
    action = form_text(data, "action")
    if action == "suggest":
        return _vacancy_form(db, data=form, vacancy=vacancy, suggestion=_suggestion_for(form))
    was = vacancy.status
    try:
        update_vacancy(session=db, vacancy=vacancy, data=form)
        if action == "submit" and vacancy.status in {"draft", "rejected"}:
            submit_for_review(session=db, vacancy=vacancy)
    except (FormErrors, ComplianceBlocked) as exc:
        db.rollback()
        vacancy = vacancy_for_owner(session=db, vacancy_id=vacancy_id, employer_id=user.employer_id)
        errors = exc.errors if isinstance(exc, FormErrors) else None
        blocks = exc.findings if isinstance(exc, ComplianceBlocked) else None
        return _vacancy_form(db, data=form, vacancy=vacancy, errors=errors, blocks=blocks, status_code=400)
    if was == "published" and vacancy.status != "published":
        flash(request, f"“{vacancy.title}”的薪酬、要求等审核内容有改动，已重新提交审核，审核通过前暂不公开。")
    elif vacancy.status != was or action == "submit":
        flash(request, _submitted_notice(vacancy))
    else:
        flash(request, f"“{vacancy.title}”已保存。")
    return Redirect("/employer", status_code=303)


@post("/employer/vacancies/{vacancy_id:int}/submit", sync_to_thread=True, guards=[employer_only])
def vacancy_submit(request: Request, db: Session, vacancy_id: int) -> Template | Redirect:
    """Submit a draft from the dashboard; a blocked one opens in the form with the reasons."""
    user = member_of(request)
    vacancy = vacancy_for_owner(session=db, vacancy_id=vacancy_id, employer_id=user.employer_id)
    try:
        submit_for_review(session=db, vacancy=vacancy)
    except ComplianceBlocked as exc:
        db.rollback()
        vacancy = vacancy_for_owner(session=db, vacancy_id=vacancy_id, employer_id=user.employer_id)
        return _vacancy_form(db, data=vacancy_input_from(vacancy), vacancy=vacancy, blocks=exc.findings,
                             status_code=400)
    flash(request, _submitted_notice(vacancy))
    return Redirect("/employer", status_code=303)


@post("/employer/vacancies/{vacancy_id:int}/end", sync_to_thread=True, guards=[employer_only])
def vacancy_end(request: Request, db: Session, vacancy_id: int, data: FormBody) -> Redirect:
    """Close a vacancy or mark it filled."""
    user = member_of(request)
    vacancy = vacancy_for_owner(session=db, vacancy_id=vacancy_id, employer_id=user.employer_id)
    end_vacancy(session=db, vacancy=vacancy, outcome=form_text(data, "outcome"))
    flash(request, f"“{vacancy.title}”已{status_label(vacancy.status)}，不再对求职者显示。")
    return Redirect("/employer", status_code=303)


# --- Applicants --------------------------------------------------------------------------------------------


@get("/employer/vacancies/{vacancy_id:int}/interests", sync_to_thread=True, guards=[employer_only])
def interests_page(request: Request, db: Session, vacancy_id: int) -> Template:
    """Everyone who registered for one of the employer's vacancies, with full contacts and the outcome form."""
    user = member_of(request)
    vacancy = vacancy_for_owner(session=db, vacancy_id=vacancy_id, employer_id=user.employer_id)
    interests = interests_for_vacancy(session=db, vacancy_id=vacancy.id, employer_id=user.employer_id)
    return Template("employers/interests.html", context={
        "vacancy": vacancy, "interests": interests, "outcomes": OUTCOMES, "vias": VIAS,
        "villages": village_names(session=db), "flash": take_flash(request), "status": status_label(vacancy.status),
    })


@post("/employer/interests/{interest_id:int}/outcome", sync_to_thread=True, guards=[employer_only])
def interest_outcome(request: Request, db: Session, interest_id: int, data: FormBody) -> Redirect:
    """Record what came of one registration (contacted, interviewed, hired, not hired)."""
    user = member_of(request)
    interest = set_outcome(session=db, interest_id=interest_id, employer_id=user.employer_id,
                           status=form_text(data, "status"), note=form_text(data, "note"))
    flash(request, f"已将{interest.name}的跟进情况记为“{interest.status}”。")
    return Redirect(f"/employer/vacancies/{interest.vacancy_id}/interests", status_code=303)


# One Router, so each handler is registered once: Litestar 2.25 wraps a sync handler in sync_to_thread again
# whenever a later handler joins its path, and a twice-wrapped handler returning a Response fails.
_PAGES = [
    register_page, register_submit, employer_home, members_page, members_add, vacancy_new, vacancy_create,
    vacancy_edit, vacancy_update, vacancy_submit, vacancy_end, interests_page, interest_outcome,
]
handlers = [Router(path="/", route_handlers=_PAGES)]
