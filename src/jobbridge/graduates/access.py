"""Who may read a graduate's file and its hardship facts; every staff read goes into the audit log."""

from __future__ import annotations

from typing import Protocol

from sqlmodel import Session

from jobbridge.accounts.service import record_access
from jobbridge.errors import Forbidden, NotFound
from jobbridge.graduates.models import Graduate
from jobbridge.graduates.service import get_graduate
from jobbridge.vocab import Role

STAFF_ROLES = (Role.STAFF, Role.ADMIN)


class Viewer(Protocol):
    """Anything with an account id and a role (a User row or the web layer's CurrentUser)."""

    id: int
    role: str


def is_owner(graduate: Graduate, viewer: Viewer) -> bool:
    """The graduate reading their own file."""
    return viewer.role == Role.GRADUATE and graduate.user_id is not None and graduate.user_id == viewer.id


def is_staff(viewer: Viewer) -> bool:
    """Counter staff or an administrator."""
    return viewer.role in STAFF_ROLES


def may_see_hardship(graduate: Graduate, viewer: Viewer) -> bool:
    """Hardship facts: the graduate, the responsible staff member and administrators only."""
    if is_owner(graduate, viewer) or viewer.role == Role.ADMIN:
        return True
    return viewer.role == Role.STAFF and graduate.responsible_staff_id == viewer.id


def may_see_identity(graduate: Graduate, viewer: Viewer) -> bool:
    """Full phone and ID number: the same people who carry the case."""
    return may_see_hardship(graduate, viewer)


def graduate_for_viewer(*, session: Session, graduate_id: int, viewer: Viewer | None, purpose: str) -> Graduate:
    """The file if the viewer may read it (logging a staff read with its purpose); otherwise refuse."""
    if viewer is None:
        raise Forbidden("请先登录", code="graduate.forbidden")
    if viewer.role == Role.GRADUATE:
        graduate = session.get(Graduate, graduate_id)
        # Another graduate's file does not exist as far as this viewer can tell.
        if graduate is None or not is_owner(graduate, viewer):
            raise NotFound("没有找到该毕业生档案", code="graduate.not_found")
        return graduate
    if not is_staff(viewer):
        raise Forbidden("毕业生档案只有本人和窗口工作人员可以查看", code="graduate.forbidden")
    graduate = get_graduate(session=session, graduate_id=graduate_id)
    detail = purpose + ("（含困难情形）" if may_see_hardship(graduate, viewer) else "")
    record_access(session=session, actor=viewer, action="read", subject_type="graduate", subject_id=graduate.id,
                  detail=detail)
    return graduate


def graduate_for_staff_change(*, session: Session, graduate_id: int, viewer: Viewer, purpose: str) -> Graduate:
    """The file for a staff action (reassign, next step), logged as a change."""
    if not is_staff(viewer):
        raise Forbidden("只有窗口工作人员可以办理", code="graduate.forbidden")
    graduate = get_graduate(session=session, graduate_id=graduate_id)
    record_access(session=session, actor=viewer, action="change", subject_type="graduate", subject_id=graduate.id,
                  detail=purpose)
    return graduate
