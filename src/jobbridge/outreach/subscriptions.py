"""Subscriptions by phone to a village's vacancies: preferences, recorded consent, one-tap unsubscribe."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from jobbridge.accounts.models import User
from jobbridge.config import get_settings
from jobbridge.db import utcnow
from jobbridge.employers.service import FormErrors
from jobbridge.errors import NotFound
from jobbridge.geo.models import Village
from jobbridge.outreach import links, texts
from jobbridge.outreach.models import REGISTERED_VIA, OutboxMessage, Subscription
from jobbridge.outreach.outbox import enqueue
from jobbridge.outreach.timing import outside_quiet_hours
from jobbridge.validation import ValidationError, validate_mobile
from jobbridge.vocab import EMPLOYMENT_TYPES, TRAVEL_RANGES

CONSENT_VERSION = "2026-01"
CONSENT_TEXT = (
    "我同意文登区人力资源公共服务中心保存我的手机号、所在村居、称呼和求职意向，"
    "仅用于向我发送附近的招聘信息（每天最多3条，晚9点至早8点不发送）。"
    "保存到我退订或要求删除为止；我可以随时凭手机验证码查看和删除这些信息。"
)
OUTREACH_KINDS = ("vacancy", "digest", "welcome")
CONSENT_METHODS = ("网页勾选", "当面告知", "电话告知", "接口登记")

# Kinds of work a villager recognises, each standing for occupation-code prefixes (the longest prefix wins).
WORK_KINDS: dict[str, tuple[str, ...]] = {
    "工厂生产": ("6-",),
    "建筑装修": ("6-29",),
    "开车运输": ("4-02", "6-30"),
    "饭店宾馆": ("4-03",),
    "保洁家政": ("4-09", "4-10"),
    "商超销售": ("4-01",),
    "农林牧渔": ("5-",),
    "其他服务": ("4-",),
    "办公文员": ("3-",),
    "专业技术": ("2-",),
    "其他": (),
}
_PREFIXES = sorted(((p, kind) for kind, ps in WORK_KINDS.items() for p in ps), key=lambda item: -len(item[0]))


def work_kind(occupation_code: str | None) -> str:
    """The kind of work an occupation code belongs to."""
    for prefix, kind in _PREFIXES:
        if occupation_code and occupation_code.startswith(prefix):
            return kind
    return "其他"


@dataclass
class SubscriptionInput:
    """A subscription form as typed (web, coordinator or API)."""

    phone: str = ""
    name: str = ""
    village_code: str = ""
    travel_range: str = "本镇"
    employment_types: list[str] = field(default_factory=list)
    work_kinds: list[str] = field(default_factory=list)
    pay_floor: str | float | None = None
    consent: bool | str = False
    consent_method: str = "网页勾选"


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in {"1", "on", "yes", "true", "同意"})


def clean_subscription(*, session: Session, data: SubscriptionInput) -> tuple[dict, dict[str, str]]:
    """Validate a subscription; returns clean values and field → Chinese error."""
    errors: dict[str, str] = {}
    clean: dict = {}
    try:
        clean["phone"] = validate_mobile(data.phone or "", field="phone")
    except ValidationError as exc:
        errors["phone"] = exc.message
    name = " ".join((data.name or "").split())
    if len(name) > 40:
        errors["name"] = "称呼最多40个字"
    clean["name"] = name[:40]
    village = session.get(Village, (data.village_code or "").strip()) if data.village_code else None
    if village is None:
        errors["village_code"] = "请选择所在的村（社区）"
    clean["village_code"] = village.code if village else data.village_code
    if data.travel_range not in TRAVEL_RANGES:
        errors["travel_range"] = "请选择愿意去多远工作：" + "、".join(TRAVEL_RANGES)
    clean["travel_range"] = data.travel_range
    bad = [t for t in data.employment_types if t not in EMPLOYMENT_TYPES]
    if bad:
        errors["employment_types"] = "不认识的用工形式：" + "、".join(bad)
    clean["employment_types"] = [t for t in EMPLOYMENT_TYPES if t in set(data.employment_types)]
    bad = [k for k in data.work_kinds if k not in WORK_KINDS]
    if bad:
        errors["work_kinds"] = "不认识的工作种类：" + "、".join(bad)
    clean["work_kinds"] = [k for k in WORK_KINDS if k in set(data.work_kinds)]
    floor = data.pay_floor
    if floor in (None, ""):
        clean["pay_floor"] = None
    else:
        try:
            clean["pay_floor"] = float(str(floor).replace(",", "").replace("元", "").strip())
        except ValueError:
            errors["pay_floor"] = "最低月工资请填写数字，如 3000"
        else:
            if not 0 <= clean["pay_floor"] <= 100000:
                errors["pay_floor"] = "最低月工资应在0到100000元之间"
    if data.consent_method not in CONSENT_METHODS:
        errors["consent_method"] = "请选择征得同意的方式"
    clean["consent_method"] = data.consent_method
    if not _truthy(data.consent):
        errors["consent"] = "请先阅读并勾选同意，我们才能给您发送招聘信息"
    return clean, errors


def subscribe(*, session: Session, data: SubscriptionInput, via: str = "self", registered_by: int | None = None,
              now: datetime | None = None, channel: str | None = None) -> tuple[Subscription, bool]:
    """Create (or renew, with fresh consent) the subscription of a phone; returns it and whether it is new."""
    if via not in REGISTERED_VIA:
        raise ValueError(via)
    clean, errors = clean_subscription(session=session, data=data)
    if errors:
        raise FormErrors(errors)
    now = now or utcnow()
    phone = clean["phone"]
    existing = session.exec(select(Subscription).where(Subscription.phone == phone)).first()
    user = session.exec(select(User.id).where(User.phone == phone)).first()
    values = dict(clean, consent_at=now, consent_version=CONSENT_VERSION, registered_via=via,
                  registered_by=registered_by, user_id=user, updated_at=now)
    if existing is not None:
        for key, value in values.items():
            setattr(existing, key, value)
        session.add(existing)
        session.flush()
        return existing, False
    subscription = Subscription(**values, person_key=links.person_key(phone), created_at=now)
    session.add(subscription)
    session.flush()
    _welcome(session=session, subscription=subscription, now=now, channel=channel)
    return subscription, True


def default_channel() -> str:
    """SMS when a gateway is configured, otherwise the in-app inbox."""
    return "sms" if get_settings().sms_gateway_url else "inbox"


def _welcome(*, session: Session, subscription: Subscription, now: datetime, channel: str | None) -> None:
    village = session.get(Village, subscription.village_code)
    name = village.short_name if village else ""
    url = links.unsubscribe_url(token_for(subscription))
    channel = channel or default_channel()
    who = "本人" if subscription.registered_via == "self" else REGISTERED_VIA[subscription.registered_via]
    subject, body = texts.welcome_inbox(village=name, registered_by=who, unsubscribe=url)
    if channel == "sms":
        body = texts.welcome_sms(village=name, url=url)
    enqueue(session=session, dedupe_key=f"welcome:{subscription.person_key}:{subscription.id}", kind="welcome",
            body=body, subject=subject, channel=channel, phone=subscription.phone, user_id=subscription.user_id,
            link=url, village_code=subscription.village_code, not_before=outside_quiet_hours(now))


def token_for(subscription: Subscription) -> str:
    """The subscription's one-tap unsubscribe token."""
    return links.unsubscribe_token(subscription_id=subscription.id, person=subscription.person_key)


