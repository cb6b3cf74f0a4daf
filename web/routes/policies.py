"""The policy catalogue: staff pages to read and edit it (each edit a new version) and its JSON API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlmodel import Session

from jobbridge.employers.service import FormErrors
from jobbridge.policies.catalogue import (
    BENEFICIARY_LABELS,
    CONFIDENCE_LABELS,
    PolicyInput,
    current_policies,
    get_policy,
    input_from_version,
    policy_versions,
    save_policy,
)
from jobbridge.policies.conditions import INTENTS, condition_from_dict
from jobbridge.policies.eligibility import PRIORITY_GROUPS
from jobbridge.policies.models import Policy, PolicyVersion
from jobbridge_web.deps import current_user, staff_only

FormBody = Annotated[dict, Body(media_type=RequestEncodingType.URL_ENCODED)]
TAGS = ["政策目录"]


@dataclass
class PolicyIn:
    """A new policy or a new version of an existing one (same key)."""

    key: str
    name: str
    category: str
    beneficiary: str = "graduate"
    summary: str = ""
    amount: str | None = None
    conditions: list[dict[str, Any]] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)
    priority_group: str = "其他"
    where_to_apply: str = ""
    how_to_apply: str | None = None
    materials: list[str] = field(default_factory=list)
    source: str | None = None
    confidence: str | None = None
    effective_from: str | None = None
    effective_to: str | None = None
    conditions_stated: bool = True
    notes: list[str] = field(default_factory=list)
    change_note: str = ""
    expected_version: int | None = None


@dataclass
class PolicyOut:
    """The current version of a policy, with its source and how sure the catalogue is of it."""

    key: str
    version: int
    name: str
    category: str
    beneficiary: str
    summary: str
    amount: str | None
    conditions: list[dict[str, Any]]
    condition_descriptions: list[str]
    intents: list[str]
    priority_group: str
    where_to_apply: str
    how_to_apply: str | None
    materials: list[str]
    source: str | None
    confidence: str | None
    effective_from: date | None
    effective_to: date | None
    conditions_stated: bool
    notes: list[str]
    origin: str
    updated_at: str


def _out(policy: Policy, version: PolicyVersion) -> PolicyOut:
    return PolicyOut(
        key=policy.key, version=version.version, name=version.name, category=version.category,
        beneficiary=version.beneficiary, summary=version.summary, amount=version.amount,
        conditions=list(version.conditions),
        condition_descriptions=[condition_from_dict(c).describe() for c in version.conditions],
        intents=list(version.intents), priority_group=version.priority_group, where_to_apply=version.where_to_apply,
        how_to_apply=version.how_to_apply, materials=list(version.materials), source=version.source,
        confidence=version.confidence, effective_from=version.effective_from, effective_to=version.effective_to,
        conditions_stated=version.conditions_stated, notes=list(version.notes), origin=version.origin,
        updated_at=version.created_at.isoformat(),
    )


@get("/api/v1/policies", sync_to_thread=True, tags=TAGS)
def api_policies(db: Session) -> list[PolicyOut]:
    """The current catalogue (public): each policy's current version with source and confidence."""
    return [_out(policy, version) for policy, version in current_policies(session=db)]


@post("/api/v1/policies", sync_to_thread=True, guards=[staff_only], tags=TAGS)
def api_save_policy(request: Request, db: Session, data: PolicyIn) -> Response[PolicyOut]:
    """Create a policy, or add a new version of the one with the same key (staff; earlier versions are kept)."""
    form = PolicyInput(
        key=data.key, name=data.name, category=data.category, beneficiary=data.beneficiary, summary=data.summary,
        amount=data.amount or "", conditions=list(data.conditions), intents=list(data.intents),
        priority_group=data.priority_group, where_to_apply=data.where_to_apply, how_to_apply=data.how_to_apply or "",
        materials=list(data.materials), source=data.source or "", confidence=data.confidence or "",
        effective_from=data.effective_from or "", effective_to=data.effective_to or "",
        conditions_stated=data.conditions_stated, notes=list(data.notes), change_note=data.change_note,
        expected_version=data.expected_version,
    )
    version = save_policy(session=db, data=form, staff_id=current_user(request).id)
    policy, _ = get_policy(session=db, key=data.key.strip())
    return Response(_out(policy, version), status_code=201)


