"""Matching pages: my job profile, my recommendations (with 不感兴趣), coordinators' villager profiles, staff view."""

from __future__ import annotations

from dataclasses import fields
from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlmodel import Session, col, select

from jobbridge.accounts.models import User
from jobbridge.accounts.service import coordinator_village_codes, record_access
from jobbridge.employers.service import FormErrors
from jobbridge.geo.models import Town, Village
from jobbridge.geo.service import village_names
from jobbridge.matching.holder import holder_for
from jobbridge.matching.models import MatchArtifact
from jobbridge.matching.outcomes import record_dismissal, weight_history, weights_in_use
from jobbridge.matching.profiles import (
    ProfileInput,
    coordinator_profile,
    input_from,
    own_profile,
    profiles_in_villages,
    save_own_profile,
    save_villager_profile,
)
from jobbridge.matching.views import my_recommendations, profile_completeness
from jobbridge.validation import mask_phone
from jobbridge.vocab import EDUCATION_LEVELS, EMPLOYMENT_TYPES, TRAVEL_RANGES, Role
from jobbridge_web.deps import current_user, requires, staff_only

FormBody = Annotated[dict, Body(media_type=RequestEncodingType.URL_ENCODED)]
jobseeker_only = requires(Role.JOBSEEKER)
coordinator_only = requires(Role.COORDINATOR)
SIGNAL_LABELS = {"text": "经历文字相近", "history": "与看过的岗位相似", "occupation": "工种相近", "distance": "距离近",
                 "city": "同城", "education": "学历符合", "age": "年龄符合", "pay": "薪资达到期望",
                 "employment_type": "用工形式相符", "freshness": "新发布", "popularity": "关注度高",
                 "demote_penalty": "不符合要求时的降权"}


def form_input(form: dict[str, Any]) -> ProfileInput:
    """A ProfileInput from an URL-encoded form (repeated keys arrive as lists)."""
    values: dict[str, Any] = {}
    for f in fields(ProfileInput):
        raw = form.get(f.name)
        if f.name == "employment_types":
            values[f.name] = [v for v in (raw if isinstance(raw, list) else [raw]) if v]
        else:
            values[f.name] = (raw[-1] if isinstance(raw, list) else raw) or ""
    return ProfileInput(**values)


def _villages_by_town(db: Session, codes: set[str] | None = None) -> list[tuple[str, list[Village]]]:
    """Villages grouped under their town for the <select> (only the given ones when codes is set)."""
    towns = {t.code: t.name for t in db.exec(select(Town).order_by(col(Town.sort_order), col(Town.code)))}
    query = select(Village).order_by(col(Village.town_code), col(Village.code))
    if codes is not None:
        query = query.where(col(Village.code).in_(sorted(codes) or [""]))
    groups: dict[str, list[Village]] = {}
    for v in db.exec(query):
        groups.setdefault(v.town_code, []).append(v)
    return [(towns.get(code, code), groups[code]) for code in towns if code in groups]


def _form_page(db: Session, *, form: ProfileInput, action: str, mode: str, errors: dict | None = None,
               villages: set[str] | None = None, status: int = 200, title: str = "我的求职信息") -> Template:
    context = dict(form=form, action=action, mode=mode, errors=errors or {}, title=title,
                   village_groups=_villages_by_town(db, villages), educations=EDUCATION_LEVELS[1:],
                   employment_types=EMPLOYMENT_TYPES, travel_ranges=TRAVEL_RANGES)
    return Template("matching/profile_form.html", context=context, status_code=status)


# -- the jobseeker's own pages -------------------------------------------------------------------------------


@get("/me/profile", sync_to_thread=True, guards=[jobseeker_only])
def my_profile_page(request: Request, db: Session) -> Template:
    """My job profile: what I want, where I live, what I can do (every field may stay blank)."""
    user = current_user(request)
    row = own_profile(session=db, user_id=user.id)
    form = input_from(row)
    if row is None:
        form.name = user.name
    return _form_page(db, form=form, action="/me/profile", mode="self")


@post("/me/profile", sync_to_thread=True, guards=[jobseeker_only])
def my_profile_submit(request: Request, db: Session, data: FormBody) -> Template | Redirect:
    """Save my profile, then show what it finds."""
    user = current_user(request)
    form = form_input(data)
    try:
        save_own_profile(session=db, user_id=user.id, data=form)
    except FormErrors as exc:
        return _form_page(db, form=form, action="/me/profile", mode="self", errors=exc.errors, status=400)
    return Redirect("/me/recommendations?saved=1", status_code=303)


@get("/me/recommendations", sync_to_thread=True, guards=[jobseeker_only])
def my_recommendations_page(request: Request, db: Session, saved: str = "", dismissed: str = "") -> Template:
    """Jobs that suit me, each with the reasons in plain words, and a 不感兴趣 button."""
    user = current_user(request)
    profile, items = my_recommendations(session=db, user_id=user.id, k=10)
    return Template("matching/recommendations.html", context={
        "items": items, "known": profile_completeness(profile), "has_profile": own_profile(session=db, user_id=user.id)
        is not None, "saved": bool(saved), "dismissed": bool(dismissed)})


