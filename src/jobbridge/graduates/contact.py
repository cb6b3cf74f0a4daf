"""首问负责: the responsible staff member, the contact card, reassignment and each staff member's case list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from jobbridge.accounts.models import User
from jobbridge.db import utcnow
from jobbridge.errors import DomainError, NotFound
from jobbridge.graduates.models import Graduate
from jobbridge.graduates.service import add_event
from jobbridge.outreach.outbox import enqueue
from jobbridge.vocab import Role

# The centre's own desk, shown when no one is responsible yet.
CENTRE_WINDOW = "高校毕业生服务窗口"
CENTRE_PHONE = "0631-8451234"


@dataclass(frozen=True)
class ContactCard:
    """Who to call: the responsible staff member's name, window and office phone."""

    staff_id: int | None
    name: str
    window: str
    phone: str

    def text(self) -> str:
        """One line for messages."""
        return f"{self.name}（{self.window}，电话{self.phone}）"


def least_loaded_staff(*, session: Session) -> int | None:
    """The active counter staff member with the fewest graduate cases (online registrations go there)."""
    load = (
        select(User.id, func.count(Graduate.id).label("cases"))
        .join(Graduate, Graduate.responsible_staff_id == User.id, isouter=True)
        .where(User.role == Role.STAFF, col(User.is_active).is_(True))
        .group_by(User.id)
        .order_by(func.count(Graduate.id), User.id)
    )
    row = session.exec(load).first()
    return row[0] if row else None


def contact_card(*, session: Session, graduate: Graduate) -> ContactCard:
    """The card shown to the graduate and printed on the sheet."""
    staff = session.get(User, graduate.responsible_staff_id) if graduate.responsible_staff_id else None
    if staff is None:
        return ContactCard(staff_id=None, name="待分配（由窗口统一受理）", window=CENTRE_WINDOW, phone=CENTRE_PHONE)
    return ContactCard(staff_id=staff.id, name=staff.name, window=staff.window or CENTRE_WINDOW,
                       phone=staff.office_phone or CENTRE_PHONE)


def send_contact_card(*, session: Session, graduate: Graduate, reason: str, event_id: int | None = None) -> bool:
    """Tell the graduate who is responsible for them, through the outbox."""
    if graduate.user_id is None and not graduate.phone:
        return False
    card = contact_card(session=session, graduate=graduate)
    if reason == "registered":
        key, subject = f"graduate-registered:{graduate.id}", "档案登记成功"
        body = (f"{graduate.name}同学，您的毕业生档案登记已受理。首问负责人：{card.text()}。"
                "可享政策和推荐岗位请登录就业桥查看。")
    else:
        key, subject = f"graduate-reassigned:{graduate.id}:{event_id}", "首问负责人变更"
        body = f"{graduate.name}同学，您的首问负责人已变更为{card.text()}，有事请直接联系。"
    return enqueue(session=session, dedupe_key=key, kind="graduate_contact", body=body, channel="inbox",
                   user_id=graduate.user_id, phone=graduate.phone, subject=subject,
                   link=f"/graduates/{graduate.id}")


def reassign(*, session: Session, graduate: Graduate, to_staff_id: int, actor: User, reason: str = "") -> Graduate:
    """Hand a case to another staff member: logged on the case and told to the graduate."""
    staff = session.get(User, to_staff_id)
    if staff is None or staff.role not in (Role.STAFF, Role.ADMIN) or not staff.is_active:
        raise NotFound("没有找到该工作人员", code="staff.not_found")
    if graduate.responsible_staff_id == staff.id:
        raise DomainError(f"{staff.name}已经是该毕业生的首问负责人", code="graduate.same_staff", field="staff_id")
    before = session.get(User, graduate.responsible_staff_id) if graduate.responsible_staff_id else None
    graduate.responsible_staff_id, graduate.updated_at = staff.id, utcnow()
    session.add(graduate)
    why = f"，原因：{reason.strip()[:80]}" if reason and reason.strip() else ""
    event = add_event(session=session, graduate=graduate, actor_id=actor.id, kind="转办",
                      text=f"首问负责人由{before.name if before else '待分配'}改为{staff.name}{why}")
    send_contact_card(session=session, graduate=graduate, reason="reassigned", event_id=event.id)
    return graduate


def set_next_action(*, session: Session, graduate: Graduate, text: str, due: date | None, actor: User) -> Graduate:
    """Record what happens next on the case and by when."""
    text = " ".join((text or "").split())[:200]
    if not text:
        raise DomainError("请填写下一步要做的事", code="next_action.required", field="next_action")
    graduate.next_action, graduate.next_action_on, graduate.updated_at = text, due, utcnow()
    session.add(graduate)
    when = f"（{due.isoformat()}前）" if due else ""
    add_event(session=session, graduate=graduate, actor_id=actor.id, kind="下一步", text=f"下一步：{text}{when}")
    return graduate


def case_list(*, session: Session, staff_id: int | None, unassigned: bool = False) -> list[Graduate]:
    """A staff member's cases (or the unassigned ones): due next actions first, then the newest."""
    query = select(Graduate)
    query = query.where(col(Graduate.responsible_staff_id).is_(None)) if unassigned \
        else query.where(Graduate.responsible_staff_id == staff_id)
    rows = list(session.exec(query.order_by(col(Graduate.id).desc())))
    return sorted(rows, key=lambda g: (g.next_action_on is None, g.next_action_on or date.max))


def staff_members(*, session: Session) -> list[User]:
    """Active staff who can take a case."""
    return list(session.exec(
        select(User).where(col(User.role).in_((Role.STAFF, Role.ADMIN)), col(User.is_active).is_(True))
        .order_by(col(User.name))
    ))
