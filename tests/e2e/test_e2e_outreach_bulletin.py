"""Browser: a village bulletin printed to PDF by Chromium carries Chinese text, embedded fonts and working QR codes;
the village feed fits a phone and takes a registration."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlmodel import select

from jobbridge.config import get_settings
from jobbridge.employers.models import Interest
from jobbridge.geo.models import Village
from jobbridge.outreach.models import ReachEvent
from jobbridge.outreach.notices import paper_url
from jobbridge.outreach.targeting import run_push
from support.outreach import villages_of_town
from support.personas import make_employer, make_published_vacancy

pytestmark = pytest.mark.browser
HOUJIA = "371003105"
TITLES = ["电焊工", "装配普工", "叉车司机", "海参加工工", "质检员", "仓库管理员", "保洁员", "厨师", "货车司机"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is needed (apt-get install poppler-utils zbar-tools)"
    return path


def _seed(db, engine) -> tuple[str, list[int]]:
    home = villages_of_town(db, HOUJIA)[0]
    employer = make_employer(db, name="文登海洋食品有限公司", town=HOUJIA)
    ids = [make_published_vacancy(db, employer=employer, town_code=HOUJIA, title=t,
                                  village_code=home if i < 3 else "").id for i, t in enumerate(TITLES)]
    run_push(engine=engine)
    return home, ids


def test_bulletin_pdf_has_chinese_text_embedded_fonts_and_qr_codes_to_the_right_urls(live_server, browser_page, db,
                                                                                      engine, tmp_path: Path):
    home, ids = _seed(db, engine)
    village_name = db.get(Village, home).short_name
    page = browser_page
    page.goto(f"{live_server}/villages/{home}/bulletin")
    page.evaluate("document.fonts.ready")
    pdf = tmp_path / "bulletin.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)

    text = subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert f"{village_name}招聘信息" in text and "扫码报名" in text
    assert all(title in text for title in TITLES) and "5000-7000元/月" in text

    fonts = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    # Columns end with: emb sub uni object ID. Chromium embeds the CFF-based Noto CJK glyphs as Type 3 fonts.
    assert rows and all(row[-5] == "yes" for row in rows), fonts

    subprocess.run([_tool("pdftoppm"), "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    decoded: set[str] = set()
    for image in sorted(tmp_path.glob("page*.png")):
        result = subprocess.run([_tool("zbarimg"), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                                capture_output=True, text=True)
        decoded |= {line.strip() for line in result.stdout.splitlines() if line.strip()}
    assert decoded == {paper_url(vacancy_id=i, village_code=home) for i in ids}

    # A scan opens the vacancy for that village and is counted for it.
    scanned = sorted(decoded)[0].replace(get_settings().base_url, live_server)
    page.goto(scanned)
    assert f"?v={home}" in page.url and "/vacancies/" in page.url
    db.rollback()
    event = db.exec(select(ReachEvent)).one()
    assert event.village_code == home and event.source == "qr"


def test_bulletin_fits_one_a4_page_for_nine_vacancies(live_server, browser_page, db, engine, tmp_path: Path):
    home, _ = _seed(db, engine)
    browser_page.goto(f"{live_server}/villages/{home}/bulletin")
    pdf = tmp_path / "b.pdf"
    browser_page.pdf(path=str(pdf), format="A4", print_background=True)
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info) and "(A4)" in info


def test_village_feed_fits_a_phone_and_takes_a_registration(live_server, browser_page, db, engine):
    home, ids = _seed(db, engine)
    page = browser_page
    page.goto(f"{live_server}/villages/{home}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    card = page.locator(f"#v{ids[0]}")
    assert card.get_by_role("link", name="打电话").get_attribute("href") == "tel:06318451234"
    card.get_by_label("姓名").fill("王大娘")
    card.get_by_label("手机号").fill("13912345678")
    card.get_by_role("button", name="我要报名").click()
    page.wait_for_load_state()
    assert "报名成功" in page.content(), page.inner_text("main")[:600]
    db.rollback()
    interest = db.exec(select(Interest)).one()
    assert interest.vacancy_id == ids[0] and interest.village_code == home