@post("/me/recommendations/{vacancy_id:int}/dismiss", sync_to_thread=True, guards=[jobseeker_only])
def dismiss_recommendation(request: Request, db: Session, vacancy_id: int) -> Redirect:
    """不感兴趣: the vacancy is not recommended to me again (and matching learns from it)."""
    record_dismissal(session=db, user_id=current_user(request).id, vacancy_id=vacancy_id)
    return Redirect("/me/recommendations?dismissed=1", status_code=303)


# -- coordinators keep profiles for villagers ------------------------------------------------------------------


def _coordinator(request: Request, db: Session) -> tuple[User, set[str] | None]:
    user = db.get(User, current_user(request).id)
    return user, None if user.role == Role.ADMIN else coordinator_village_codes(session=db, user_id=user.id)


@get("/coordinator/profiles", sync_to_thread=True, guards=[coordinator_only])
def coordinator_profiles(request: Request, db: Session, saved: str = "") -> Template:
    """Job profiles of villagers in my villages (phones masked in the list)."""
    actor, codes = _coordinator(request, db)
    rows = profiles_in_villages(session=db, codes=codes)
    if rows:
        record_access(session=db, actor=actor, action="read", subject_type="jobseeker_profile",
                      subject_id="coordinator", detail=f"{len(rows)} profiles of own villages (phones masked)")
    return Template("matching/coordinator_profiles.html", context={
        "rows": rows, "villages": village_names(session=db), "mask_phone": mask_phone, "saved": bool(saved)})


@get("/coordinator/profiles/new", sync_to_thread=True, guards=[coordinator_only])
def coordinator_profile_new(request: Request, db: Session) -> Template:
    """A new villager's job profile."""
    _, codes = _coordinator(request, db)
    return _form_page(db, form=ProfileInput(), action="/coordinator/profiles/new", mode="coordinator",
                      villages=codes, title="登记村民求职信息")


@post("/coordinator/profiles/new", sync_to_thread=True, guards=[coordinator_only])
def coordinator_profile_create(request: Request, db: Session, data: FormBody) -> Template | Redirect:
    """Save a villager's profile; the coordinator attests the villager agreed."""
    actor, codes = _coordinator(request, db)
    form = form_input(data)
    try:
        save_villager_profile(session=db, coordinator_id=actor.id, data=form)
    except FormErrors as exc:
        return _form_page(db, form=form, action="/coordinator/profiles/new", mode="coordinator", errors=exc.errors,
                          villages=codes, status=400, title="登记村民求职信息")
    return Redirect("/coordinator/profiles?saved=1", status_code=303)


@get("/coordinator/profiles/{profile_id:int}", sync_to_thread=True, guards=[coordinator_only])
def coordinator_profile_edit(request: Request, db: Session, profile_id: int) -> Template:
    """Edit one villager's profile (only in my villages)."""
    actor, codes = _coordinator(request, db)
    row = coordinator_profile(session=db, coordinator_id=actor.id, profile_id=profile_id)
    record_access(session=db, actor=actor, action="read", subject_type="jobseeker_profile", subject_id=row.id)
    return _form_page(db, form=input_from(row), action=f"/coordinator/profiles/{row.id}", mode="coordinator",
                      villages=codes, title=f"修改求职信息：{row.name}")


@post("/coordinator/profiles/{profile_id:int}", sync_to_thread=True, guards=[coordinator_only])
def coordinator_profile_update(request: Request, db: Session, profile_id: int, data: FormBody) -> Template | Redirect:
    """Save changes to a villager's profile."""
    actor, codes = _coordinator(request, db)
    form = form_input(data)
    try:
        save_villager_profile(session=db, coordinator_id=actor.id, data=form, profile_id=profile_id)
    except FormErrors as exc:
        return _form_page(db, form=form, action=f"/coordinator/profiles/{profile_id}", mode="coordinator",
                          errors=exc.errors, villages=codes, status=400, title="修改求职信息")
    return Redirect("/coordinator/profiles?saved=1", status_code=303)


# -- staff: how matching learns ----------------------------------------------------------------------------------


@get("/staff/matching", sync_to_thread=True, guards=[staff_only])
def staff_matching(db: Session) -> Template:
    """Weights in use, every comparison of learned weights, and the saved index versions."""
    weights, source = weights_in_use(session=db)
    artifacts = db.exec(select(MatchArtifact.id, MatchArtifact.version, MatchArtifact.doc_count,
                               MatchArtifact.size_bytes, MatchArtifact.created_at)
                        .order_by(col(MatchArtifact.id).desc())).all()
    holder = holder_for(db)
    return Template("matching/staff.html", context={
        "weights": weights.to_dict(), "source": source, "labels": SIGNAL_LABELS,
        "comparisons": weight_history(session=db), "artifacts": artifacts, "holder": holder,
        "docs_loaded": len(holder.index) if holder.index is not None else 0})


# One Router, so each handler is registered once: Litestar 2.25 wraps a sync handler in sync_to_thread again
# whenever a later handler joins its path, and a twice-wrapped handler returning a Response fails.
_PAGES = [my_profile_page, my_profile_submit, my_recommendations_page, dismiss_recommendation,
          coordinator_profiles, coordinator_profile_new, coordinator_profile_create, coordinator_profile_edit,
          coordinator_profile_update, staff_matching]
handlers = [Router(path="/", route_handlers=_PAGES)]
