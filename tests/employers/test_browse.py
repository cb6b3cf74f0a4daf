"""Searching public vacancies: what is public, every filter, near-me order, sorting, pages, facets, bad input."""

from datetime import timedelta

import pytest

from jobbridge.employers import browse
from jobbridge.employers.browse import VacancyFilters, search_vacancies
from jobbridge.employers.service import suspend_employer
from jobbridge.employers.vacancies import create_vacancy, today_local
from jobbridge.errors import DomainError
from support.browse import (
    DASHUIPO,
    DASHUIPO_OTHER_VILLAGE,
    DASHUIPO_VILLAGE,
    GAOCUN,
    WENDENGYING,
    ZETOU,
    public_vacancy,
)
from support.personas import make_employer, vacancy_input


def _ids(db, **filters):
    return [card.id for card in search_vacancies(session=db, filters=VacancyFilters(**filters), page_size=50).items]


def test_only_published_vacancies_of_verified_employers_are_listed(db):
    shown = public_vacancy(db)
    create_vacancy(session=db, employer_id=shown.employer_id, data=vacancy_input(occupation_code="6-18-02-04"))
    unverified = make_employer(db, name="未认证的公司", verified=False)
    create_vacancy(session=db, employer_id=unverified.id, data=vacancy_input(occupation_code="6-18-02-04"))
    db.commit()
    assert _ids(db) == [shown.id]


def test_suspended_employers_vacancies_disappear_at_once(db):
    kept = public_vacancy(db)
    gone = public_vacancy(db)
    suspend_employer(session=db, employer_id=gone.employer_id, reason="虚假招聘")
    db.commit()
    assert _ids(db) == [kept.id]


def test_vacancy_past_its_valid_until_date_is_not_listed(db):
    current = public_vacancy(db)
    expired = public_vacancy(db)
    expired.valid_until = today_local() - timedelta(days=1)
    db.add(expired)
    db.commit()
    assert _ids(db) == [current.id]


def test_vacancy_valid_until_today_is_still_listed(db):
    vacancy = public_vacancy(db)
    vacancy.valid_until = today_local()
    db.add(vacancy)
    db.commit()
    assert _ids(db) == [vacancy.id]


def test_town_filter_keeps_only_that_towns_vacancies(db):
    here = public_vacancy(db, town_code=ZETOU)
    public_vacancy(db, town_code=DASHUIPO)
    assert _ids(db, town=ZETOU) == [here.id]


def test_village_filter_keeps_only_that_villages_vacancies(db):
    here = public_vacancy(db, town_code=DASHUIPO, village_code=DASHUIPO_VILLAGE)
    public_vacancy(db, town_code=DASHUIPO, village_code=DASHUIPO_OTHER_VILLAGE)
    public_vacancy(db, town_code=DASHUIPO)
    assert _ids(db, village=DASHUIPO_VILLAGE) == [here.id]


def test_keyword_matches_title_skills_or_description(db):
    by_title = public_vacancy(db, title="叉车司机", skills="", description="负责仓库货物装卸和搬运工作。")
    by_skills = public_vacancy(db, title="仓库管理员", skills="会开叉车", description="负责仓库收发货和盘点工作。")
    by_text = public_vacancy(db, title="装卸工", skills="", description="使用叉车装卸货物，按班组安排出车。")
    public_vacancy(db, title="保洁员", skills="", description="负责办公区域的日常清洁卫生工作。")
    assert set(_ids(db, q="叉车")) == {by_title.id, by_skills.id, by_text.id}


def test_keyword_is_case_insensitive_for_latin_letters(db):
    vacancy = public_vacancy(db, title="CAD制图员", skills="", description="使用CAD绘制机械零件图纸，配合技术部工作。")
    assert _ids(db, q="cad") == [vacancy.id]


