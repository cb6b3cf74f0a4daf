"""Public vacancy pages: the list with filters, facets and pages; the detail page; 我要报名; my registrations."""

import re

from sqlmodel import select

from jobbridge.employers.interest import register_interest, set_outcome
from jobbridge.employers.models import Interest
from jobbridge.employers.service import suspend_employer
from jobbridge_web.routes import vacancies as vacancy_routes
from support.browse import DASHUIPO, DASHUIPO_VILLAGE, WENDENGYING, ZETOU, public_vacancy
from support.employer_side import csrf, employer_with_member, login, post_form
from support.personas import make_user


def _interest_form(client, vacancy_id, **fields):
    token = csrf(client, f"/vacancies/{vacancy_id}")
    return post_form(client, f"/vacancies/{vacancy_id}/interest", {"name": "王大山", "phone": "13863100077", **fields},
                     token)


def test_list_shows_each_card_with_pay_place_type_and_benefits(client, db):
    public_vacancy(db, title="电焊工", town_code=DASHUIPO, village_code=DASHUIPO_VILLAGE, pay_low=5000,
                   pay_high=7000, employment_type="全职", benefits=["五险一金", "包吃"])
    page = client.get("/vacancies")
    assert page.status_code == 200
    for text in ("电焊工", "5000-7000元/月", "大水泊镇 · 大水泊村", "全职", "<li>五险一金</li>", "<li>包吃</li>",
                 "文登测试机械有限公司", "<b>1</b> 个岗位"):
        assert text in page.text


def test_filter_form_works_by_get_and_keeps_the_chosen_values(client, db):
    public_vacancy(db, title="电焊工", town_code=ZETOU)
    public_vacancy(db, title="保洁员", town_code=DASHUIPO, description="负责车间卫生清洁工作，工作轻松。", skills="")
    page = client.get("/vacancies", params={"town": ZETOU, "q": "焊", "benefits": ["包吃"]})
    assert "电焊工" in page.text and "保洁员" not in page.text
    assert f'<option value="{ZETOU}" selected>' in page.text and 'value="焊"' in page.text
    assert re.search(r'name="benefits" value="包吃"\s+checked', page.text)


def test_facet_counts_are_links_that_add_the_filter(client, db):
    public_vacancy(db, town_code=ZETOU)
    public_vacancy(db, town_code=ZETOU)
    public_vacancy(db, town_code=DASHUIPO)
    page = client.get("/vacancies", params={"q": "焊"}).text
    assert re.search(rf'href="/vacancies\?q=%E7%84%8A&amp;town={ZETOU}"[^>]*>泽头镇<small>2</small>', page)
    assert re.search(rf'href="/vacancies\?q=%E7%84%8A&amp;town={DASHUIPO}"[^>]*>大水泊镇<small>1</small>', page)


def test_pages_link_to_the_next_and_previous(client, db, monkeypatch):
    monkeypatch.setattr(vacancy_routes, "PAGE_SIZE", 2)
    for _ in range(5):
        public_vacancy(db)
    first = client.get("/vacancies").text
    assert "1 / 3" in first and 'href="/vacancies?page=2" rel="next"' in first
    second = client.get("/vacancies", params={"page": "2"}).text
    assert 'href="/vacancies?page=1" rel="prev"' in second and 'href="/vacancies?page=3" rel="next"' in second


def test_bad_filter_re_renders_the_form_with_a_chinese_400(client, db):
    page = client.get("/vacancies", params={"min_pay": "很多", "q": "电工"})
    assert page.status_code == 400
    assert "最低月薪应填写整数" in page.text and 'value="电工"' in page.text


def test_bad_page_number_is_a_chinese_400(client, db):
    page = client.get("/vacancies", params={"page": "abc"})
    assert page.status_code == 400 and "页码" in page.text


def test_near_me_shows_the_distance_band_on_each_card(client, db):
    public_vacancy(db, town_code=WENDENGYING)
    home = public_vacancy(db, town_code=DASHUIPO, village_code=DASHUIPO_VILLAGE)
    page = client.get("/vacancies", params={"near": DASHUIPO_VILLAGE}).text
    assert page.index('class="band">本村') < page.index('class="band">邻镇')
    # The detail link carries the village on, so a registration from here records it.
    assert f'href="/vacancies/{home.id}?v={DASHUIPO_VILLAGE}"' in page


def test_detail_has_tap_to_call_address_hours_requirements_and_the_form(client, db):
    vacancy = public_vacancy(db, address="泽头镇工业园8号", working_hours="8:00-17:00，月休4天", min_education="初中",
                             skills="二氧化碳保护焊", benefits=["五险一金"])
    page = client.get(f"/vacancies/{vacancy.id}")
    assert page.status_code == 200
    assert 'href="tel:06318451234"' in page.text and "0631-8451234" in page.text
    for text in ("泽头镇工业园8号", "8:00-17:00，月休4天", "初中及以上", "二氧化碳保护焊", "五险一金",
                 "文登测试机械有限公司", "我要报名", 'name="name"', 'name="phone"', "_csrf_token"):
        assert text in page.text


