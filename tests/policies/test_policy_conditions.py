"""Tests for the policy condition language: every kind met/failed/unknown at its boundaries, JSON form."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobbridge.policies.conditions import (
    CONDITION_KINDS,
    DEGREES,
    EMPLOYER_TYPES,
    EMPLOYMENT_STATUSES,
    FAILED,
    HARDSHIPS,
    INTENTS,
    MET,
    UNKNOWN,
    AgeRange,
    AllOf,
    AnyOf,
    BusinessRegistered,
    DegreeIn,
    EmployerInWeihai,
    EmployerTypeIn,
    EmploymentStatusIn,
    FirstJobYear,
    HardshipAnyOf,
    HukouInDistrict,
    InGraduationAcademicYear,
    IntentIn,
    Outcome,
    PayingSocialInsurance,
    SinceGraduation,
    SocialInsurance,
    add_months,
    age_on,
    condition_from_dict,
    condition_to_dict,
)
from jobbridge.policies.eligibility import (
    CONDITIONS_NOT_STATED,
    GraduateFacts,
    PolicySpec,
    evaluate,
    evaluate_all,
)

TODAY = date(2026, 12, 3)
ALL_HARDSHIP = HardshipAnyOf(values=HARDSHIPS)


def check(condition, *, today: date = TODAY, **facts) -> Outcome:
    """Check one condition against facts given as keywords."""
    return condition.check(GraduateFacts(**facts), today=today)


# --- date helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 12, 3), 24, date(2026, 12, 3)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 11, 30), 1, date(2025, 12, 30)),
        (date(2025, 6, 1), 0, date(2025, 6, 1)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(2002, 12, 3), TODAY, 24),
        (date(2002, 12, 4), TODAY, 23),
        (date(2008, 2, 29), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 29), 16),
        (date(2008, 2, 29), date(2025, 2, 28), 16),
        (date(2008, 2, 29), date(2025, 3, 1), 17),
    ],
)
def test_age_counts_completed_years(birth, today, age):
    assert age_on(birth, today) == age


# --- degree --------------------------------------------------------------------------------------

BACHELOR_UP = DegreeIn(values=("博士", "硕士", "本科"))


@pytest.mark.parametrize("degree", ["本科", "硕士", "博士", "硕士研究生"])
def test_degree_met(degree):
    outcome = check(BACHELOR_UP, degree=degree)
    assert outcome.state == MET
    assert outcome.reason.endswith("，符合本科及以上要求")


@pytest.mark.parametrize("degree", ["专科", "大专", "高职"])
def test_degree_below_bachelor_fails_with_normalized_label(degree):
    assert check(BACHELOR_UP, degree=degree) == Outcome(FAILED, "学历为专科，本政策要求本科及以上")


def test_degree_unknown():
    assert check(BACHELOR_UP) == Outcome(UNKNOWN, "需确认：学历（本政策要求本科及以上）")


def test_degree_values_are_rank_ordered_and_described():
    assert DegreeIn(values=["本科", "博士", "硕士"]) == BACHELOR_UP
    assert BACHELOR_UP.describe() == "学历为本科及以上"
    assert DegreeIn(values=("专科", "博士")).describe() == "学历为专科或博士"
    assert DegreeIn(values=("博士",)).describe() == "学历为博士及以上"
    assert check(DegreeIn(values=("专科", "博士")), degree="硕士").reason == "学历为硕士，本政策要求专科或博士"


@pytest.mark.parametrize("values", [(), ("高中",), "本科", None])
def test_degree_rejects_bad_values(values):
    with pytest.raises(ValueError):
        DegreeIn(values=values)


# --- since graduation ----------------------------------------------------------------------------

WITHIN_2Y = SinceGraduation(max_months=24)


def test_since_graduation_boundary_is_inclusive():
    assert check(WITHIN_2Y, graduation_date=date(2024, 12, 3)) == Outcome(MET, "2024年12月3日离校，符合离校2年内")
    assert check(WITHIN_2Y, graduation_date=date(2024, 12, 2)) == Outcome(
        FAILED, "2024年12月2日离校，已超过2年，本政策要求离校2年内"
    )
    assert check(WITHIN_2Y, graduation_date=TODAY).state == MET


def test_since_graduation_leap_day_clamps():
    left = date(2024, 2, 29)
    assert check(WITHIN_2Y, graduation_date=left, today=date(2026, 2, 28)).state == MET
    assert check(WITHIN_2Y, graduation_date=left, today=date(2026, 3, 1)).state == FAILED


def test_since_graduation_requires_having_left_school():
    assert check(WITHIN_2Y, graduation_date=date(2027, 6, 30)) == Outcome(
        FAILED, "尚未毕业（预计2027年6月30日离校），本政策要求离校2年内"
    )
    assert check(SinceGraduation(), graduation_date=date(2026, 12, 4)).state == FAILED
    assert check(SinceGraduation(), graduation_date=TODAY) == Outcome(MET, "2026年12月3日离校，符合已毕业离校")


def test_since_graduation_unknown():
    assert check(WITHIN_2Y) == Outcome(UNKNOWN, "需确认：毕业（离校）日期（本政策要求离校2年内）")


def test_since_graduation_minimum():
    at_least = SinceGraduation(min_months=18)
    assert at_least.describe() == "离校满18个月"
    assert check(at_least, graduation_date=date(2025, 6, 3)).state == MET
    assert check(at_least, graduation_date=date(2025, 6, 4)) == Outcome(
        FAILED, "2025年6月4日离校，未满18个月，本政策要求离校满18个月"
    )
    window = SinceGraduation(min_months=6, max_months=24)
    assert window.describe() == "离校满6个月且在2年内"
    assert check(window, graduation_date=date(2026, 6, 3)).state == MET
    assert check(window, graduation_date=date(2026, 6, 4)).state == FAILED
    assert check(window, graduation_date=date(2024, 12, 2)).state == FAILED


@pytest.mark.parametrize(
    "bounds", [{"min_months": 25, "max_months": 24}, {"max_months": -1}, {"min_months": True}]
)
def test_since_graduation_rejects_bad_bounds(bounds):
    with pytest.raises(ValueError):
        SinceGraduation(**bounds)


# --- graduation academic year (毕业学年) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 8, 31), FAILED),
        (date(2026, 9, 1), MET),
        (TODAY, MET),
        (date(2027, 8, 31), MET),
        (date(2027, 9, 1), FAILED),
    ],
)
def test_academic_year_boundaries(today, state):
    assert check(InGraduationAcademicYear(), graduation_date=date(2027, 6, 30), today=today).state == state


def test_academic_year_reasons():
    condition = InGraduationAcademicYear()
    assert check(condition, graduation_date=date(2027, 6, 30)) == Outcome(
        MET, "毕业学年为2026年9月1日至2027年8月31日，当前处于毕业学年内"
    )
    assert check(condition, graduation_date=date(2026, 6, 30)) == Outcome(
        FAILED, "毕业学年为2025年9月1日至2026年8月31日，毕业学年已过"
    )
    assert check(condition, graduation_date=date(2028, 6, 30)) == Outcome(
        FAILED, "毕业学年为2027年9月1日至2028年8月31日，尚未进入毕业学年"
    )
    assert check(condition) == Outcome(UNKNOWN, "需确认：毕业时间（本政策仅限毕业学年内）")


def test_academic_year_of_an_autumn_graduation_starts_that_september():
    assert check(InGraduationAcademicYear(), graduation_date=date(2026, 9, 15)).state == MET
    assert check(InGraduationAcademicYear(), graduation_date=date(2026, 8, 31)).state == FAILED


# --- yes/no kinds --------------------------------------------------------------------------------

YES_NO_CASES = [
    (HukouInDistrict, "hukou_in_district", "户籍在本区", "户籍不在本区", "需确认：户籍是否在本区"),
    (
        BusinessRegistered,
        "business_registered",
        "本人为已登记经营主体的法定代表人或负责人",
        "本人未登记创办经营主体",
        "需确认：是否已登记创办经营主体并担任法定代表人或负责人",
    ),
    (PayingSocialInsurance, "paying_social_insurance", "目前正在缴纳社保", "目前未缴纳社保", "需确认：目前是否正在缴纳社保"),
    (EmployerInWeihai, "employer_in_weihai", "就业单位位于威海", "就业单位不在威海", "需确认：就业单位是否位于威海"),
]


@pytest.mark.parametrize(("cls", "fact", "yes", "no", "question"), YES_NO_CASES)
def test_yes_no_required_true(cls, fact, yes, no, question):
    condition = cls()
    assert condition.describe() == yes
    assert check(condition, **{fact: True}) == Outcome(MET, yes)
    assert check(condition, **{fact: False}) == Outcome(FAILED, f"{no}，本政策要求{yes}")
    assert check(condition) == Outcome(UNKNOWN, question)


@pytest.mark.parametrize(("cls", "fact", "yes", "no", "question"), YES_NO_CASES)
def test_yes_no_required_false(cls, fact, yes, no, question):
    condition = cls(required=False)
    assert condition.describe() == no
    assert check(condition, **{fact: False}) == Outcome(MET, no)
    assert check(condition, **{fact: True}) == Outcome(FAILED, f"{yes}，本政策要求{no}")
    assert check(condition) == Outcome(UNKNOWN, question)


@pytest.mark.parametrize(("cls", "fact", "yes", "no", "question"), YES_NO_CASES)
def test_yes_no_rejects_non_bool(cls, fact, yes, no, question):
    with pytest.raises(ValueError):
        cls(required="yes")
    with pytest.raises(ValueError):
        GraduateFacts(**{fact: 1})


# --- label kinds ---------------------------------------------------------------------------------

LABEL_CASES = [
    (IntentIn, "intent", INTENTS, "毕业去向意向"),
    (EmploymentStatusIn, "employment_status", EMPLOYMENT_STATUSES, "就业状态"),
    (EmployerTypeIn, "employer_type", EMPLOYER_TYPES, "就业单位类型"),
]


@pytest.mark.parametrize(("cls", "fact", "vocabulary", "what"), LABEL_CASES)
def test_label_kind_every_value(cls, fact, vocabulary, what):
    wanted = vocabulary[0]
    condition = cls(values=(wanted,))
    assert condition.describe() == f"{what}为{wanted}"
    assert check(condition, **{fact: wanted}) == Outcome(MET, f"{what}为{wanted}")
    for other in vocabulary[1:]:
        assert check(condition, **{fact: other}) == Outcome(FAILED, f"{what}为{other}，本政策要求{wanted}")
    assert check(condition) == Outcome(UNKNOWN, f"需确认：{what}（本政策要求{wanted}）")


@pytest.mark.parametrize(("cls", "fact", "vocabulary", "what"), LABEL_CASES)
def test_label_kind_rejects_unknown_labels(cls, fact, vocabulary, what):
    with pytest.raises(ValueError):
        cls(values=("不存在",))
    with pytest.raises(ValueError):
        cls(values=())
    with pytest.raises(ValueError):
        GraduateFacts(**{fact: "不存在"})


def test_label_alternatives_are_joined_the_chinese_way():
    assert IntentIn(values=("就业", "创业")).describe() == "毕业去向意向为就业或创业"
    assert check(EmployerTypeIn(values=("非公企业", "国有企业", "社会组织")), employer_type="机关事业单位") == Outcome(
        FAILED, "就业单位类型为机关事业单位，本政策要求非公企业、国有企业或社会组织"
    )


# --- hardship ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hardship", "label"),
    [("低保", "低保家庭"), ("特困", "特困人员"), ("脱贫家庭", "脱贫家庭"), ("残疾", "残疾人"), ("国家助学贷款", "国家助学贷款获得者")],
)
def test_hardship_each_fact_meets_any_of(hardship, label):
    assert check(ALL_HARDSHIP, hardship={hardship}) == Outcome(MET, f"属于{label}")


def test_hardship_lists_every_match_in_policy_order():
    assert check(ALL_HARDSHIP, hardship={"国家助学贷款", "低保"}) == Outcome(MET, "属于低保家庭、国家助学贷款获得者")


def test_hardship_known_none_fails_and_unknown_asks():
    everything = "低保家庭、特困人员、脱贫家庭、残疾人或国家助学贷款获得者"
    assert check(ALL_HARDSHIP, hardship=frozenset()) == Outcome(FAILED, f"不属于{everything}，本政策要求至少符合其一")
    assert check(ALL_HARDSHIP) == Outcome(UNKNOWN, f"需确认：是否属于{everything}")


def test_hardship_outside_the_policy_list_fails():
    assert check(HardshipAnyOf(values=("低保",)), hardship={"残疾"}).state == FAILED


def test_hardship_vocabulary_is_enforced():
    with pytest.raises(ValueError):
        HardshipAnyOf(values=("零就业家庭",))
    with pytest.raises(ValueError):
        GraduateFacts(hardship={"零就业家庭"})
    with pytest.raises(ValueError):
        GraduateFacts(hardship="低保")
    assert GraduateFacts(hardship=["低保"]).hardship == frozenset({"低保"})


# --- age -----------------------------------------------------------------------------------------

YOUTH = AgeRange(min_age=16, max_age=24)


@pytest.mark.parametrize(
    ("birth", "state"),
    [
        (date(2010, 12, 3), MET),  # turns 16 today
        (date(2010, 12, 4), FAILED),  # 15
        (date(2001, 12, 4), MET),  # 24, one day before 25
        (date(2001, 12, 3), FAILED),  # turns 25 today
    ],
)
def test_age_range_boundaries(birth, state):
    assert check(YOUTH, birth_date=birth).state == state


def test_age_reasons_and_one_sided_bounds():
    assert check(YOUTH, birth_date=date(2001, 12, 3)) == Outcome(FAILED, "年龄25岁，本政策要求16至24岁")
    assert check(YOUTH, birth_date=date(2003, 1, 1)) == Outcome(MET, "年龄23岁，符合16至24岁")
    assert check(YOUTH) == Outcome(UNKNOWN, "需确认：出生日期（本政策要求年龄16至24岁）")
    assert AgeRange(min_age=18).describe() == "年龄18岁及以上"
    assert check(AgeRange(max_age=35), birth_date=date(1990, 1, 1)) == Outcome(FAILED, "年龄36岁，本政策要求35岁及以下")


@pytest.mark.parametrize("bounds", [{}, {"min_age": 30, "max_age": 20}, {"min_age": -1}, {"max_age": "24"}])
def test_age_rejects_bad_bounds(bounds):
    with pytest.raises(ValueError):
        AgeRange(**bounds)


# --- social insurance ----------------------------------------------------------------------------

SI_12 = SocialInsurance(min_months=12)
SI_12_WEIHAI = SocialInsurance(min_months=12, in_weihai=True)


def test_social_insurance_months_boundary():
    assert check(SI_12, social_insurance_months=11) == Outcome(FAILED, "社保已缴11个月，本政策要求缴满12个月")
    assert check(SI_12, social_insurance_months=12) == Outcome(MET, "已缴纳社保12个月，满12个月")
    assert check(SI_12, social_insurance_months=13).state == MET
    assert check(SI_12) == Outcome(UNKNOWN, "需确认：社保是否已缴满12个月")
    # Where it was paid does not matter without in_weihai.
    assert check(SI_12, social_insurance_months=12, social_insurance_in_weihai=False).state == MET


@pytest.mark.parametrize(
    ("months", "in_weihai", "expected"),
    [
        (12, True, Outcome(MET, "已在威海缴纳社保12个月，满12个月")),
        (12, False, Outcome(FAILED, "社保不在威海缴纳，本政策要求在威海缴满12个月")),
        (12, None, Outcome(UNKNOWN, "需确认：社保是否在威海缴纳（已缴12个月）")),
        (None, True, Outcome(UNKNOWN, "需确认：社保是否已在威海缴满12个月")),
        (None, None, Outcome(UNKNOWN, "需确认：社保是否已在威海缴满12个月")),
        (None, False, Outcome(FAILED, "社保不在威海缴纳，本政策要求在威海缴满12个月")),
        (11, None, Outcome(FAILED, "社保已缴11个月，本政策要求在威海缴满12个月")),
        (11, True, Outcome(FAILED, "社保已缴11个月，本政策要求在威海缴满12个月")),
    ],
)
def test_social_insurance_in_weihai_truth_table(months, in_weihai, expected):
    facts = {"social_insurance_months": months, "social_insurance_in_weihai": in_weihai}
    assert check(SI_12_WEIHAI, **facts) == expected


def test_social_insurance_rejects_bad_values():
    with pytest.raises(ValueError):
        SocialInsurance(min_months=-1)
    with pytest.raises(ValueError):
        SocialInsurance(min_months=12, in_weihai="是")
    with pytest.raises(ValueError):
        GraduateFacts(social_insurance_months=-3)


# --- first job year ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2022, Outcome(FAILED, "首次就业年份为2022年，本政策要求2023年及以后")),
        (2023, Outcome(MET, "首次就业年份为2023年，符合2023年及以后")),
        (2026, Outcome(MET, "首次就业年份为2026年，符合2023年及以后")),
        (None, Outcome(UNKNOWN, "需确认：首次就业年份（本政策要求2023年及以后）")),
    ],
)
def test_first_job_year(year, expected):
    assert check(FirstJobYear(min_year=2023), first_job_year=year) == expected


# --- composites ----------------------------------------------------------------------------------

INTERN = AnyOf(
    conditions=(WITHIN_2Y, AllOf(conditions=(EmploymentStatusIn(values=("未就业",)), YOUTH))),
)


def test_any_of_met_by_any_branch():
    assert check(INTERN, graduation_date=date(2025, 7, 1)) == Outcome(MET, "2025年7月1日离校，符合离校2年内")
    young = check(
        INTERN, graduation_date=date(2020, 7, 1), employment_status="未就业", birth_date=date(2003, 1, 1)
    )
    assert young == Outcome(MET, "就业状态为未就业；年龄23岁，符合16至24岁")


def test_any_of_fails_only_when_every_branch_fails():
    outcome = check(INTERN, graduation_date=date(2020, 7, 1), employment_status="已就业")
    assert outcome == Outcome(
        FAILED,
        "以下条件均不满足：2020年7月1日离校，已超过2年，本政策要求离校2年内；就业状态为已就业，本政策要求未就业",
    )


def test_any_of_unknown_when_no_branch_met_and_one_is_open():
    assert check(INTERN, graduation_date=date(2020, 7, 1)) == Outcome(
        UNKNOWN, "需确认：是否满足以下任一条件：离校2年内；就业状态为未就业且年龄16至24岁"
    )
    assert INTERN.describe() == "离校2年内，或就业状态为未就业且年龄16至24岁"


def test_all_of_unknown_lists_each_open_question():
    both = AllOf(conditions=(EmploymentStatusIn(values=("未就业",)), YOUTH))
    assert check(both) == Outcome(UNKNOWN, "需确认：就业状态（本政策要求未就业）；出生日期（本政策要求年龄16至24岁）")
    assert check(both, employment_status="创业").state == FAILED


@pytest.mark.parametrize("children", [(), ["not a condition"], "degree"])
def test_composites_need_real_children(children):
    with pytest.raises(ValueError):
        AnyOf(conditions=children)
    with pytest.raises(ValueError):
        AllOf(conditions=children)


# --- JSON form -----------------------------------------------------------------------------------

EXAMPLES = [
    BACHELOR_UP,
    WITHIN_2Y,
    SinceGraduation(min_months=6, max_months=24, note="示例"),
    InGraduationAcademicYear(),
    HukouInDistrict(required=False),
    IntentIn(values=("创业",)),
    ALL_HARDSHIP,
    EmploymentStatusIn(values=("灵活就业",)),
    YOUTH,
    BusinessRegistered(),
    SI_12_WEIHAI,
    PayingSocialInsurance(),
    EmployerTypeIn(values=("非公企业",)),
    EmployerInWeihai(),
    FirstJobYear(min_year=2023),
    INTERN,
]


def test_examples_cover_every_kind():
    kinds = set()

    def walk(condition):
        kinds.add(condition.kind)
        for child in getattr(condition, "conditions", ()):
            walk(child)

    for example in EXAMPLES:
        walk(example)
    assert kinds == set(CONDITION_KINDS)


@pytest.mark.parametrize("condition", EXAMPLES, ids=lambda c: c.kind)
def test_example_round_trips_through_json(condition):
    stored = json.dumps(condition_to_dict(condition), ensure_ascii=False)
    assert condition_from_dict(json.loads(stored)) == condition


def test_dict_form_is_readable():
    assert condition_to_dict(SI_12_WEIHAI) == {
        "kind": "social_insurance",
        "min_months": 12,
        "in_weihai": True,
    }
    assert condition_to_dict(SinceGraduation(max_months=24, note="说明")) == {
        "kind": "since_graduation",
        "min_months": None,
        "max_months": 24,
        "note": "说明",
    }
    assert condition_from_dict({"kind": "degree", "values": ["大专"]}) == DegreeIn(values=("专科",))
    assert condition_from_dict({"kind": "business_registered"}) == BusinessRegistered(required=True)


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "nope"},
        {"kind": ["degree"]},
        {"values": ["本科"]},
        {"kind": "degree"},
        {"kind": "degree", "values": ["本科"], "extra": 1},
        {"kind": "degree", "values": "本科"},
        {"kind": "degree", "values": ["本科"], "note": 5},
        {"kind": "social_insurance", "min_months": "12"},
        {"kind": "any_of", "conditions": [{"kind": "nope"}]},
        {"kind": "any_of", "conditions": "degree"},
        ["degree"],
    ],
)
def test_condition_from_dict_rejects_bad_input(data):
    with pytest.raises(ValueError):
        condition_from_dict(data)


def _labels(vocabulary):
    return st.lists(st.sampled_from(vocabulary), min_size=1, unique=True).map(tuple)


_NOTES = st.none() | st.text(max_size=8)
_MONTHS = st.none() | st.integers(0, 60)
_LEAVES = st.one_of(
    st.builds(DegreeIn, values=_labels(DEGREES), note=_NOTES),
    st.tuples(_MONTHS, _MONTHS, _NOTES).map(
        lambda t: SinceGraduation(
            min_months=None if t[0] is None or t[1] is None else min(t[0], t[1]),
            max_months=t[1] if t[0] is None or t[1] is None else max(t[0], t[1]),
            note=t[2],
        )
    ),
    st.builds(InGraduationAcademicYear, note=_NOTES),
    st.builds(HukouInDistrict, required=st.booleans(), note=_NOTES),
    st.builds(IntentIn, values=_labels(INTENTS), note=_NOTES),
    st.builds(HardshipAnyOf, values=_labels(HARDSHIPS), note=_NOTES),
    st.builds(EmploymentStatusIn, values=_labels(EMPLOYMENT_STATUSES), note=_NOTES),
    st.integers(0, 40).flatmap(
        lambda low: st.builds(AgeRange, min_age=st.just(low), max_age=st.integers(low, 70))
    ),
    st.builds(BusinessRegistered, required=st.booleans(), note=_NOTES),
    st.builds(SocialInsurance, min_months=st.integers(0, 60), in_weihai=st.booleans(), note=_NOTES),
    st.builds(PayingSocialInsurance, required=st.booleans(), note=_NOTES),
    st.builds(EmployerTypeIn, values=_labels(EMPLOYER_TYPES), note=_NOTES),
    st.builds(EmployerInWeihai, required=st.booleans(), note=_NOTES),
    st.builds(FirstJobYear, min_year=st.integers(2015, 2030), note=_NOTES),
)
CONDITIONS = st.recursive(
    _LEAVES,
    lambda children: st.one_of(
        st.builds(AnyOf, conditions=st.lists(children, min_size=1, max_size=3).map(tuple)),
        st.builds(AllOf, conditions=st.lists(children, min_size=1, max_size=3).map(tuple)),
    ),
    max_leaves=6,
)
_DATES = st.none() | st.dates(date(1990, 1, 1), date(2028, 12, 31))
FACTS = st.builds(
    GraduateFacts,
    degree=st.none() | st.sampled_from(DEGREES),
    graduation_date=_DATES,
    hukou_in_district=st.none() | st.booleans(),
    intent=st.none() | st.sampled_from(INTENTS),
    hardship=st.none() | st.frozensets(st.sampled_from(HARDSHIPS)),
    employment_status=st.none() | st.sampled_from(EMPLOYMENT_STATUSES),
    birth_date=_DATES,
    business_registered=st.none() | st.booleans(),
    social_insurance_months=st.none() | st.integers(0, 60),
    social_insurance_in_weihai=st.none() | st.booleans(),
    paying_social_insurance=st.none() | st.booleans(),
    employer_type=st.none() | st.sampled_from(EMPLOYER_TYPES),
    employer_in_weihai=st.none() | st.booleans(),
    first_job_year=st.none() | st.integers(2015, 2030),
)


@settings(max_examples=60, deadline=None)
@given(CONDITIONS)
def test_any_condition_round_trips_through_json(condition):
    assert condition_from_dict(json.loads(json.dumps(condition_to_dict(condition)))) == condition


@pytest.mark.parametrize("condition", EXAMPLES, ids=lambda c: c.kind)
def test_nothing_known_means_unknown_never_failed(condition):
    outcome = condition.check(GraduateFacts(), today=TODAY)
    assert outcome.state == UNKNOWN
    assert outcome.reason.startswith("需确认：")


@settings(max_examples=60, deadline=None)
@given(CONDITIONS, FACTS, st.sampled_from([f.name for f in dataclasses.fields(GraduateFacts)]))
def test_forgetting_a_fact_never_turns_a_pass_into_a_failure(condition, facts, field):
    # Staff learn facts one at a time; a result must not flip from failed to met as a fact becomes unknown.
    known = condition.check(facts, today=TODAY).state
    forgotten = condition.check(dataclasses.replace(facts, **{field: None}), today=TODAY).state
    allowed = {(MET, MET), (MET, UNKNOWN), (UNKNOWN, UNKNOWN), (FAILED, FAILED), (FAILED, UNKNOWN)}
    assert (known, forgotten) in allowed


# --- evaluate: statuses, effective dates, ordering -------------------------------------------------


def _spec(key: str, *conditions, **fields) -> PolicySpec:
    """A minimal policy for evaluator tests."""
    return PolicySpec(
        key=key, name=key, category="测试", beneficiary="graduate", conditions=conditions, **fields
    )


def test_status_rules():
    spec = _spec("p", BACHELOR_UP, SI_12)
    assert evaluate(spec, GraduateFacts(degree="本科", social_insurance_months=12), today=TODAY).status == "符合"
    maybe = evaluate(spec, GraduateFacts(degree="本科"), today=TODAY)
    assert (maybe.status, maybe.met, maybe.missing, maybe.failed) == (
        "可能符合",
        ("学历为本科，符合本科及以上要求",),
        ("需确认：社保是否已缴满12个月",),
        (),
    )
    # One failure outweighs any number of unknowns.
    failed = evaluate(spec, GraduateFacts(degree="专科"), today=TODAY)
    assert (failed.status, failed.failed, failed.missing) == (
        "不符合",
        ("学历为专科，本政策要求本科及以上",),
        ("需确认：社保是否已缴满12个月",),
    )
    assert evaluate(_spec("open"), GraduateFacts(), today=TODAY).status == "符合"


def test_unstated_conditions_are_at_best_maybe():
    spec = _spec("unstated", conditions_stated=False)
    result = evaluate(spec, GraduateFacts(degree="博士"), today=TODAY)
    assert (result.status, result.missing) == ("可能符合", (CONDITIONS_NOT_STATED,))
    failing = _spec("u2", BACHELOR_UP, conditions_stated=False)
    assert evaluate(failing, GraduateFacts(degree="专科"), today=TODAY).status == "不符合"


@pytest.mark.parametrize(
    ("effective_from", "effective_to", "status"),
    [
        (date(2026, 12, 4), None, "不符合"),
        (TODAY, None, "符合"),
        (None, TODAY, "符合"),
        (None, date(2026, 12, 2), "不符合"),
        (date(2026, 1, 1), date(2026, 12, 31), "符合"),
    ],
)
def test_effective_dates(effective_from, effective_to, status):
    spec = _spec("dated", BACHELOR_UP, effective_from=effective_from, effective_to=effective_to)
    result = evaluate(spec, GraduateFacts(degree="本科"), today=TODAY)
    assert result.status == status
    if status == "不符合":
        assert (result.met, result.missing, result.failed) == ((), (), ("政策不在有效期内",))


def test_policy_spec_validation():
    with pytest.raises(ValueError):
        _spec("bad", effective_from=date(2027, 1, 1), effective_to=date(2026, 1, 1))
    with pytest.raises(ValueError):
        _spec("bad", priority_group="培训")
    with pytest.raises(ValueError):
        _spec("bad", intents=("打工",))
    with pytest.raises(ValueError):
        _spec("bad", "degree")
    with pytest.raises(ValueError):
        PolicySpec(key="bad", name="x", category="x", beneficiary="staff")


_GRADUATE = GraduateFacts(degree="本科", graduation_date=date(2026, 6, 30))
_ORDER_SPECS = [
    _spec("talent_ok", BACHELOR_UP, priority_group="人才", intents=("就业",)),
    _spec("startup_no", DegreeIn(values=("博士",)), priority_group="创业", intents=("创业",)),
    _spec("job_maybe", SI_12, priority_group="就业", intents=("就业",)),
    _spec("startup_ok", WITHIN_2Y, priority_group="创业", intents=("创业",)),
    _spec("job_ok", BACHELOR_UP, priority_group="就业", intents=("就业",)),
    _spec("other_maybe", SI_12, priority_group="其他", intents=("创业",)),
]


@pytest.mark.parametrize(
    ("intent", "order"),
    [
        ("创业", ["startup_ok", "startup_no", "talent_ok", "job_ok", "other_maybe", "job_maybe"]),
        ("就业", ["job_ok", "job_maybe", "talent_ok", "startup_ok", "other_maybe", "startup_no"]),
        ("升学", ["talent_ok", "startup_ok", "job_ok", "job_maybe", "other_maybe", "startup_no"]),
        (None, ["talent_ok", "startup_ok", "job_ok", "job_maybe", "other_maybe", "startup_no"]),
    ],
)
def test_evaluate_all_orders_by_intent_group_then_status(intent, order):
    facts = dataclasses.replace(_GRADUATE, intent=intent)
    assert [spec.key for spec, _ in evaluate_all(_ORDER_SPECS, facts, today=TODAY)] == order