def test_every_keyword_separated_by_spaces_must_match(db):
    both = public_vacancy(db, title="电焊工", skills="氩弧焊", description="负责钢结构焊接，包吃住。")
    public_vacancy(db, title="电焊工", skills="二保焊", description="负责钢结构焊接工作，按图施工。")
    assert _ids(db, q="电焊 氩弧") == [both.id]


def test_keyword_with_like_wildcards_is_taken_literally(db):
    public_vacancy(db, title="普工", skills="", description="流水线操作工，工作简单易上手。")
    assert _ids(db, q="%") == [] and _ids(db, q="_") == []


def test_occupation_major_code_keeps_that_major_class(db):
    welder = public_vacancy(db, occupation_code="6-18-02-04")
    public_vacancy(db, title="保安员", occupation_code="4-07-05-01", description="负责厂区门岗值守和巡逻工作。")
    assert _ids(db, occupation="6") == [welder.id]


def test_occupation_code_prefix_and_full_code_match(db):
    welder = public_vacancy(db, occupation_code="6-18-02-04")
    public_vacancy(db, title="喷涂工", occupation_code="6-18-03-04", description="负责零件表面喷涂作业，穿戴防护用品。")
    assert _ids(db, occupation="6-18-02") == [welder.id]
    assert _ids(db, occupation="6-18-02-04") == [welder.id]
    assert len(_ids(db, occupation="6-18")) == 2


def test_occupation_keyword_matches_the_classification_name(db):
    coded = public_vacancy(db, title="钢构技工", skills="", description="钢结构件拼装，按图纸施工。",
                           occupation_code="6-18-02-04")
    public_vacancy(db, title="保安员", skills="", occupation_code="4-07-05-01", description="负责厂区门岗值守和巡逻。")
    assert _ids(db, occupation="焊工") == [coded.id]


def test_employment_type_filter(db):
    part_time = public_vacancy(db, employment_type="兼职")
    public_vacancy(db, employment_type="全职")
    assert _ids(db, employment_type="兼职") == [part_time.id]


def test_minimum_pay_uses_the_monthly_maximum_or_else_the_minimum(db):
    reaches = public_vacancy(db, pay_low=4000, pay_high=6500)
    from_only = public_vacancy(db, pay_low=6200, pay_high=None)
    public_vacancy(db, pay_low=3000, pay_high=4500)
    daily = public_vacancy(db, pay_kind="日薪", pay_low=300, pay_high=None)  # 300 × 22 = 6600 a month
    assert set(_ids(db, min_pay="6000")) == {reaches.id, from_only.id, daily.id}


def test_education_filter_keeps_vacancies_asking_no_more_than_the_person_has(db):
    any_level = public_vacancy(db, min_education="不限")
    junior = public_vacancy(db, min_education="初中")
    public_vacancy(db, min_education="大专")
    assert set(_ids(db, education="高中/中专")) == {any_level.id, junior.id}
    assert _ids(db, education="不限") == [any_level.id]


def test_benefits_filter_requires_every_selected_benefit(db):
    both = public_vacancy(db, benefits=["五险一金", "包住", "包吃"])
    public_vacancy(db, benefits=["五险一金"])
    public_vacancy(db, benefits=["包住"])
    assert _ids(db, benefits=["包住", "五险一金"]) == [both.id]


def test_posted_within_days_filter(db):
    recent = public_vacancy(db, posted_days_ago=2)
    public_vacancy(db, posted_days_ago=10)
    assert _ids(db, posted_within="7") == [recent.id]


def test_near_me_orders_same_village_then_town_then_adjacent_then_the_rest(db):
    other = public_vacancy(db, town_code=ZETOU, posted_days_ago=0)
    adjacent = public_vacancy(db, town_code=WENDENGYING, posted_days_ago=1)
    same_town = public_vacancy(db, town_code=DASHUIPO, village_code=DASHUIPO_OTHER_VILLAGE, posted_days_ago=2)
    same_village = public_vacancy(db, town_code=DASHUIPO, village_code=DASHUIPO_VILLAGE, posted_days_ago=3)
    result = search_vacancies(session=db, filters=VacancyFilters(near=DASHUIPO_VILLAGE))
    assert [c.id for c in result.items] == [same_village.id, same_town.id, adjacent.id, other.id]
    assert [c.band for c in result.items] == ["本村", "本镇", "邻镇", "其他镇街"]


