"""Chinese error pages for browsers and JSON errors with a code for API clients; never a bare 500."""

from __future__ import annotations

import logging

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from jobbridge.errors import DomainError

log = logging.getLogger("jobbridge.web")

TITLES = {
    400: "提交的内容有误",
    401: "请先登录",
    403: "没有权限",
    404: "页面不存在",
    405: "不支持的操作",
    409: "操作冲突",
    413: "文件太大",
    429: "操作太频繁，请稍后再试",
    500: "系统出错了",
}
CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 429: "rate_limited", 500: "server_error"}


def wants_json(request: Request) -> bool:
    """API paths and JSON clients get JSON errors."""
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def error_response(request: Request, *, status: int, message: str, code: str | None = None,
                   fields: dict | None = None) -> Response:
    """Render one error as JSON or as a Chinese page."""
    code = code or CODES.get(status, "error")
    if wants_json(request):
        body = {"error": {"code": code, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        return Response(body, status_code=status)
    return Template(
        "error.html",
        context={"status": status, "title": TITLES.get(status, "出错了"), "message": message},
        status_code=status,
    )


def _validation_fields(exc: ValidationException) -> dict:
    fields: dict[str, str] = {}
    for item in exc.extra or []:
        if isinstance(item, dict):
            key = str(item.get("key") or item.get("source") or "body")
            fields[key] = "格式不正确或缺少必填项"
    return fields


def handle_http(request: Request, exc: HTTPException) -> Response:
    """Map framework HTTP errors to the shared error shape."""
    status = exc.status_code
    if isinstance(exc, NotAuthorizedException) and not wants_json(request):
        return Redirect(f"/login?next={request.url.path}")
    if isinstance(exc, ValidationException):
        return error_response(request, status=400, code="validation", message="提交的数据格式不正确，请检查后重试",
                              fields=_validation_fields(exc))
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail and not exc.detail.isascii() else None
    return error_response(request, status=status, message=detail or TITLES.get(status, "出错了"))


def handle_domain(request: Request, exc: DomainError) -> Response:
    """Domain refusals carry their own Chinese message."""
    errors = getattr(exc, "errors", None)  # FormErrors carries every field's message
    fields = dict(errors) if errors else ({exc.field: exc.message} if exc.field else None)
    return error_response(request, status=exc.status, code=exc.code, message=exc.message, fields=fields)


def handle_validation_error(request: Request, exc: Exception) -> Response:
    """Input validation failures from jobbridge.validation."""
    field = getattr(exc, "field", "")
    message = getattr(exc, "message", str(exc))
    return error_response(request, status=400, code=getattr(exc, "code", "invalid"), message=message,
                          fields={field: message} if field else None)


def handle_unexpected(request: Request, exc: Exception) -> Response:
    """Log the bug; show a calm Chinese page, not a stack trace."""
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, status=HTTP_500_INTERNAL_SERVER_ERROR,
                          message="系统暂时出错，您填写的内容没有丢失，请返回上一页重试；如仍有问题请联系窗口工作人员。")
