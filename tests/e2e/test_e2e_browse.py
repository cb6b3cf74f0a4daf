"""Browser: a jobseeker on a 360-px phone filters vacancies, opens one, sees tap-to-call and registers."""

import pytest

from support.browse import DASHUIPO, DASHUIPO_VILLAGE, ZETOU, public_vacancy

pytestmark = pytest.mark.browser


def _fits_phone(page) -> bool:  # noqa: ANN001
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_browse_filter_open_call_and_register_on_a_phone(live_server, browser_page, db):
    public_vacancy(db, title="电焊工（包吃住，月休4天，长期稳定）", town_code=ZETOU, benefits=["五险一金", "包吃", "包住"])
    public_vacancy(db, title="保洁员", town_code=DASHUIPO, village_code=DASHUIPO_VILLAGE, skills="",
                   description="负责车间卫生清洁工作，工作轻松。")
    page = browser_page
    page.goto(live_server + "/vacancies")
    assert page.get_by_role("heading", name="找工作").is_visible()
    assert _fits_phone(page)

    page.select_option("#town", ZETOU)
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/vacancies?*town=371003107*")
    assert page.get_by_role("link", name="电焊工（包吃住，月休4天，长期稳定）").is_visible()
    assert page.get_by_role("link", name="保洁员").count() == 0
    assert _fits_phone(page)

    page.get_by_role("link", name="电焊工（包吃住，月休4天，长期稳定）").click()
    page.wait_for_url("**/vacancies/*")
    call = page.locator("a.call")
    assert call.is_visible() and call.get_attribute("href") == "tel:06318451234"
    assert call.bounding_box()["height"] >= 48
    assert _fits_phone(page)

    page.fill("#name", "王大山")
    page.fill("#phone", "1386310")
    page.get_by_role("button", name="提交报名").click()
    assert page.get_by_text("手机号码应为11位数字").is_visible()
    assert page.input_value("#phone") == "1386310" and page.input_value("#name") == "王大山"

    page.fill("#phone", "13863100077")
    page.get_by_role("button", name="提交报名").click()
    assert page.get_by_role("heading", name="报名成功").is_visible()
    assert _fits_phone(page)


def test_near_me_list_with_open_filters_fits_a_phone(live_server, browser_page, db):
    public_vacancy(db, town_code=DASHUIPO, village_code=DASHUIPO_VILLAGE)
    public_vacancy(db, town_code=ZETOU)
    page = browser_page
    page.goto(f"{live_server}/vacancies?near={DASHUIPO_VILLAGE}&town={DASHUIPO}&benefits=包吃")
    assert page.locator(".band").first.inner_text() == "本村"
    assert "已选2项" in page.locator("form.filter-form summary").inner_text()
    assert _fits_phone(page)
