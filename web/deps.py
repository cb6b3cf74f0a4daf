"""Request-scoped dependencies: the database session, the current user, role guards."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import anyio
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlmodel import Session

from jobbridge.accounts.models import User
from jobbridge.accounts.service import user_for_token
from jobbridge.db import get_engine
from jobbridge.vocab import ROLE_LABELS, Role

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in account, detached from any database session."""

    id: int
    name: str
    role: str
    employer_id: int | None

    @property
    def role_label(self) -> str:
        """The role in Chinese."""
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def is_staff(self) -> bool:
        """Staff and admins work matters at the centre."""
        return self.role in {Role.STAFF, Role.ADMIN}


def provide_db() -> Generator[Session, None, None]:
    """One session per request: commit on success, roll back on any error."""
    session = Session(get_engine(), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _load_user(*, user_id: int | None, token: str | None) -> CurrentUser | None:
    with Session(get_engine()) as session:
        user: User | None
        if token:
            user = user_for_token(session=session, token=token)
        else:
            user = session.get(User, user_id)
            if user is not None and not user.is_active:
                user = None
        if user is None:
            return None
        return CurrentUser(id=user.id, name=user.name, role=user.role, employer_id=user.employer_id)


class AuthMiddleware:
    """Resolve the current user from a bearer token (API) or the server-side session (pages)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["user"] = await self._resolve(scope)
        await self.app(scope, receive, send)

    async def _resolve(self, scope: Scope) -> CurrentUser | None:
        headers = dict(scope.get("headers") or [])
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
            return await anyio.to_thread.run_sync(lambda: _load_user(user_id=None, token=token)) if token else None
        # A cookie session must not authorise unsafe API calls: those are exempt from CSRF checks.
        if scope["path"].startswith("/api/") and scope.get("method") not in SAFE_METHODS:
            return None
        session = scope.get("session") or {}
        user_id = session.get("user_id") if isinstance(session, dict) else None
        if not user_id:
            return None
        return await anyio.to_thread.run_sync(lambda: _load_user(user_id=user_id, token=None))


def current_user(connection: ASGIConnection) -> CurrentUser | None:
    """The signed-in user or None."""
    user = connection.scope.get("user")
    return user if isinstance(user, CurrentUser) else None


def requires(*roles: str):  # noqa: ANN201
    """A guard admitting signed-in users with one of the roles (any role when none given)."""

    def guard(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
        user = current_user(connection)
        if user is None:
            raise NotAuthorizedException(detail="请先登录")
        if roles and user.role not in roles and user.role != Role.ADMIN:
            raise PermissionDeniedException(detail="您没有权限访问此页面")

    return guard


staff_only = requires(Role.STAFF, Role.ADMIN)
signed_in = requires()