def subscription_for_token(*, session: Session, token: str) -> Subscription | None:
    """The subscription a genuine token names (None for a forged token or one already used)."""
    def person_of(subscription_id: int) -> str | None:
        row = session.get(Subscription, subscription_id)
        return row.person_key if row else None

    subscription_id = links.check_unsubscribe_token(token, person_of=person_of)
    return session.get(Subscription, subscription_id) if subscription_id else None


def get_subscription(*, session: Session, subscription_id: int) -> Subscription:
    """One subscription or NotFound."""
    subscription = session.get(Subscription, subscription_id)
    if subscription is None:
        raise NotFound("没有找到该订阅，可能已经退订", code="subscription.not_found")
    return subscription


def cancel_pending(*, session: Session, phone: str) -> int:
    """Cancel messages to a phone that have not gone out yet."""
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.phone == phone, col(OutboxMessage.state).in_(("queued", "failed", "dead")),
               col(OutboxMessage.kind).in_(OUTREACH_KINDS))
        .values(state="cancelled", last_error="已退订")
        .execution_options(synchronize_session=False)
    ).rowcount or 0


def delete_subscription(*, session: Session, subscription: Subscription) -> None:
    """End a subscription: pending messages are cancelled and the record is deleted (only its key remains)."""
    cancel_pending(session=session, phone=subscription.phone)
    session.delete(subscription)
    session.flush()


def unsubscribe(*, session: Session, token: str) -> bool:
    """One-tap unsubscribe by the signed token; False when the token is not (or no longer) valid."""
    subscription = subscription_for_token(session=session, token=token)
    if subscription is None:
        return False
    delete_subscription(session=session, subscription=subscription)
    return True


def subscriptions_in(*, session: Session, village_codes: set[str] | list[str], limit: int = 500) -> list[Subscription]:
    """Subscriptions of some villages, newest first."""
    if not village_codes:
        return []
    return list(session.exec(
        select(Subscription).where(col(Subscription.village_code).in_(sorted(village_codes)))
        .order_by(col(Subscription.id).desc()).limit(limit)
    ))


def record_response(*, session: Session, person: str, now: datetime | None = None) -> None:
    """A person opened a link or registered interest: they are answering, so full contact resumes."""
    session.execute(
        update(Subscription).where(Subscription.person_key == person)
        .values(unanswered=0, last_response_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
