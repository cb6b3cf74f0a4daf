"""Spreadsheets for employers: the template, the two-step import (check, then confirm) and the export."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlmodel import Session, col, select

from jobbridge.employers.excel import SheetError, build_template
from jobbridge.employers.imports import confirm_import, export_vacancies, get_import, stage_import
from jobbridge.employers.listings import find_vacancies, interest_counts
from jobbridge.employers.vacancies import today_local
from jobbridge.errors import DomainError
from jobbridge.geo.models import Town
from jobbridge.vocab import Role
from jobbridge_web.deps import requires
from jobbridge_web.routes.employer_common import (
    FormBody,
    flash,
    form_text,
    member_of,
    take_flash,
    xlsx_response,
)

employer_only = requires(Role.EMPLOYER)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UploadBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


@get("/employer/vacancies/template.xlsx", sync_to_thread=True, guards=[employer_only])
def template_download(request: Request, db: Session) -> Response:
    """The fill-in template with drop-downs and instructions."""
    member_of(request)
    towns = list(db.exec(select(Town).order_by(col(Town.sort_order))))
    example = {
        "title": "电焊工", "headcount": "3", "employment_type": "全职", "pay_kind": "月薪", "pay_low": "5000",
        "pay_high": "7000", "min_education": "初中", "experience": "1年以上", "description": "负责钢结构件焊接，按图纸施工",
        "benefits": "五险一金、包吃", "town": towns[0].name if towns else "", "working_hours": "8:00-17:00，月休4天",
        "valid_until": (today_local() + timedelta(days=30)).isoformat(), "push_scope": "全区",
    }
    content = build_template(town_names=[t.name for t in towns], example=example)
    return xlsx_response(content, filename="岗位批量导入模板.xlsx")


def _upload_page(*, error: str = "", status_code: int = 200) -> Template:
    return Template("employers/import_upload.html", context={"error": error}, status_code=status_code)


@get("/employer/vacancies/import", sync_to_thread=True, guards=[employer_only])
def import_page(request: Request) -> Template:
    """Where to download the template and upload a filled one."""
    member_of(request)
    return _upload_page()


@post("/employer/vacancies/import", sync_to_thread=True, guards=[employer_only])
def import_upload(request: Request, db: Session, data: UploadBody) -> Template | Redirect:
    """Check every row of the upload; the result waits server-side for confirmation."""
    user = member_of(request)
    upload = data.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _upload_page(error="请选择要上传的 .xlsx 文件", status_code=400)
    content = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        return _upload_page(error="文件超过5MB，请分成几个文件上传", status_code=400)
    try:
        batch = stage_import(session=db, employer_id=user.employer_id, user_id=user.id, filename=upload.filename,
                             content=content)
    except SheetError as exc:
        db.rollback()
        return _upload_page(error=exc.message, status_code=400)
    return Redirect(f"/employer/vacancies/import/{batch.token}", status_code=303)


@get("/employer/vacancies/import/{token:str}", sync_to_thread=True, guards=[employer_only])
def import_report(request: Request, db: Session, token: str) -> Template:
    """Every bad row with its row number, column and reason, and the confirm button for the good ones."""
    user = member_of(request)
    batch = get_import(session=db, token=token, employer_id=user.employer_id)
    return Template("employers/import_report.html", context={
        "batch": batch, "new": batch.count("new"), "imported": batch.count("imported"),
        "repeat": batch.count("repeat"), "flash": take_flash(request),
    })


@post("/employer/vacancies/import/{token:str}", sync_to_thread=True, guards=[employer_only])
def import_confirm(request: Request, db: Session, token: str, data: FormBody) -> Redirect:
    """Import the checked rows as drafts or submitted for review."""
    user = member_of(request)
    submit = form_text(data, "mode") == "submit"
    try:
        result = confirm_import(session=db, token=token, employer_id=user.employer_id, submit=submit)
    except DomainError as exc:
        db.rollback()
        if exc.code != "import.done":
            raise
        flash(request, exc.message)
        return Redirect(f"/employer/vacancies/import/{token}", status_code=303)
    text = f"已导入{result['created']}个岗位"
    if result["skipped"]:
        text += f"，跳过{result['skipped']}个已导入过的"
    if submit:
        text += f"，其中{result['submitted']}个已提交审核"
        if result["blocked"]:
            text += f"，{len(result['blocked'])}个因内容不合规留作草稿"
    flash(request, text + "。")
    return Redirect(f"/employer/vacancies/import/{token}", status_code=303)


@get("/employer/vacancies/export.xlsx", sync_to_thread=True, guards=[employer_only])
def employer_export(request: Request, db: Session, status: str = "") -> Response:
    """The employer's own vacancies (as filtered on the dashboard) as a spreadsheet."""
    user = member_of(request)
    vacancies = find_vacancies(session=db, employer_id=user.employer_id, status=status or None)
    counts = interest_counts(session=db, vacancy_ids=[v.id for v in vacancies])
    content = export_vacancies(session=db, vacancies=vacancies, interest_counts=counts)
    return xlsx_response(content, filename=f"本单位岗位_{today_local().isoformat()}.xlsx")


# One Router, so each handler is registered once: Litestar 2.25 wraps a sync handler in sync_to_thread again
# whenever a later handler joins its path, and a twice-wrapped handler returning a Response fails.
_PAGES = [
    template_download, import_page, import_upload, import_report, import_confirm, employer_export,
]
handlers = [Router(path="/", route_handlers=_PAGES)]
