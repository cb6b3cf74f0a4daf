"""Browser: an employer books a booth, a visitor pre-registers on a phone, staff check the visitor in at the door."""

import re

import pytest

from support.fairs import fresh_matching, make_exhibitor, make_fair  # noqa: F401
from support.personas import PASSWORD, make_user

pytestmark = pytest.mark.browser


def _sign_in(page, base: str, user, next_path: str) -> None:
    page.goto(f"{base}/login?next={next_path}")
    page.fill("#login", user.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{next_path}")


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.usefixtures("fresh_matching")
def test_employer_books_visitor_registers_staff_checks_in(live_server, browser_page, db):
    fair = make_fair(db, title="2026年冬季招聘会", booth_capacity=6)
    employer, vacancy, member = make_exhibitor(db, name="文登宏达机械有限公司", title="数控车工")
    staff = make_user(db, role="staff", name="王丽")
    page = browser_page

    # The employer books a booth, presenting its vacancy.
    _sign_in(page, live_server, member, f"/fairs/{fair.id}/booth")
    page.get_by_label("数控车工（招3人）").check()
    page.get_by_role("button", name="提交预订").click()
    page.wait_for_url("**/employer/fairs?done=booked")
    assert page.get_by_text("1号展位").first.is_visible()
    assert _fits_the_phone(page)
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(live_server + "/")

    # A visitor finds the fair in the calendar and pre-registers on the phone-sized screen.
    page.goto(live_server + "/fairs")
    assert _fits_the_phone(page)
    page.get_by_role("link", name="查看详情、报名").click()
    assert page.get_by_text("文登宏达机械有限公司").first.is_visible()
    assert _fits_the_phone(page)
    page.get_by_role("link", name="求职者免费报名").click()
    page.get_by_label("姓名").fill("李明")
    page.get_by_label("手机号").fill("13800138000")
    page.get_by_label("您住在哪个镇街（选填）").select_option(label="泽头镇")
    page.get_by_label("想找什么工作（选填，可填多个）").fill("车工")
    page.get_by_role("button", name="报名，领取入场码").click()
    page.wait_for_url(re.compile(r".*/pass/.*"))
    assert page.locator(".qr svg").is_visible()
    code = page.get_by_label("签到码").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert page.get_by_text("文登宏达机械有限公司").first.is_visible()  # suggested: it hires 车工
    assert _fits_the_phone(page)

    # Staff at the door open the link the QR code holds and check the visitor in.
    _sign_in(page, live_server, staff, f"/staff/fairs/{fair.id}/checkin?code={code}")
    assert page.get_by_label("签到码（扫码自动填入，或输入6位数字）").input_value() == code
    page.get_by_role("button", name="签到", exact=True).click()
    assert page.get_by_role("status").filter(has_text="签到成功").is_visible()
    assert page.get_by_text("李明").first.is_visible()
    assert _fits_the_phone(page)
