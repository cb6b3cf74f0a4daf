"""Browser: a jobseeker fills in a profile on a phone, sees recommendations with reasons, dismisses one."""

import pytest

from support.matching import WELDER, ZETOU, _fresh_holders  # noqa: F401
from support.personas import PASSWORD, make_employer, make_published_vacancy, make_user

pytestmark = pytest.mark.browser


def test_profile_then_recommendations_then_not_interested(live_server, browser_page, db):
    user = make_user(db, role="jobseeker", name="张铁柱")
    make_published_vacancy(db, employer=make_employer(db), occupation_code=WELDER, town_code=ZETOU)
    page = browser_page
    page.goto(live_server + "/login")
    page.fill("#login", user.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto(live_server + "/me/profile")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.select_option("#village_code", value="371003107200")
    page.fill("#wanted_work", "电焊工")
    page.check("input[name=employment_types][value=全职]")
    page.check("input[name=consent]")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/me/recommendations?saved=1")
    assert page.get_by_role("heading", name="适合我的岗位").is_visible()
    assert "同镇 · 工种对口(焊工)" in page.inner_text(".reasons")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="不感兴趣").click()
    page.wait_for_url("**/me/recommendations?dismissed=1")
    assert page.locator(".rec").count() == 0
