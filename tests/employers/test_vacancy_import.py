"""Spreadsheet import in two steps (every row checked, then confirmed), re-upload without duplicates, and export."""

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func
from sqlmodel import select

from jobbridge.employers import excel
from jobbridge.employers.imports import VacancyImport, confirm_import, get_import, stage_import
from jobbridge.employers.models import Vacancy
from jobbridge.employers.vacancies import today_local
from jobbridge.errors import DomainError, NotFound
from support.employer_side import employer_with_member, login
from support.personas import make_employer

HEADERS = [excel.header_label(c) for c in excel.COLUMNS]
BAD_ROWS = {57: ("薪酬下限（元）", "必须填写薪酬"), 203: ("工作镇街", "火星镇"), 411: ("有效期至", "不存在")}


def _row(i: int) -> dict:
    until = today_local() + timedelta(days=20 + i % 60)
    return {
        "title": f"普工{i}号", "headcount": i % 9 + 1, "employment_type": "全职", "pay_kind": "月薪",
        "pay_low": 4000 + i, "pay_high": 6000 + i, "min_education": "初中", "experience": "不限",
        "description": f"第{i}车间流水线操作，按作业指导书装配零件。", "benefits": "五险一金、包吃",
        "town": "泽头镇", "working_hours": "8:00-17:00", "valid_until": until, "push_scope": "全区",
    }


def _sheet(rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = excel.DATA_SHEET
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(c.key, "") for c in excel.COLUMNS])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _five_hundred_with_three_bad() -> bytes:
    rows = [_row(i) for i in range(2, 502)]  # sheet rows 2..501
    rows[57 - 2]["pay_low"] = rows[57 - 2]["pay_high"] = ""
    rows[203 - 2]["town"] = "火星镇"
    rows[411 - 2]["valid_until"] = "2026-13-45"
    return _sheet(rows)


def _count(db, employer_id: int) -> int:
    return db.exec(select(func.count()).select_from(Vacancy).where(Vacancy.employer_id == employer_id)).one()


def test_five_hundred_rows_with_three_bad_report_exactly_those_then_import_497_and_reupload_adds_none(db):
    employer = make_employer(db)
    content = _five_hundred_with_three_bad()
    batch = stage_import(session=db, employer_id=employer.id, user_id=None, filename="岗位.xlsx", content=content)
    assert batch.total_rows == 500 and batch.bad_rows == sorted(BAD_ROWS)
    for problem in batch.problems:
        column, reason = BAD_ROWS[problem["row"]]
        assert problem["column"] == column and reason in problem["message"]
    assert len(batch.problems) == 3 and batch.count("new") == 497
    assert _count(db, employer.id) == 0  # nothing is imported before confirmation
    result = confirm_import(session=db, token=batch.token, employer_id=employer.id, submit=False)
    db.commit()
    assert result["created"] == 497 and _count(db, employer.id) == 497
    assert set(db.exec(select(Vacancy.status).where(Vacancy.employer_id == employer.id))) == {"draft"}
    again = stage_import(session=db, employer_id=employer.id, user_id=None, filename="岗位.xlsx", content=content)
    assert again.count("new") == 0 and again.count("imported") == 497
    assert confirm_import(session=db, token=again.token, employer_id=employer.id, submit=False)["created"] == 0
    db.commit()
    assert _count(db, employer.id) == 497


def test_same_row_twice_in_one_file_is_imported_once(db):
    employer = make_employer(db)
    batch = stage_import(session=db, employer_id=employer.id, user_id=None, filename="a.xlsx",
                         content=_sheet([_row(2), _row(2)]))
    assert [r["state"] for r in batch.rows] == ["new", "repeat"]
    assert confirm_import(session=db, token=batch.token, employer_id=employer.id, submit=False)["created"] == 1


def test_confirming_twice_is_refused(db):
    employer = make_employer(db)
    batch = stage_import(session=db, employer_id=employer.id, user_id=None, filename="a.xlsx", content=_sheet([_row(2)]))
    confirm_import(session=db, token=batch.token, employer_id=employer.id, submit=False)
    with pytest.raises(DomainError) as caught:
        confirm_import(session=db, token=batch.token, employer_id=employer.id, submit=False)
    assert "已经导入过" in caught.value.message


def test_imported_rows_can_be_submitted_and_blocked_ones_stay_drafts(db):
    employer = make_employer(db)
    rows = [_row(2), _row(3) | {"description": "流水线操作，限男性，需交押金300元。"}]
    batch = stage_import(session=db, employer_id=employer.id, user_id=None, filename="a.xlsx", content=_sheet(rows))
    result = confirm_import(session=db, token=batch.token, employer_id=employer.id, submit=True)
    assert result["created"] == 2 and result["submitted"] == 1 and result["blocked"][0]["row"] == 3
    statuses = dict(db.exec(select(Vacancy.title, Vacancy.status)).all())
    assert statuses == {"普工2号": "pending", "普工3号": "draft"}