def _form_input(form: dict[str, Any]) -> PolicyInput:
    def one(name: str) -> str:
        value = form.get(name)
        return str((value[-1] if isinstance(value, list) else value) or "")

    intents = form.get("intents") or []
    expected = one("expected_version")
    return PolicyInput(
        key=one("key"), name=one("name"), category=one("category"), beneficiary=one("beneficiary") or "graduate",
        summary=one("summary"), amount=one("amount"), conditions=one("conditions") or "[]",
        intents=intents if isinstance(intents, list) else [intents], priority_group=one("priority_group") or "其他",
        where_to_apply=one("where_to_apply"), how_to_apply=one("how_to_apply"), materials=one("materials"),
        source=one("source"), confidence=one("confidence"), effective_from=one("effective_from"),
        effective_to=one("effective_to"), conditions_stated=one("conditions_stated") == "是",
        notes=one("notes"), change_note=one("change_note"),
        expected_version=int(expected) if expected.isdigit() else None,
    )


def _edit_page(*, form: PolicyInput, errors: dict | None, new: bool, status: int = 200) -> Template:
    return Template("policies/edit.html", status_code=status, context=dict(
        form=form, errors=errors or {}, new=new, intents=INTENTS, groups=PRIORITY_GROUPS,
        beneficiaries=BENEFICIARY_LABELS, confidences=CONFIDENCE_LABELS,
    ))


@get("/staff/policies", sync_to_thread=True, guards=[staff_only])
def policies_page(db: Session) -> Template:
    """The catalogue with each policy's current version."""
    return Template("policies/list.html", context=dict(
        rows=current_policies(session=db), confidences=CONFIDENCE_LABELS, beneficiaries=BENEFICIARY_LABELS,
    ))


@get("/staff/policies/new", sync_to_thread=True, guards=[staff_only])
def new_policy_page() -> Template:
    """Form for a new policy."""
    return _edit_page(form=PolicyInput(), errors=None, new=True)


@get("/staff/policies/{key:str}", sync_to_thread=True, guards=[staff_only])
def policy_page(db: Session, key: str) -> Template:
    """One policy: the current version's form and the version history."""
    policy, version = get_policy(session=db, key=key)
    return Template("policies/edit.html", context=dict(
        form=input_from_version(key=policy.key, version=version), errors={}, new=False, intents=INTENTS,
        groups=PRIORITY_GROUPS, beneficiaries=BENEFICIARY_LABELS, confidences=CONFIDENCE_LABELS,
        versions=policy_versions(session=db, key=key), current=version,
        descriptions=[condition_from_dict(c).describe() for c in version.conditions],
    ))


@post("/staff/policies", sync_to_thread=True, guards=[staff_only])
def policy_submit(request: Request, db: Session, data: FormBody) -> Template | Redirect:
    """Save a new policy or a new version of an existing one."""
    form = _form_input(data)
    try:
        save_policy(session=db, data=form, staff_id=current_user(request).id)
    except FormErrors as exc:
        return _edit_page(form=form, errors=exc.errors, new=form.expected_version is None, status=400)
    return Redirect(f"/staff/policies/{form.key.strip()}", status_code=303)


# One Router, so Litestar registers each path's GET and POST handlers together: added one by one, the first
# sync_to_thread handler of a path is registered twice and wrapped twice (Litestar 2.25).
handlers = [Router(path="/", route_handlers=[api_policies, api_save_policy, policies_page, new_policy_page, policy_page, policy_submit])]
