"""Persona tests through the database: registered graduates, the seeded catalogue, outcomes and reasons pinned."""

from __future__ import annotations

from datetime import date

import pytest

from jobbridge.graduates.followup import graduate_facts, policy_results
from jobbridge.graduates.service import hardship_of
from jobbridge.policies.catalogue import PolicyInput, get_policy, input_from_version, save_policy
from jobbridge.policies.eligibility import evaluate_all, load_policy_specs
from support.graduates import TODAY, make_graduate, seed_catalogue
from support.personas import make_user


@pytest.fixture
def catalogue(db):
    seed_catalogue(db)


def results_for(db, graduate, *, hardship_visible=True):
    """Key → PolicyResult, and the keys in evaluated order."""
    hardship = hardship_of(session=db, graduate_id=graduate.id) if hardship_visible else None
    results = policy_results(session=db, graduate=graduate, hardship=hardship, today=TODAY)
    return [r.key for r in results], {r.key: r for r in results}


def assert_same_as_pure_rules(db, graduate):
    """The database path gives exactly what the pure rules give on the YAML catalogue."""
    facts = graduate_facts(graduate, hardship_of(session=db, graduate_id=graduate.id))
    pure = [(spec.key, result.status, result.met, result.missing, result.failed)
            for spec, result in evaluate_all(load_policy_specs(), facts, today=TODAY)]
    _, stored = results_for(db, graduate)
    order, _ = results_for(db, graduate)
    assert [(k, stored[k].status, stored[k].met, stored[k].missing, stored[k].failed) for k in order] == pure


def test_2026_bachelor_with_student_loan_and_startup_intent(db, catalogue):
    graduate = make_graduate(db, birth=date(2004, 3, 15), degree="本科", graduation_date="2026-06-30", intent="创业",
                             hukou_in_district="是", employment_status="未就业", hardship_consent="是",
                             hardship=["国家助学贷款"])
    order, results = results_for(db, graduate)
    assert order[:2] == ["one_off_startup_subsidy", "startup_guaranteed_loan"]
    startup = results["one_off_startup_subsidy"]
    assert (startup.status, startup.met, startup.missing) == (
        "可能符合", ("2026年6月30日离校，符合离校2年内",),
        ("需确认：是否已登记创办经营主体并担任法定代表人或负责人",),
    )
    assert startup.how_to_apply == "通过“爱山东”APP或到政务服务大厅申请。"
    job_search = results["job_search_startup_subsidy"]
    assert (job_search.status, job_search.met, job_search.failed) == (
        "不符合", ("属于国家助学贷款获得者",), ("毕业学年为2025年9月1日至2026年8月31日，毕业学年已过",),
    )
    assert results["internship_subsidy"].status == "符合"
    assert_same_as_pure_rules(db, graduate)


def test_2023_master_in_a_weihai_private_firm_with_12_months_insurance(db, catalogue):
    graduate = make_graduate(db, birth=date(1998, 9, 10), degree="硕士", graduation_date="2023-06-30", intent="就业",
                             employment_status="已就业", employer_type="非公企业", employer_in_weihai="是",
                             first_job_year="2025", social_insurance_months="12", social_insurance_in_weihai="是",
                             paying_social_insurance="是", hardship_consent="是", hardship=[])
    order, results = results_for(db, graduate)
    allowance = results["youth_talent_living_allowance"]
    assert (allowance.status, allowance.missing, allowance.failed) == ("符合", (), ())
    assert allowance.met == (
        "学历为硕士，符合本科及以上要求", "首次就业年份为2025年，符合2023年及以后", "就业单位类型为非公企业",
        "就业单位位于威海", "已在威海缴纳社保12个月，满12个月",
    )
    assert order[:3] == ["flexible_employment_social_insurance_subsidy", "internship_subsidy",
                         "job_search_startup_subsidy"]
    assert results["internship_subsidy"].status == "不符合"
    assert_same_as_pure_rules(db, graduate)


def test_out_of_district_associate_without_a_job_after_18_months(db, catalogue):
    graduate = make_graduate(db, birth=date(2003, 5, 1), degree="专科", graduation_date="2025-06-01",
                             hukou_in_district="否", intent="就业", employment_status="未就业",
                             business_registered="否", social_insurance_months="0", paying_social_insurance="否",
                             hardship_consent="是", hardship=[])
    order, results = results_for(db, graduate)
    assert order[0] == "internship_subsidy"
    assert (results["internship_subsidy"].status, results["internship_subsidy"].met) == (
        "符合", ("2025年6月1日离校，符合离校2年内",),
    )
    allowance = results["youth_talent_living_allowance"]
    assert (allowance.status, allowance.failed) == (
        "不符合", ("学历为专科，本政策要求本科及以上", "社保已缴0个月，本政策要求在威海缴满12个月"),
    )
    assert results["job_search_startup_subsidy"].failed[1] == (
        "不属于低保家庭、特困人员、脱贫家庭、残疾人或国家助学贷款获得者，本政策要求至少符合其一"
    )
    assert_same_as_pure_rules(db, graduate)