def test_detail_of_a_suspended_employers_vacancy_is_a_chinese_404(client, db):
    vacancy = public_vacancy(db)
    suspend_employer(session=db, employer_id=vacancy.employer_id, reason="暂停")
    db.commit()
    page = client.get(f"/vacancies/{vacancy.id}")
    assert page.status_code == 404 and "没有找到该岗位" in page.text


def test_owner_may_preview_a_vacancy_that_is_not_public(client, db):
    employer, member = employer_with_member(db)
    vacancy = public_vacancy(db, employer=employer)
    vacancy.status = "closed"
    db.add(vacancy)
    db.commit()
    login(client, member)
    page = client.get(f"/vacancies/{vacancy.id}")
    assert page.status_code == 200 and "此岗位当前不公开" in page.text and "提交报名" not in page.text


def test_registering_says_what_happens_next(client, db):
    vacancy = public_vacancy(db)
    page = _interest_form(client, vacancy.id)
    assert page.status_code == 200 and "报名成功" in page.text and "138****0077" in page.text
    assert "打电话联系您" in page.text
    interest = db.exec(select(Interest)).one()
    assert (interest.name, interest.phone, interest.via) == ("王大山", "13863100077", "self")


def test_registering_twice_says_already_registered(client, db):
    vacancy = public_vacancy(db)
    _interest_form(client, vacancy.id)
    page = _interest_form(client, vacancy.id)
    assert page.status_code == 200 and "已报名" in page.text and "不用重复报名" in page.text
    assert len(db.exec(select(Interest)).all()) == 1


def test_bad_phone_re_renders_with_the_error_and_the_input_kept(client, db):
    vacancy = public_vacancy(db)
    page = _interest_form(client, vacancy.id, name="王大山", phone="1386310")
    assert page.status_code == 400
    assert "手机号码应为11位数字" in page.text and 'value="1386310"' in page.text and 'value="王大山"' in page.text
    assert db.exec(select(Interest)).first() is None


def test_village_in_the_link_is_stored_with_the_registration(client, db):
    vacancy = public_vacancy(db)
    page = client.get(f"/vacancies/{vacancy.id}", params={"v": DASHUIPO_VILLAGE}).text
    assert f'name="v" value="{DASHUIPO_VILLAGE}"' in page
    _interest_form(client, vacancy.id, v=DASHUIPO_VILLAGE)
    assert db.exec(select(Interest)).one().village_code == DASHUIPO_VILLAGE


def test_unknown_village_in_the_link_is_ignored(client, db):
    vacancy = public_vacancy(db)
    assert 'name="v"' not in client.get(f"/vacancies/{vacancy.id}", params={"v": "bogus"}).text
    assert _interest_form(client, vacancy.id, v="bogus").status_code == 200
    assert db.exec(select(Interest)).one().village_code is None


def test_registering_without_csrf_token_is_refused(client, db):
    vacancy = public_vacancy(db)
    response = client.post(f"/vacancies/{vacancy.id}/interest", data={"name": "王大山", "phone": "13863100077"})
    assert response.status_code == 403


def test_signed_in_jobseeker_gets_a_prefilled_form_and_a_linked_registration(client, db):
    person = make_user(db, role="jobseeker", name="王大山")
    vacancy = public_vacancy(db)
    login(client, person)
    page = client.get(f"/vacancies/{vacancy.id}").text
    assert 'value="王大山"' in page and f'value="{person.phone}"' in page
    _interest_form(client, vacancy.id, phone=person.phone)
    assert db.exec(select(Interest)).one().user_id == person.id


def test_coordinator_registering_on_the_page_is_recorded_as_coordinator(client, db):
    coordinator = make_user(db, role="coordinator", name="村协理员")
    vacancy = public_vacancy(db)
    login(client, coordinator)
    _interest_form(client, vacancy.id)
    interest = db.exec(select(Interest)).one()
    assert (interest.via, interest.registered_by, interest.user_id) == ("coordinator", coordinator.id, None)


def test_my_interests_lists_registrations_with_their_status(client, db):
    person = make_user(db, role="jobseeker", name="王大山")
    vacancy = public_vacancy(db, title="装配工")
    interest, _ = register_interest(session=db, vacancy_id=vacancy.id, name="王大山", phone=person.phone,
                                    via="coordinator")
    set_outcome(session=db, interest_id=interest.id, employer_id=vacancy.employer_id, status="已面试")
    db.commit()
    login(client, person)
    page = client.get("/me/interests")
    assert page.status_code == 200 and "装配工" in page.text and "已面试" in page.text


def test_my_interests_sends_anonymous_visitors_to_login(client, db):
    response = client.get("/me/interests", follow_redirects=False)
    assert response.status_code in (302, 303, 307) and response.headers["location"].startswith("/login")


def test_my_interests_is_refused_to_employers(client, db):
    _, member = employer_with_member(db)
    login(client, member)
    assert client.get("/me/interests").status_code == 403


def test_tel_link_dials_mobiles_landlines_and_extensions():
    assert vacancy_routes.tel_href("13863100077") == "tel:13863100077"
    assert vacancy_routes.tel_href("0631-8451234") == "tel:06318451234"
    assert vacancy_routes.tel_href("0631-8451234-12") == "tel:06318451234,12"
