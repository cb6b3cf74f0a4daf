"""Creating accounts, checking passwords, issuing API tokens and writing the audit log."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from jobbridge.accounts.models import ApiToken, AuditLog, CoordinatorArea, User
from jobbridge.db import utcnow
from jobbridge.errors import DomainError
from jobbridge.validation import ValidationError, validate_mobile
from jobbridge.vocab import Role

_hasher = PasswordHasher()
# Verifying against this keeps the timing of "no such user" close to "wrong password".
_DUMMY_HASH = _hasher.hash("jobbridge-dummy-password")
TOKEN_DAYS = 30
MIN_PASSWORD_LENGTH = 8


class AccountError(DomainError):
    """An account operation that cannot be done, with a Chinese message."""


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    """Refuse passwords too short to protect personal data."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少需要{MIN_PASSWORD_LENGTH}位", code="password.too_short", field="password")


def create_user(
    *,
    session: Session,
    role: str,
    name: str,
    phone: str | None = None,
    username: str | None = None,
    password: str | None = None,
    employer_id: int | None = None,
    is_demo: bool = False,
    window: str | None = None,
    office_phone: str | None = None,
) -> User:
    """Create an account after checking its role, phone and uniqueness."""
    if role not in set(Role):
        raise AccountError(f"未知角色：{role}", code="role.unknown", field="role")
    name = (name or "").strip()
    if not name:
        raise AccountError("请填写姓名", code="name.required", field="name")
    if phone:
        phone = validate_mobile(phone)
    if not phone and not username:
        raise AccountError("手机号和用户名至少填写一项", code="login.required", field="phone")
    if role == Role.EMPLOYER and employer_id is None:
        raise AccountError("用工单位账号必须属于一个单位", code="employer.required", field="employer_id")
    if phone and session.exec(select(User).where(User.phone == phone)).first():
        raise AccountError("该手机号已注册", code="phone.taken", field="phone")
    if username and session.exec(select(User).where(User.username == username)).first():
        raise AccountError("该用户名已被使用", code="username.taken", field="username")
    if password is not None:
        check_password_strength(password)
    user = User(
        role=role,
        name=name,
        phone=phone,
        username=username,
        password_hash=hash_password(password) if password else None,
        employer_id=employer_id,
        is_demo=is_demo,
        window=window,
        office_phone=office_phone,
    )
    session.add(user)
    session.flush()
    return user


def find_by_login(*, session: Session, login: str) -> User | None:
    """Find an account by phone number or username."""
    login = (login or "").strip()
    if not login:
        return None
    try:
        phone = validate_mobile(login)
    except ValidationError:
        phone = None
    if phone:
        user = session.exec(select(User).where(User.phone == phone)).first()
        if user:
            return user
    return session.exec(select(User).where(User.username == login)).first()


def authenticate(*, session: Session, login: str, password: str) -> User | None:
    """Return the active user whose login and password match, else None."""
    user = find_by_login(session=session, login=login)
    if user is None or not user.password_hash or not user.is_active:
        try:
            _hasher.verify(_DUMMY_HASH, password or "x")
        except VerificationError:
            pass
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.add(user)
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, session: Session, user: User, days: int = TOKEN_DAYS) -> tuple[str, datetime]:
    """Create a bearer token; the plain token is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=days)
    session.add(ApiToken(token_hash=_token_digest(token), user_id=user.id, expires_at=expires))
    session.flush()
    return token, expires


def user_for_token(*, session: Session, token: str) -> User | None:
    """The active user a bearer token belongs to, if it is valid and unexpired."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _token_digest(token))).first()
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user and user.is_active else None


def revoke_tokens(*, session: Session, user_id: int) -> int:
    """Delete every token of a user."""
    rows = session.exec(select(ApiToken).where(ApiToken.user_id == user_id)).all()
    for row in rows:
        session.delete(row)
    return len(rows)


def assign_coordinator_area(
    *, session: Session, user: User, town_code: str | None = None, village_code: str | None = None
) -> CoordinatorArea:
    """Give a coordinator a village or a whole town to look after."""
    if user.role != Role.COORDINATOR:
        raise AccountError("只有村级协理员可以分配村居", code="role.not_coordinator")
    if not town_code and not village_code:
        raise AccountError("请选择镇街或村居", code="area.required")
    area = CoordinatorArea(user_id=user.id, town_code=town_code, village_code=village_code)
    session.add(area)
    session.flush()
    return area


def coordinator_village_codes(*, session: Session, user_id: int) -> set[str]:
    """Every village a coordinator covers, expanding whole towns."""
    from jobbridge.geo.models import Village

    codes: set[str] = set()
    for area in session.exec(select(CoordinatorArea).where(CoordinatorArea.user_id == user_id)):
        if area.village_code:
            codes.add(area.village_code)
        elif area.town_code:
            codes.update(session.exec(select(Village.code).where(Village.town_code == area.town_code)))
    return codes


def record_access(
    *,
    session: Session,
    actor: User | None,
    action: str,
    subject_type: str,
    subject_id: str | int,
    detail: str = "",
) -> AuditLog:
    """Append one entry to the audit log (staff reads and changes of personal data)."""
    entry = AuditLog(
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else "",
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        detail=detail,
    )
    session.add(entry)
    return entry


def audit_entries(*, session: Session, subject_type: str | None = None, limit: int = 200) -> list[AuditLog]:
    """Most recent audit entries, optionally for one kind of subject."""
    query = select(AuditLog).order_by(col(AuditLog.id).desc()).limit(limit)
    if subject_type:
        query = query.where(AuditLog.subject_type == subject_type)
    return list(session.exec(query))
