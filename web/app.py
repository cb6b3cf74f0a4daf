"""The Litestar application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from jobbridge.config import Settings, get_settings
from jobbridge.errors import DomainError
from jobbridge.validation import ValidationError
from jobbridge_web import errors, templating
from jobbridge_web.deps import AuthMiddleware, provide_db
from jobbridge_web.routes import (
    auth,
    employer_portal,
    employer_sheets,
    employers_api,
    fairs,
    fairs_api,
    fairs_staff,
    geo_admin,
    graduates,
    graduates_api,
    home,
    matching,
    matching_api,
    outreach,
    outreach_api,
    outreach_coordinator,
    outreach_print,
    outreach_staff,
    policies,
    reference,
    staff,
    staff_review,
    vacancies,
    vacancies_api,
)
from jobbridge_web.stores import DatabaseStore

HERE = Path(__file__).parent
SESSION_COOKIE = "jb_session"
CSRF_COOKIE = "jb_csrf"


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the web application."""
    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    session_config = ServerSideSessionConfig(
        key=SESSION_COOKIE,
        max_age=settings.session_days * 86400,
        secure=not settings.is_development,
        samesite="lax",
        store="sessions",
        renew_on_access=True,
    )
    csrf_config = CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        cookie_secure=not settings.is_development,
        exclude=["/api/", "/static/", "/healthz", "/schema"],
    )
    login_limit = RateLimitConfig(
        rate_limit=("minute", settings.login_rate_per_minute), store="rate_limit",
        check_throttle_handler=lambda request: request.method == "POST",
    )
    credentials = Router(path="/", route_handlers=auth.credential_handlers, middleware=[login_limit.middleware])
    return Litestar(
        route_handlers=[
            *home.handlers,
            *auth.handlers,
            credentials,
            *reference.handlers,
            *outreach.handlers,
            *outreach_api.handlers,
            *outreach_coordinator.handlers,
            *outreach_print.handlers,
            *outreach_staff.handlers,
            *staff.handlers,
            *geo_admin.handlers,
            *graduates.handlers,
            *graduates_api.handlers,
            *policies.handlers,
            *employer_portal.handlers,
            *employer_sheets.handlers,
            *employers_api.handlers,
            *staff_review.handlers,
            *vacancies.handlers,
            *vacancies_api.handlers,
            *fairs.handlers,
            *fairs_staff.handlers,
            *fairs_api.handlers,
            *matching.handlers,
            *matching_api.handlers,
            create_static_files_router(path="/static", directories=[HERE / "static"], name="static"),
        ],
        dependencies={"db": Provide(provide_db)},
        middleware=[session_config.middleware, AuthMiddleware],
        csrf_config=csrf_config,
        stores={"sessions": DatabaseStore(namespace="session"), "rate_limit": DatabaseStore(namespace="ratelimit")},
        template_config=TemplateConfig(
            directory=HERE / "templates", engine=JinjaTemplateEngine, engine_callback=templating.configure
        ),
        openapi_config=OpenAPIConfig(
            title="JobBridge 就业桥 API", version="1.0.0", path="/schema",
            description="文登区人力资源公共服务中心 就业桥 平台接口。写操作需要 Bearer 令牌（POST /api/v1/auth/token）。",
        ),
        exception_handlers={
            HTTPException: errors.handle_http,
            DomainError: errors.handle_domain,
            ValidationError: errors.handle_validation_error,
            Exception: errors.handle_unexpected,
        },
        debug=False,
    )
