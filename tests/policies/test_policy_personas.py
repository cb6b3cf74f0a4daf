"""Persona tests over the real seeded policy catalogue, evaluated on a fixed date (2026-12-03)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from importlib import resources

import pytest
import yaml

from jobbridge.policies.conditions import condition_from_dict, condition_to_dict
from jobbridge.policies.eligibility import (
    CONDITIONS_NOT_STATED,
    GraduateFacts,
    build_policy_specs,
    evaluate_all,
    load_policy_specs,
)

TODAY = date(2026, 12, 3)
SPECS = load_policy_specs()
KEYS = [
    "youth_talent_living_allowance",
    "return_to_weihai_allowance",
    "flexible_employment_social_insurance_subsidy",
    "one_off_startup_subsidy",
    "startup_guaranteed_loan",
    "internship_subsidy",
    "job_search_startup_subsidy",
]
NO_EMPLOYER_FACTS = (
    "需确认：首次就业年份（本政策要求2023年及以后）",
    "需确认：就业单位类型（本政策要求非公企业）",
    "需确认：就业单位是否位于威海",
)


def run(facts: GraduateFacts):
    """Evaluate the catalogue: the ordered keys and a key → Eligibility map."""
    ordered = evaluate_all(SPECS, facts, today=TODAY)
    return [spec.key for spec, _ in ordered], {spec.key: result for spec, result in ordered}


def statuses(results) -> dict[str, str]:
    """Key → status."""
    return {key: result.status for key, result in results.items()}


# --- the catalogue as loaded ---------------------------------------------------------------------


def test_catalogue_covers_every_fact_entry_in_order():
    path = resources.files("jobbridge").joinpath("data", "policies", "policy_facts.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [spec.key for spec in SPECS] == [entry["key"] for entry in raw] == KEYS
    for spec, entry in zip(SPECS, raw, strict=True):
        assert (spec.name, spec.amount, spec.source, spec.confidence) == (
            entry["name"],
            entry.get("amount"),
            entry["source"],
            entry["confidence"],
        )
        assert spec.condition_texts == tuple(entry.get("conditions", ()))


def test_catalogue_metadata_comes_only_from_the_facts_file():
    by_key = {spec.key: spec for spec in SPECS}
    assert [k for k, s in by_key.items() if s.how_to_apply] == ["one_off_startup_subsidy"]
    assert "爱山东" in by_key["one_off_startup_subsidy"].how_to_apply
    assert all(s.materials == () and s.effective_from is None and s.effective_to is None for s in SPECS)
    assert {k for k, s in by_key.items() if not s.conditions_stated} == {
        "return_to_weihai_allowance",
        "startup_guaranteed_loan",
    }
    assert by_key["startup_guaranteed_loan"].source_note.startswith("Ceilings come from an older version")
    assert by_key["internship_subsidy"].beneficiary == "employer"
    assert {k: s.priority_group for k, s in by_key.items()} == {
        "youth_talent_living_allowance": "人才",
        "return_to_weihai_allowance": "人才",
        "flexible_employment_social_insurance_subsidy": "就业",
        "one_off_startup_subsidy": "创业",
        "startup_guaranteed_loan": "创业",
        "internship_subsidy": "就业",
        "job_search_startup_subsidy": "就业",
    }


def test_catalogue_conditions_survive_json_storage():
    for spec in SPECS:
        stored = json.loads(json.dumps([condition_to_dict(c) for c in spec.conditions], ensure_ascii=False))
        assert tuple(condition_from_dict(d) for d in stored) == spec.conditions


def test_catalogue_encodes_no_hukou_or_intent_condition():
    # Neither appears in any facts entry, so neither may decide an outcome.
    kinds = {condition_to_dict(c)["kind"] for spec in SPECS for c in spec.conditions}
    assert not kinds & {"hukou_in_district", "intent"}


ENTRY = {"key": "a", "name": "A", "category": "x", "beneficiary": "graduate"}


@pytest.mark.parametrize(
    ("facts", "conditions", "message"),
    [
        ([ENTRY], {}, "缺少"),
        ([], {"b": {}}, "多出"),
        ([ENTRY, ENTRY], {"a": {}}, "重复"),
        ([ENTRY], {"a": {"colour": 1}}, "未知字段"),
        ([dict(ENTRY, remark="x")], {"a": {}}, "未知字段"),
        ([ENTRY], {"a": {"conditions": [{"kind": "x"}]}}, "条件有误"),
        ([ENTRY], {"a": {"effective_to": "明年"}}, "日期"),
        ([ENTRY], {"a": {"priority_group": "培训"}}, "优先分组"),
    ],
)
def test_build_policy_specs_rejects_inconsistent_files(facts, conditions, message):
    with pytest.raises(ValueError, match=message):
        build_policy_specs(facts=facts, conditions=conditions)


# --- personas ------------------------------------------------------------------------------------

LOAN_GRADUATE_2026 = GraduateFacts(
    degree="本科",
    graduation_date=date(2026, 6, 30),
    birth_date=date(2004, 3, 15),
    hukou_in_district=True,
    intent="创业",
    hardship=frozenset({"国家助学贷款"}),
    employment_status="未就业",
)


def test_2026_bachelor_with_student_loan_and_startup_intent():
    order, results = run(LOAN_GRADUATE_2026)
    # Startup policies first, then by status; among equals the ones tagged 创业 come first.
    assert order == [
        "one_off_startup_subsidy",
        "startup_guaranteed_loan",
        "internship_subsidy",
        "return_to_weihai_allowance",
        "youth_talent_living_allowance",
        "job_search_startup_subsidy",
        "flexible_employment_social_insurance_subsidy",
    ]
    startup = results["one_off_startup_subsidy"]
    assert (startup.status, startup.met, startup.missing, startup.failed) == (
        "可能符合",
        ("2026年6月30日离校，符合离校2年内",),
        ("需确认：是否已登记创办经营主体并担任法定代表人或负责人",),
        (),
    )
    assert results["startup_guaranteed_loan"].missing == (CONDITIONS_NOT_STATED,)
    # The loan counts as a hardship, but the 毕业学年 (2025-09 to 2026-08) is over by December 2026.
    job_search = results["job_search_startup_subsidy"]
    assert (job_search.status, job_search.met, job_search.failed) == (
        "不符合",
        ("属于国家助学贷款获得者",),
        ("毕业学年为2025年9月1日至2026年8月31日，毕业学年已过",),
    )
    assert results["internship_subsidy"].status == "符合"
    assert results["flexible_employment_social_insurance_subsidy"].failed == ("就业状态为未就业，本政策要求灵活就业",)


def test_2026_bachelor_after_registering_the_business():
    registered = dataclasses.replace(LOAN_GRADUATE_2026, business_registered=True, employment_status="创业")
    order, results = run(registered)
    assert order[0] == "one_off_startup_subsidy"
    assert (results["one_off_startup_subsidy"].status, results["one_off_startup_subsidy"].met) == (
        "符合",
        ("2026年6月30日离校，符合离校2年内", "本人为已登记经营主体的法定代表人或负责人"),
    )


MASTER_2023_IN_WEIHAI = GraduateFacts(
    degree="硕士",
    graduation_date=date(2023, 6, 30),
    birth_date=date(1998, 9, 10),
    hukou_in_district=True,
    intent="就业",
    hardship=frozenset(),
    employment_status="已就业",
    employer_type="非公企业",
    employer_in_weihai=True,
    first_job_year=2025,
    social_insurance_months=12,
    social_insurance_in_weihai=True,
    paying_social_insurance=True,
)


def test_2023_master_in_a_weihai_private_firm_with_12_months_insurance():
    order, results = run(MASTER_2023_IN_WEIHAI)
    assert statuses(results) == {
        "youth_talent_living_allowance": "符合",
        "return_to_weihai_allowance": "可能符合",
        "flexible_employment_social_insurance_subsidy": "不符合",
        "one_off_startup_subsidy": "不符合",
        "startup_guaranteed_loan": "可能符合",
        "internship_subsidy": "不符合",
        "job_search_startup_subsidy": "不符合",
    }
    # Employment intent pulls the 就业 group up even though none of it applies any more.
    assert order == [
        "flexible_employment_social_insurance_subsidy",
        "internship_subsidy",
        "job_search_startup_subsidy",
        "youth_talent_living_allowance",
        "return_to_weihai_allowance",
        "startup_guaranteed_loan",
        "one_off_startup_subsidy",
    ]
    allowance = results["youth_talent_living_allowance"]
    assert (allowance.met, allowance.missing, allowance.failed) == (
        (
            "学历为硕士，符合本科及以上要求",
            "首次就业年份为2025年，符合2023年及以后",
            "就业单位类型为非公企业",
            "就业单位位于威海",
            "已在威海缴纳社保12个月，满12个月",
        ),
        (),
        (),
    )
    assert results["flexible_employment_social_insurance_subsidy"].failed == (
        "2023年6月30日离校，已超过2年，本政策要求离校2年内",
        "就业状态为已就业，本政策要求灵活就业",
    )
    assert results["internship_subsidy"].failed == (
        "以下条件均不满足：2023年6月30日离校，已超过2年，本政策要求离校2年内；"
        "就业状态为已就业，本政策要求未就业；年龄28岁，本政策要求16至24岁",
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"first_job_year": 2022}, "首次就业年份为2022年，本政策要求2023年及以后"),
        ({"employer_type": "国有企业"}, "就业单位类型为国有企业，本政策要求非公企业"),
        ({"employer_in_weihai": False}, "就业单位不在威海，本政策要求就业单位位于威海"),
        ({"social_insurance_months": 11}, "社保已缴11个月，本政策要求在威海缴满12个月"),
        ({"social_insurance_in_weihai": False}, "社保不在威海缴纳，本政策要求在威海缴满12个月"),
    ],
)
def test_2023_master_loses_the_allowance_on_any_single_condition(change, reason):
    _, results = run(dataclasses.replace(MASTER_2023_IN_WEIHAI, **change))
    allowance = results["youth_talent_living_allowance"]
    assert (allowance.status, allowance.failed) == ("不符合", (reason,))


OUT_OF_DISTRICT_ASSOCIATE = GraduateFacts(
    degree="专科",
    graduation_date=date(2025, 6, 1),  # 18 months before the evaluation date
    birth_date=date(2003, 5, 1),
    hukou_in_district=False,
    intent="就业",
    hardship=frozenset(),
    employment_status="未就业",
    business_registered=False,
    social_insurance_months=0,
    paying_social_insurance=False,
)


def test_out_of_district_associate_without_a_job_after_18_months():
    order, results = run(OUT_OF_DISTRICT_ASSOCIATE)
    assert order == [
        "internship_subsidy",
        "flexible_employment_social_insurance_subsidy",
        "job_search_startup_subsidy",
        "return_to_weihai_allowance",
        "startup_guaranteed_loan",
        "youth_talent_living_allowance",
        "one_off_startup_subsidy",
    ]
    internship = results["internship_subsidy"]
    assert (internship.status, internship.met) == ("符合", ("2025年6月1日离校，符合离校2年内",))
    allowance = results["youth_talent_living_allowance"]
    assert (allowance.status, allowance.failed, allowance.missing) == (
        "不符合",
        ("学历为专科，本政策要求本科及以上", "社保已缴0个月，本政策要求在威海缴满12个月"),
        NO_EMPLOYER_FACTS,
    )
    assert results["flexible_employment_social_insurance_subsidy"].failed == (
        "就业状态为未就业，本政策要求灵活就业",
        "目前未缴纳社保，本政策要求目前正在缴纳社保",
    )
    assert results["job_search_startup_subsidy"].failed == (
        "毕业学年为2024年9月1日至2025年8月31日，毕业学年已过",
        "不属于低保家庭、特困人员、脱贫家庭、残疾人或国家助学贷款获得者，本政策要求至少符合其一",
    )
    assert results["one_off_startup_subsidy"].failed == (
        "本人未登记创办经营主体，本政策要求本人为已登记经营主体的法定代表人或负责人",
    )
    # No catalogue entry states a hukou condition, so a local hukou changes nothing.
    _, local = run(dataclasses.replace(OUT_OF_DISTRICT_ASSOCIATE, hukou_in_district=True))
    assert statuses(local) == statuses(results)


def test_graduate_with_unknown_social_insurance_is_asked_about_it():
    facts = GraduateFacts(
        degree="本科",
        graduation_date=date(2024, 7, 1),
        intent="就业",
        employment_status="已就业",
        employer_type="非公企业",
        employer_in_weihai=True,
        first_job_year=2024,
    )
    _, results = run(facts)
    allowance = results["youth_talent_living_allowance"]
    assert (allowance.status, allowance.missing, allowance.failed) == (
        "可能符合",
        ("需确认：社保是否已在威海缴满12个月",),
        (),
    )
    assert len(allowance.met) == 4
    _, months_only = run(dataclasses.replace(facts, social_insurance_months=14))
    assert months_only["youth_talent_living_allowance"].missing == ("需确认：社保是否在威海缴纳（已缴14个月）",)


DIBAO_FINAL_YEAR = GraduateFacts(
    degree="本科",
    graduation_date=date(2027, 6, 30),  # 2027届: December 2026 is inside the 毕业学年
    birth_date=date(2005, 4, 20),
    intent="就业",
    hardship=frozenset({"低保"}),
)


def test_dibao_family_student_in_the_graduation_academic_year():
    order, results = run(DIBAO_FINAL_YEAR)
    assert order == [
        "job_search_startup_subsidy",
        "internship_subsidy",
        "flexible_employment_social_insurance_subsidy",
        "youth_talent_living_allowance",
        "return_to_weihai_allowance",
        "startup_guaranteed_loan",
        "one_off_startup_subsidy",
    ]
    job_search = results["job_search_startup_subsidy"]
    assert (job_search.status, job_search.met, job_search.missing, job_search.failed) == (
        "符合",
        ("毕业学年为2026年9月1日至2027年8月31日，当前处于毕业学年内", "属于低保家庭"),
        (),
        (),
    )
    # Still at school: policies for those who have left are not yet open.
    assert results["flexible_employment_social_insurance_subsidy"].failed == (
        "尚未毕业（预计2027年6月30日离校），本政策要求离校2年内",
    )
    assert results["internship_subsidy"].missing == (
        "需确认：是否满足以下任一条件：离校2年内；就业状态为未就业且年龄16至24岁",
    )


def test_dibao_family_graduate_after_the_graduation_academic_year():
    _, results = run(dataclasses.replace(DIBAO_FINAL_YEAR, graduation_date=date(2026, 6, 30)))
    job_search = results["job_search_startup_subsidy"]
    assert (job_search.status, job_search.met, job_search.failed) == (
        "不符合",
        ("属于低保家庭",),
        ("毕业学年为2025年9月1日至2026年8月31日，毕业学年已过",),
    )


FURTHER_STUDY = GraduateFacts(
    degree="本科",
    graduation_date=date(2026, 6, 30),
    birth_date=date(2004, 8, 8),
    intent="升学",
    hardship=frozenset(),
    employment_status="未就业",
    business_registered=False,
    paying_social_insurance=False,
)


def test_further_study_intent_orders_by_status_only():
    order, results = run(FURTHER_STUDY)
    assert order == [
        "internship_subsidy",
        "youth_talent_living_allowance",
        "return_to_weihai_allowance",
        "startup_guaranteed_loan",
        "flexible_employment_social_insurance_subsidy",
        "one_off_startup_subsidy",
        "job_search_startup_subsidy",
    ]
    assert results["youth_talent_living_allowance"].missing == NO_EMPLOYER_FACTS + (
        "需确认：社保是否已在威海缴满12个月",
    )
    # Intent only orders the list; it never changes an outcome.
    _, as_job_seeker = run(dataclasses.replace(FURTHER_STUDY, intent="就业"))
    assert statuses(as_job_seeker) == statuses(results)


def test_flexibly_employed_graduate_paying_insurance():
    facts = GraduateFacts(
        degree="本科",
        graduation_date=date(2025, 7, 1),
        intent="就业",
        employment_status="灵活就业",
        paying_social_insurance=True,
    )
    order, results = run(facts)
    subsidy = results["flexible_employment_social_insurance_subsidy"]
    assert order[0] == "flexible_employment_social_insurance_subsidy"
    assert (subsidy.status, subsidy.met) == (
        "符合",
        ("2025年7月1日离校，符合离校2年内", "就业状态为灵活就业", "目前正在缴纳社保"),
    )


def test_nothing_known_yet_everything_is_maybe_in_catalogue_order():
    order, results = run(GraduateFacts())
    assert order == KEYS
    assert set(statuses(results).values()) == {"可能符合"}
    assert all(r.missing and not r.failed and not r.met for r in results.values())
