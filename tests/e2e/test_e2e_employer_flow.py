"""Browser: an employer registers, staff verify, the employer posts, staff approve, a villager registers
interest on the public list, and the employer records 已录用 — all on a 360-px phone screen."""

from datetime import timedelta

import pytest

from jobbridge.employers.vacancies import today_local
from support.personas import PASSWORD, make_user, uscc

pytestmark = pytest.mark.browser

MEMBER_PHONE = "13963100031"
MEMBER_PASSWORD = "employer-pass-1"


def _fits_phone(page) -> None:  # noqa: ANN001
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _sign_in(page, base: str, login: str, password: str) -> None:  # noqa: ANN001
    page.goto(base + "/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _sign_out(page) -> None:  # noqa: ANN001
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def test_employer_to_hire_on_a_phone(live_server, browser_page, db):
    staff = make_user(db, role="staff", name="王丽")
    page, base = browser_page, live_server

    # The employer registers itself and its first account, and lands on its dashboard.
    page.goto(base + "/employer")
    page.get_by_role("link", name="注册单位").first.click()
    _fits_phone(page)
    page.fill("#name", "文登区鑫达食品有限公司")
    page.fill("#uscc", "91371003MA3C000000")  # a wrong check character first
    page.select_option("#town_code", "371003107")
    page.fill("#contact_name", "孙女士")
    page.fill("#contact_phone", "0631-8451234")
    page.fill("#member_name", "孙丽")
    page.fill("#member_phone", MEMBER_PHONE)
    page.fill("#password", MEMBER_PASSWORD)
    page.get_by_role("button", name="提交注册").click()
    assert page.get_by_text("统一社会信用代码校验位错误").is_visible()
    assert page.input_value("#name") == "文登区鑫达食品有限公司"
    page.fill("#uscc", uscc())
    page.fill("#password", MEMBER_PASSWORD)
    page.get_by_role("button", name="提交注册").click()
    page.wait_for_url(base + "/employer")
    assert page.get_by_text("待审核").first.is_visible()
    _sign_out(page)

    # Staff verify the employer.
    _sign_in(page, base, staff.phone, PASSWORD)
    page.goto(base + "/staff/employers?status=pending")
    page.get_by_role("button", name="通过认证").click()
    assert page.get_by_text("已认证“文登区鑫达食品有限公司”").is_visible()
    _fits_phone(page)
    _sign_out(page)

    # The employer posts a vacancy and submits it for review.
    _sign_in(page, base, MEMBER_PHONE, MEMBER_PASSWORD)
    page.goto(base + "/employer/vacancies/new")
    _fits_phone(page)
    page.fill("#title", "食品包装工")
    page.fill("#pay_low", "4200")
    page.fill("#pay_high", "5500")
    page.check("input[name=benefits][value='包吃']")
    page.fill("#description", "负责食品装袋、封口和装箱，按车间安排轮班，岗前有培训。")
    page.fill("#working_hours", "8:00-17:00，月休4天")
    page.select_option("#town_code", "371003107")
    page.fill("#valid_until", (today_local() + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(base + "/employer")
    assert page.get_by_text("已提交审核").first.is_visible()
    _fits_phone(page)
    _sign_out(page)

    # Staff approve it from the review queue.
    _sign_in(page, base, staff.phone, PASSWORD)
    page.goto(base + "/staff/vacancies")
    page.get_by_role("link", name="食品包装工").click()
    assert page.get_by_text("首次提交").is_visible()
    page.get_by_role("button", name="通过并发布").click()
    assert page.get_by_text("已通过“食品包装工”").is_visible()
    _sign_out(page)

    # A villager finds it on the public list and registers interest.
    page.goto(base + "/vacancies")
    page.get_by_role("link", name="食品包装工").first.click()
    page.fill("#name", "王大山")
    page.fill("#phone", "13863100077")
    page.get_by_role("button", name="提交报名").click()
    assert page.get_by_role("heading", name="报名成功").is_visible()

    # The employer sees the applicant with full contacts and records the hire.
    _sign_in(page, base, MEMBER_PHONE, MEMBER_PASSWORD)
    page.goto(base + "/employer")
    page.get_by_role("link", name="报名名单（1）").click()
    assert page.get_by_text("13863100077").is_visible()
    page.select_option("select[name=status]", "已录用")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text("已将王大山的跟进情况记为“已录用”").is_visible()
    _fits_phone(page)
