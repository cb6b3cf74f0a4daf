"""Login, logout and API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlparse

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlmodel import Session

from jobbridge.accounts.service import authenticate, issue_token
from jobbridge.vocab import Role

HOME_BY_ROLE = {
    Role.ADMIN: "/staff",
    Role.STAFF: "/staff",
    Role.EMPLOYER: "/employer",
    Role.COORDINATOR: "/coordinator",
    Role.JOBSEEKER: "/me",
    Role.GRADUATE: "/graduates",
}


@dataclass
class LoginForm:
    """The login form."""

    login: str = ""
    password: str = ""
    next: str = ""


def _safe_next(target: str) -> str | None:
    parsed = urlparse(target or "")
    if target and not parsed.scheme and not parsed.netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return None


@get("/login", name="login")
async def login_page(next: str = "") -> Template:  # noqa: A002 - the query parameter's name
    """The login form."""
    return Template("auth/login.html", context={"form": LoginForm(next=next), "error": ""})


@post("/login", sync_to_thread=True)
def login_submit(
    request: Request, db: Session, data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
) -> Template | Redirect:
    """Check the credentials and start a server-side session."""
    user = authenticate(session=db, login=data.login, password=data.password)
    if user is None:
        return Template(
            "auth/login.html",
            context={"form": LoginForm(login=data.login, next=data.next), "error": "手机号/用户名或密码不正确"},
            status_code=400,
        )
    request.clear_session()
    request.set_session({"user_id": user.id})
    return Redirect(_safe_next(data.next) or HOME_BY_ROLE.get(user.role, "/"), status_code=303)


@post("/logout")
async def logout(request: Request) -> Redirect:
    """End the session."""
    request.clear_session()
    return Redirect("/", status_code=303)


@dataclass
class TokenRequest:
    """Credentials exchanged for a bearer token."""

    login: str
    password: str


@dataclass
class TokenResponse:
    """A bearer token for the API."""

    access_token: str
    token_type: str
    expires_at: str
    role: str


@post("/api/v1/auth/token", sync_to_thread=True, tags=["认证"])
def api_token(db: Session, data: TokenRequest) -> Response[TokenResponse] | Response[dict]:
    """Exchange a phone number or username and password for a bearer token."""
    user = authenticate(session=db, login=data.login, password=data.password)
    if user is None:
        return Response(
            {"error": {"code": "invalid_credentials", "message": "手机号/用户名或密码不正确"}}, status_code=401
        )
    token, expires = issue_token(session=db, user=user)
    return Response(
        TokenResponse(access_token=token, token_type="bearer", expires_at=expires.isoformat(), role=user.role),
        status_code=201,
    )


handlers = [logout]
# Credential checks are rate-limited per client; the app factory wraps these in a limited router.
credential_handlers = [login_page, login_submit, api_token]