def test_near_me_keeps_newest_first_within_a_band(db):
    older = public_vacancy(db, town_code=GAOCUN, posted_days_ago=5)
    newer = public_vacancy(db, town_code=WENDENGYING, posted_days_ago=1)
    assert _ids(db, near=DASHUIPO_VILLAGE) == [newer.id, older.id]


def test_cards_show_no_band_without_near_me(db):
    public_vacancy(db)
    assert search_vacancies(session=db, filters=VacancyFilters()).items[0].band is None


def test_newest_sort_puts_the_latest_published_first(db):
    old = public_vacancy(db, posted_days_ago=9)
    new = public_vacancy(db, posted_days_ago=1)
    middle = public_vacancy(db, posted_days_ago=4)
    assert _ids(db, sort="newest") == [new.id, middle.id, old.id]


def test_pay_sort_puts_the_best_paid_first(db):
    low = public_vacancy(db, pay_low=3000, pay_high=4000)
    high = public_vacancy(db, pay_low=7000, pay_high=9000)
    middle = public_vacancy(db, pay_low=5000, pay_high=6000)
    assert _ids(db, sort="pay") == [high.id, middle.id, low.id]


def test_relevance_puts_keyword_in_title_before_newer_matches_in_the_text(db):
    in_text = public_vacancy(db, title="装卸工", skills="", description="使用叉车装卸货物，按班组安排。", posted_days_ago=1)
    in_title = public_vacancy(db, title="叉车司机", skills="", description="负责仓库货物的装卸搬运。", posted_days_ago=5)
    assert _ids(db, q="叉车") == [in_title.id, in_text.id]


def test_pages_split_the_results_and_report_the_total(db):
    employer = make_employer(db)
    made = [public_vacancy(db, employer=employer, posted_days_ago=day) for day in range(5)]
    first = search_vacancies(session=db, filters=VacancyFilters(sort="newest"), page=1, page_size=2)
    last = search_vacancies(session=db, filters=VacancyFilters(sort="newest"), page=3, page_size=2)
    assert (first.total, first.pages, [c.id for c in first.items]) == (5, 3, [made[0].id, made[1].id])
    assert [c.id for c in last.items] == [made[4].id]


def test_page_past_the_end_is_empty_not_an_error(db):
    public_vacancy(db)
    result = search_vacancies(session=db, filters=VacancyFilters(), page=5, page_size=10)
    assert result.total == 1 and result.items == []


def test_facet_counts_are_over_the_filtered_set(db):
    public_vacancy(db, town_code=ZETOU, employment_type="全职", benefits=["包吃", "包住"])
    public_vacancy(db, town_code=ZETOU, employment_type="兼职", benefits=["包吃"])
    public_vacancy(db, town_code=DASHUIPO, employment_type="全职", benefits=["双休"],
                   title="保安员", occupation_code="4-07-05-01", description="负责厂区门岗值守和巡逻。")
    public_vacancy(db, town_code=DASHUIPO, employment_type="全职", benefits=[], title="保洁员", skills="",
                   description="负责车间卫生清洁工作，工作轻松。", occupation_code="4-07-05-01")
    facets = search_vacancies(session=db, filters=VacancyFilters(employment_type="全职")).facets
    assert {(f.value, f.count) for f in facets.towns} == {(ZETOU, 1), (DASHUIPO, 2)}
    assert [(f.value, f.count) for f in facets.employment_types] == [("全职", 3)]
    assert {(f.value, f.count) for f in facets.benefits} == {("包吃", 1), ("包住", 1), ("双休", 1)}
    assert [(f.value, f.label, f.count) for f in facets.majors] == [
        ("4", "社会生产服务和生活服务人员", 2), ("6", "生产制造及有关人员", 1)]


