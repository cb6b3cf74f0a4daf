"""Browser: staff register a graduate at the window, print the 明白纸 to PDF, and the graduate sees the same."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from support.graduates import id_number, seed_catalogue
from support.personas import PASSWORD, make_employer, make_published_vacancy, make_user, phone

pytestmark = pytest.mark.browser


# Radical-supplement code points some simplified glyphs extract as; NFKC does not fold these.
RADICALS = str.maketrans({"⻅": "见", "⻘": "青", "⻓": "长", "⻔": "门", "⻛": "风", "⻜": "飞", "⻢": "马", "⻋": "车",
                          "⻉": "贝", "⻚": "页", "⻩": "黄", "⻥": "鱼", "⻬": "齐", "⻰": "龙", "⻮": "齿"})


def pdf_text(reader: PdfReader) -> str:
    """All text without whitespace; folds the Kangxi radicals some CJK glyphs extract as (⾼ → 高, ⻅ → 见)."""
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages)).translate(RADICALS)
    return "".join(text.split())


def _embedded(font) -> tuple[str, bool]:  # noqa: ANN001
    """(font name, embedded?) for one simple or descendant font."""
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor else {}
    name = str(descriptor.get("/FontName") or font.get("/BaseFont"))
    if font.get("/Subtype") == "/Type3":
        # Skia writes CFF-flavoured CJK fonts as Type 3: each glyph's outline is a procedure inside the PDF.
        wanted = {g for g in font["/Encoding"].get_object().get("/Differences", []) if isinstance(g, str)}
        return name, bool(wanted) and wanted <= set(font["/CharProcs"].get_object())
    return name, any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def pdf_fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font the pages use, descendant fonts of composite fonts included."""
    found = []
    for page in reader.pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            font = ref.get_object()
            leaves = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            found.extend(_embedded(leaf) for leaf in leaves)
    return found


def test_window_registration_sheet_pdf_and_graduate_login(live_server, browser_page, db):
    seed_catalogue(db)
    staff = make_user(db, role="staff", name="王丽", window="3号窗口", office_phone="0631-8452001")
    make_published_vacancy(db, employer=make_employer(db), title="机械设计见习生", employment_type="就业见习岗位",
                           min_education="大专", skills="CAD 机械制图", description="参与机械零部件设计，导师带教，期满择优留用。")
    graduate_phone = phone()
    page = browser_page

    # Staff sign in and register the graduate at the window.
    page.goto(live_server + "/login?next=/staff/graduates")
    page.fill("#login", staff.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/graduates")
    page.get_by_role("link", name="窗口登记新毕业生").click()
    page.fill("#name", "刘洋")
    page.fill("#id_number", id_number(date(2004, 3, 15)))
    page.fill("#phone", graduate_phone)
    page.fill("#password", PASSWORD)
    page.fill("#school", "山东大学（威海）")
    page.fill("#major", "机械设计制造及其自动化")
    page.select_option("#degree", "本科")
    page.fill("#graduation_date", "2026-06-30")
    page.check("input[name=hukou_in_district][value='是']")
    page.check("input[name=intent][value='就业']")
    page.fill("#preferred_work", "机械设计")
    page.check("input[name=hardship_consent]")
    page.check("input[name=hardship][value='国家助学贷款']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="提交登记").click()
    page.wait_for_url("**/graduates/*?new=1")
    assert page.get_by_text("档案登记已受理").is_visible()
    file_url = page.url.split("?")[0]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Print the follow-up sheet: Chromium renders it to an A4 PDF with the fonts embedded.
    page.get_by_role("link", name="打印明白纸").click()
    page.wait_for_url("**/sheet")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    compact = pdf_text(pdf)
    for expected in ("高校毕业生服务明白纸", "刘洋", "档案状态", "待转入", "就业见习补贴", "一次性创业补贴",
                     "推荐岗位", "首问负责人", "王丽", "3号窗口", "0631-8452001"):
        assert expected in compact, expected
    assert "机械设计见习生" in compact
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert any("NotoSansCJK" in name for name, _ in fonts), fonts
    sheet_policies = [line for line in ("就业见习补贴", "一次性创业补贴", "青年人才生活补贴") if line in compact]

    # The graduate signs in and sees the same file, policies and contact card.
    page.goto(live_server + "/staff/graduates")
    page.get_by_role("button", name="退出").click()
    page.goto(live_server + "/login?next=/graduates")
    page.fill("#login", graduate_phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(file_url)
    body = "".join(page.inner_text("main").split())
    for expected in ("刘洋", "待转入", "王丽", "3号窗口", "0631-8452001", "国家助学贷款获得者", *sheet_policies):
        assert expected in body, expected
    assert "机械设计见习生" in body
    page.get_by_role("link", name="打印明白纸").click()
    page.wait_for_url("**/sheet")
    own = pdf_text(PdfReader(io.BytesIO(page.pdf(format="A4"))))
    assert "刘洋" in own and "王丽" in own
