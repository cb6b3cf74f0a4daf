"""Accounts: creation with checked input, argon2 passwords, tokens and the audit log."""

from datetime import timedelta

import pytest
from sqlmodel import select

from jobbridge.accounts.models import ApiToken
from jobbridge.accounts.service import (
    AccountError,
    audit_entries,
    authenticate,
    create_user,
    issue_token,
    record_access,
    user_for_token,
)
from jobbridge.db import utcnow
from jobbridge.validation import ValidationError
from support.personas import PASSWORD, make_user, phone


def test_password_is_stored_as_argon2id_hash(db):
    user = make_user(db, role="staff")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_login_works_with_phone_or_username(db):
    user = create_user(session=db, role="staff", name="王丽", phone=phone(), username="wangli", password=PASSWORD)
    db.commit()
    assert authenticate(session=db, login=user.phone, password=PASSWORD).id == user.id
    assert authenticate(session=db, login="wangli", password=PASSWORD).id == user.id


def test_wrong_password_or_unknown_login_is_refused(db):
    user = make_user(db, role="jobseeker")
    assert authenticate(session=db, login=user.phone, password="not-the-password") is None
    assert authenticate(session=db, login="13900000000", password=PASSWORD) is None


def test_inactive_user_cannot_log_in(db):
    user = make_user(db, role="staff")
    user.is_active = False
    db.add(user)
    db.commit()
    assert authenticate(session=db, login=user.phone, password=PASSWORD) is None


def test_bad_phone_is_refused_in_chinese(db):
    with pytest.raises(ValidationError) as err:
        create_user(session=db, role="jobseeker", name="李四", phone="1234567", password=PASSWORD)
    assert "手机号" in err.value.message


def test_duplicate_phone_is_refused(db):
    user = make_user(db, role="jobseeker")
    with pytest.raises(AccountError, match="已注册"):
        create_user(session=db, role="jobseeker", name="重复", phone=user.phone, password=PASSWORD)


def test_employer_member_must_belong_to_an_employer(db):
    with pytest.raises(AccountError, match="单位"):
        create_user(session=db, role="employer", name="赵", phone=phone(), password=PASSWORD)


def test_short_password_is_refused(db):
    with pytest.raises(AccountError, match="至少"):
        create_user(session=db, role="staff", name="短", phone=phone(), password="123")


def test_token_identifies_its_user_until_it_expires(db):
    user = make_user(db, role="staff")
    token, _ = issue_token(session=db, user=user)
    db.commit()
    assert user_for_token(session=db, token=token).id == user.id
    row = db.exec(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.commit()
    assert user_for_token(session=db, token=token) is None
    assert user_for_token(session=db, token="made-up") is None


def test_audit_log_records_who_read_what(db):
    staff = make_user(db, role="staff")
    record_access(session=db, actor=staff, action="read", subject_type="graduate", subject_id=7, detail="档案详情")
    db.commit()
    entry = audit_entries(session=db, subject_type="graduate")[0]
    assert (entry.actor_id, entry.actor_role, entry.subject_id, entry.action) == (staff.id, "staff", "7", "read")
    assert entry.at.tzinfo is not None