def test_another_employer_cannot_see_or_confirm_an_upload(db):
    employer = make_employer(db)
    other = make_employer(db, name="另一家公司")
    batch = stage_import(session=db, employer_id=employer.id, user_id=None, filename="a.xlsx", content=_sheet([_row(2)]))
    with pytest.raises(NotFound):
        get_import(session=db, token=batch.token, employer_id=other.id)
    with pytest.raises(NotFound):
        confirm_import(session=db, token=batch.token, employer_id=other.id, submit=False)


def test_village_and_push_targets_are_read_by_name(db):
    employer = make_employer(db)
    row = _row(2) | {"push_scope": "指定镇街", "push_targets": "泽头镇、米山镇"}
    batch = stage_import(session=db, employer_id=employer.id, user_id=None, filename="a.xlsx", content=_sheet([row]))
    assert not batch.problems
    confirm_import(session=db, token=batch.token, employer_id=employer.id, submit=False)
    vacancy = db.exec(select(Vacancy)).one()
    assert vacancy.push_scope == "towns" and len(vacancy.push_codes) == 2


@pytest.mark.parametrize(("content", "message"), [
    (b"not a spreadsheet", "无法读取该文件"),
    (b"", "空的"),
])
def test_unreadable_upload_is_refused_in_chinese(db, content, message):
    employer = make_employer(db)
    with pytest.raises(excel.SheetError) as caught:
        stage_import(session=db, employer_id=employer.id, user_id=None, filename="a.xlsx", content=content)
    assert message in caught.value.message


def test_sheet_without_required_columns_names_them(db):
    employer = make_employer(db)
    workbook = Workbook()
    workbook.active.append(["岗位名称", "备注"])
    workbook.active.append(["电焊工", "x"])
    buffer = BytesIO()
    workbook.save(buffer)
    with pytest.raises(excel.SheetError) as caught:
        stage_import(session=db, employer_id=employer.id, user_id=None, filename="a.xlsx", content=buffer.getvalue())
    assert "岗位描述*" in caught.value.message and "工作镇街*" in caught.value.message


def test_template_has_chinese_header_dropdowns_and_instructions(client, db):
    _, member = employer_with_member(db)
    login(client, member)
    response = client.get("/employer/vacancies/template.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook[excel.DATA_SHEET]
    assert [c.value for c in sheet[1]] == HEADERS and sheet.max_row == 1
    lists = {str(v.sqref).split(":")[0][:-1]: v.formula1 for v in sheet.data_validations.dataValidation
             if v.type == "list"}
    letters = {c.key: chr(ord("A") + i) for i, c in enumerate(excel.COLUMNS)}
    for key in ("employment_type", "pay_kind", "min_education", "town", "push_scope"):
        assert letters[key] in lists
    assert excel.HELP_SHEET in workbook.sheetnames
    town_list = workbook[excel.LISTS_SHEET]
    assert "泽头镇" in [c.value for c in next(col for col in town_list.iter_cols() if col[0].value == "工作镇街")]


def test_upload_page_reports_bad_rows_and_confirm_imports_the_rest(client, db):
    employer, member = employer_with_member(db)
    token = login(client, member)
    rows = [_row(2), _row(3) | {"employment_type": "长期工"}, _row(4)]
    response = client.post("/employer/vacancies/import", data={"_csrf_token": token},
                           files={"file": ("岗位.xlsx", _sheet(rows), excel.XLSX_MEDIA_TYPE)}, follow_redirects=False)
    assert response.status_code == 303
    report = client.get(response.headers["location"]).text
    assert "第3行" in report and "用工形式" in report and "请选择用工形式" in report and "确认导入2个岗位" in report
    assert _count(db, employer.id) == 0
    client.post(response.headers["location"], data={"_csrf_token": token, "mode": "submit"}, follow_redirects=False)
    db.rollback()
    assert _count(db, employer.id) == 2
    assert "已导入2个岗位" in client.get(response.headers["location"]).text
    assert db.exec(select(VacancyImport)).one().status == "done"


def test_upload_of_a_non_spreadsheet_is_refused_on_the_page(client, db):
    _, member = employer_with_member(db)
    token = login(client, member)
    response = client.post("/employer/vacancies/import", data={"_csrf_token": token},
                           files={"file": ("a.csv", b"a,b,c", "text/csv")})
    assert response.status_code == 400 and "无法读取该文件" in response.text


def test_employer_export_holds_only_own_vacancies_in_template_columns(client, db):
    from support.personas import make_published_vacancy

    employer, member = employer_with_member(db)
    make_published_vacancy(db, employer=employer, title="本单位电焊工")
    make_published_vacancy(db, employer=make_employer(db, name="别家"), title="别家叉车工")
    login(client, member)
    response = client.get("/employer/vacancies/export.xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0][:len(HEADERS)]) == HEADERS
    assert [r[0] for r in rows[1:]] == ["本单位电焊工"] and "招聘中" in rows[1]


def test_exported_file_reads_back_as_valid_rows(db):
    from jobbridge.employers.imports import export_vacancies
    from support.personas import make_published_vacancy

    employer = make_employer(db)
    vacancy = make_published_vacancy(db, employer=employer)
    content = export_vacancies(session=db, vacancies=[vacancy], interest_counts={})
    batch = stage_import(session=db, employer_id=employer.id, user_id=None, filename="export.xlsx", content=content)
    assert not batch.problems and batch.count("new") == 1
