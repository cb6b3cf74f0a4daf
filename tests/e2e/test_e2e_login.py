"""Browser: a visitor reaches the home page, staff log in and log out."""

import pytest

from support.personas import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_home_then_staff_login_then_logout(live_server, browser_page, db):
    staff = make_user(db, role="staff", name="王丽")
    page = browser_page
    page.goto(live_server + "/")
    assert "就业桥" in page.title()
    page.get_by_text("工作人员登录").click()
    page.fill("#login", staff.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff")
    assert page.get_by_role("heading", name="综合柜员工作台").is_visible()
    # The page must fit a 360-px phone without sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(live_server + "/")
    assert page.get_by_role("link", name="登录").first.is_visible()
    page.goto(live_server + "/staff")
    assert "/login" in page.url