def test_dibao_family_student_in_the_graduation_year_gets_the_job_search_subsidy(db, catalogue):
    graduate = make_graduate(db, birth=date(2005, 4, 20), graduation_date="2027-06-30", intent="就业",
                             hardship_consent="是", hardship=["低保"])
    order, results = results_for(db, graduate)
    job_search = results["job_search_startup_subsidy"]
    assert order[0] == "job_search_startup_subsidy"
    assert (job_search.status, job_search.met) == (
        "符合", ("毕业学年为2026年9月1日至2027年8月31日，当前处于毕业学年内", "属于低保家庭"),
    )
    assert results["flexible_employment_social_insurance_subsidy"].failed == (
        "尚未毕业（预计2027年6月30日离校），本政策要求离校2年内",
    )


def test_without_consent_hardship_stays_unknown_and_the_subsidy_needs_confirming(db, catalogue):
    graduate = make_graduate(db, birth=date(2005, 4, 20), graduation_date="2027-06-30", intent="就业",
                             hardship_consent="")
    _, results = results_for(db, graduate)
    job_search = results["job_search_startup_subsidy"]
    assert (job_search.status, job_search.missing) == (
        "可能符合", ("需确认：是否属于低保家庭、特困人员、脱贫家庭、残疾人或国家助学贷款获得者",),
    )


def test_staff_without_a_need_get_reasons_that_do_not_reveal_hardship(db, catalogue):
    graduate = make_graduate(db, birth=date(2005, 4, 20), graduation_date="2027-06-30", intent="就业",
                             hardship_consent="是", hardship=["低保"])
    _, hidden = results_for(db, graduate, hardship_visible=False)
    job_search = hidden["job_search_startup_subsidy"]
    assert (job_search.status, job_search.met[1:], job_search.missing) == (
        "可能符合", (), ("需确认：是否属于低保家庭、特困人员、脱贫家庭、残疾人或国家助学贷款获得者",),
    )


def test_flexibly_employed_graduate_paying_insurance_qualifies_for_the_insurance_subsidy(db, catalogue):
    graduate = make_graduate(db, graduation_date="2025-07-01", intent="就业", employment_status="灵活就业",
                             paying_social_insurance="是")
    order, results = results_for(db, graduate)
    subsidy = results["flexible_employment_social_insurance_subsidy"]
    assert order[0] == "flexible_employment_social_insurance_subsidy"
    assert (subsidy.status, subsidy.met) == (
        "符合", ("2025年7月1日离校，符合离校2年内", "就业状态为灵活就业", "目前正在缴纳社保"),
    )


def test_a_staff_edit_with_an_end_date_makes_the_current_version_decide(db, catalogue):
    staff = make_user(db, role="staff")
    graduate = make_graduate(db, graduation_date="2025-07-01", intent="就业", employment_status="灵活就业",
                             paying_social_insurance="是")
    policy, version = get_policy(session=db, key="flexible_employment_social_insurance_subsidy")
    form = input_from_version(key=policy.key, version=version)
    form.effective_to, form.change_note = "2026-06-30", "政策到期"
    save_policy(session=db, data=form, staff_id=staff.id)
    db.commit()
    _, results = results_for(db, graduate)
    subsidy = results["flexible_employment_social_insurance_subsidy"]
    assert (subsidy.status, subsidy.failed, subsidy.version) == ("不符合", ("政策不在有效期内",), 2)


def test_a_staff_added_policy_with_conditions_is_evaluated_for_graduates(db, catalogue):
    staff = make_user(db, role="staff")
    save_policy(session=db, staff_id=staff.id, data=PolicyInput(
        key="startup_training", name="创业培训补贴", category="创业", intents=["创业"], priority_group="创业",
        conditions='[{"kind": "intent", "values": ["创业"]}, {"kind": "since_graduation", "max_months": 24}]',
        how_to_apply="到窗口报名创业培训班", where_to_apply="文登区人力资源公共服务中心",
    ))
    db.commit()
    graduate = make_graduate(db, graduation_date="2026-06-30", intent="创业")
    order, results = results_for(db, graduate)
    training = results["startup_training"]
    assert training.status == "符合" and training.met == ("毕业去向意向为创业", "2026年6月30日离校，符合离校2年内")
    assert order.index("startup_training") < order.index("internship_subsidy")