def test_facet_labels_use_town_names(db):
    public_vacancy(db, town_code=ZETOU)
    assert search_vacancies(session=db, filters=VacancyFilters()).facets.towns[0].label == "泽头镇"


def test_card_carries_pay_place_type_and_benefits(db):
    vacancy = public_vacancy(db, town_code=DASHUIPO, village_code=DASHUIPO_VILLAGE, pay_low=5000, pay_high=7000,
                             benefits=["五险一金", "包吃"], employment_type="全职")
    card = search_vacancies(session=db, filters=VacancyFilters()).items[0]
    assert (card.id, card.pay, card.town_name, card.village_name) == (vacancy.id, "5000-7000元/月", "大水泊镇", "大水泊村")
    assert card.employment_type == "全职" and card.benefits == ["五险一金", "包吃"]
    assert card.employer_name == "文登测试机械有限公司"


@pytest.mark.parametrize(("filters", "field", "words"), [
    ({"town": "999999999"}, "town", "镇街"),
    ({"village": "371003107999"}, "village", "村居"),
    ({"town": ZETOU, "village": DASHUIPO_VILLAGE}, "village", "不在所选镇街"),
    ({"near": "12345"}, "near", "村居"),
    ({"occupation": "9"}, "occupation", "职业分类"),
    ({"occupation": "6-1"}, "occupation", "格式不正确"),
    ({"employment_type": "临时工"}, "employment_type", "用工形式"),
    ({"min_pay": "很多"}, "min_pay", "整数"),
    ({"min_pay": "999999999"}, "min_pay", "之间"),
    ({"education": "幼儿园"}, "education", "学历"),
    ({"benefits": ["包吃", "年薪百万"]}, "benefits", "年薪百万"),
    ({"posted_within": "0"}, "posted_within", "之间"),
    ({"posted_within": "365"}, "posted_within", "之间"),
    ({"sort": "random"}, "sort", "排序"),
    ({"q": "焊" * 41}, "q", "关键词"),
])
def test_bad_filter_is_refused_in_chinese_naming_the_field(db, filters, field, words):
    with pytest.raises(DomainError) as caught:
        search_vacancies(session=db, filters=VacancyFilters(**filters))
    assert caught.value.field == field and words in caught.value.message


@pytest.mark.parametrize(("page", "page_size", "field"), [(0, 20, "page"), (1, 0, "page_size"), (1, 51, "page_size")])
def test_bad_paging_is_refused(db, page, page_size, field):
    with pytest.raises(DomainError) as caught:
        search_vacancies(session=db, filters=VacancyFilters(), page=page, page_size=page_size)
    assert caught.value.field == field


def test_full_width_digits_typed_with_a_chinese_keyboard_are_understood(db):
    vacancy = public_vacancy(db, pay_low=6000, pay_high=8000)
    assert _ids(db, min_pay="５０００") == [vacancy.id]


def test_cached_results_see_a_suspension_immediately(db, monkeypatch):
    monkeypatch.setitem(browse.CACHE_SWITCH, "enabled", True)
    browse.RESULTS.clear()
    vacancy = public_vacancy(db)
    assert _ids(db) == [vacancy.id]
    assert _ids(db) == [vacancy.id]  # served from the cache
    suspend_employer(session=db, employer_id=vacancy.employer_id, reason="暂停")
    db.commit()
    assert _ids(db) == []
    browse.RESULTS.clear()


def test_cached_results_see_a_new_vacancy_immediately(db, monkeypatch):
    monkeypatch.setitem(browse.CACHE_SWITCH, "enabled", True)
    browse.RESULTS.clear()
    first = public_vacancy(db)
    assert _ids(db) == [first.id]
    second = public_vacancy(db, employer=None)
    assert set(_ids(db)) == {first.id, second.id}
    browse.RESULTS.clear()
