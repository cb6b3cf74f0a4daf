"""The vacancy workflow: compliance blocks, review, auto-approval, edits that go back to review, notices."""

from datetime import timedelta

import pytest
from sqlmodel import select

from jobbridge.employers.compliance_store import ComplianceRule, active_rules, add_rule
from jobbridge.employers.reviews import changes_since_approval
from jobbridge.employers.service import FormErrors
from jobbridge.employers.vacancies import (
    ComplianceBlocked,
    approve_vacancy,
    create_vacancy,
    reject_vacancy,
    submit_for_review,
    update_vacancy,
    vacancy_input_from,
)
from jobbridge.errors import DomainError, Forbidden
from jobbridge.outreach.models import OutboxMessage
from jobbridge.settings_store import set_flag
from support.employer_side import employer_with_member
from support.personas import make_employer, make_published_vacancy, vacancy_input


@pytest.mark.parametrize(("phrase", "category"), [
    ("限男性", "性别歧视"), ("仅限本地户口", "户籍"), ("乙肝携带者勿扰", "乙肝"), ("需交押金200元", "收费"),
])
def test_discriminatory_or_fee_posting_is_refused_with_rule_and_law(db, phrase, category):
    employer = make_employer(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id,
                             data=vacancy_input(description=f"负责钢结构件焊接，按图纸施工。{phrase}。"))
    with pytest.raises(ComplianceBlocked) as caught:
        submit_for_review(session=db, vacancy=vacancy)
    assert vacancy.status == "draft"
    finding = caught.value.findings[0]
    assert category in finding["category"] and "法" in finding["law"] and finding["message"]
    assert "不合规" in caught.value.message and finding["law"] in caught.value.message


def test_lawful_posting_goes_to_review_not_public(db):
    employer = make_employer(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input())
    submit_for_review(session=db, vacancy=vacancy)
    assert vacancy.status == "pending" and vacancy.published_at is None


def test_blank_occupation_code_is_suggested_by_the_coder(db):
    employer = make_employer(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input(title="电焊工"))
    assert vacancy.occupation_code == "6-18-02-04" and vacancy.occupation_confidence > 0.5


def test_typed_occupation_code_is_kept_with_its_level(db):
    employer = make_employer(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input(occupation_code="6-18-02-04"))
    assert vacancy.occupation_code == "6-18-02-04" and vacancy.occupation_level == 4
    assert vacancy.occupation_confidence is None


def test_zero_pay_is_refused(db):
    employer = make_employer(db)
    with pytest.raises(FormErrors) as caught:
        create_vacancy(session=db, employer_id=employer.id, data=vacancy_input(pay_low=0, pay_high=None))
    assert "大于0" in caught.value.errors["pay_low"]


def test_every_bad_field_is_reported_at_once(db):
    employer = make_employer(db)
    with pytest.raises(FormErrors) as caught:
        create_vacancy(session=db, employer_id=employer.id,
                       data=vacancy_input(title="", pay_low=None, pay_high=None, town_code="", headcount=0,
                                          valid_until="2020-01-01", benefits=["年薪百万"]))
    assert {"title", "pay_low", "town_code", "headcount", "valid_until", "benefits"} <= set(caught.value.errors)


def test_piece_rate_without_unit_is_reported_on_the_unit_field(db):
    employer = make_employer(db)
    with pytest.raises(FormErrors) as caught:
        create_vacancy(session=db, employer_id=employer.id,
                       data=vacancy_input(pay_kind="计件", pay_low="0.5", pay_high="", pay_unit=""))
    assert "单位" in caught.value.errors["pay_unit"] and "pay_high" not in caught.value.errors


def test_editing_pay_of_published_vacancy_sends_it_back_to_review(db):
    vacancy = make_published_vacancy(db, employer=make_employer(db))
    update_vacancy(session=db, vacancy=vacancy, data=_with(vacancy_input_from(vacancy), pay_low="6000"))
    assert vacancy.status == "pending"
    changes = changes_since_approval(session=db, vacancy=vacancy)
    assert ("薪酬下限", 5000.0, 6000.0) in changes


def _with(data, **changes):
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_editing_headcount_of_published_vacancy_keeps_it_published(db):
    vacancy = make_published_vacancy(db, employer=make_employer(db))
    update_vacancy(session=db, vacancy=vacancy, data=_with(vacancy_input_from(vacancy), headcount=5))
    assert vacancy.status == "published" and vacancy.headcount == 5


def test_editing_a_pending_vacancy_rechecks_compliance(db):
    employer = make_employer(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input())
    submit_for_review(session=db, vacancy=vacancy)
    with pytest.raises(ComplianceBlocked):
        update_vacancy(session=db, vacancy=vacancy,
                       data=_with(vacancy_input_from(vacancy), description="负责焊接工作，限男性，能吃苦耐劳。"))


def test_auto_approval_is_off_by_default(db):
    employer = make_employer(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input())
    submit_for_review(session=db, vacancy=vacancy)
    assert vacancy.status == "pending"


def test_auto_approval_publishes_clean_posting_of_verified_employer_when_on(db):
    set_flag(session=db, key="auto_approve_verified_employers", on=True)
    employer = make_employer(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input())
    submit_for_review(session=db, vacancy=vacancy)
    assert vacancy.status == "published" and vacancy.published_at is not None


def test_auto_approval_skips_unverified_employer(db):
    set_flag(session=db, key="auto_approve_verified_employers", on=True)
    employer = make_employer(db, verified=False)
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input())
    submit_for_review(session=db, vacancy=vacancy)
    assert vacancy.status == "pending"


def test_auto_approval_skips_employer_with_a_recent_rejection_even_after_fixing_it(db):
    set_flag(session=db, key="auto_approve_verified_employers", on=False)
    employer = make_employer(db)
    first = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input())
    submit_for_review(session=db, vacancy=first)
    reject_vacancy(session=db, vacancy_id=first.id, reason="工作地址不详")
    update_vacancy(session=db, vacancy=first, data=_with(vacancy_input_from(first), address="泽头镇工业园8号"))
    submit_for_review(session=db, vacancy=first)  # fixed and resubmitted: no vacancy is "rejected" any more
    set_flag(session=db, key="auto_approve_verified_employers", on=True)
    second = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input(title="叉车司机",
                            description="负责仓库货物装卸和搬运，持叉车证。"))
    submit_for_review(session=db, vacancy=second)
    assert second.status == "pending"


def test_auto_approval_skips_posting_with_compliance_flags(db):
    set_flag(session=db, key="auto_approve_verified_employers", on=True)
    employer = make_employer(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id,
                             data=vacancy_input(title="保洁阿姨", description="负责厂区办公楼日常保洁工作。"))
    submit_for_review(session=db, vacancy=vacancy)
    assert vacancy.status == "pending" and vacancy.compliance_flags


def test_suspended_employer_cannot_submit(db):
    from jobbridge.employers.service import suspend_employer

    employer = make_employer(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input())
    suspend_employer(session=db, employer_id=employer.id, reason="投诉核实中")
    with pytest.raises(Forbidden):
        submit_for_review(session=db, vacancy=vacancy)


def test_approval_and_rejection_notify_every_member_once(db):
    employer, member = employer_with_member(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id, data=vacancy_input())
    submit_for_review(session=db, vacancy=vacancy)
    approve_vacancy(session=db, vacancy_id=vacancy.id)
    approve_vacancy(session=db, vacancy_id=vacancy.id)
    messages = db.exec(select(OutboxMessage).where(OutboxMessage.user_id == member.id)).all()
    assert [m.kind for m in messages] == ["vacancy.published"]


def test_staff_rule_with_an_existing_id_is_refused(db):
    with pytest.raises(DomainError) as caught:
        add_rule(session=db, rule={"id": "gender_restriction", "category": "性别歧视", "severity": "block",
                                   "law": "就业促进法", "message": "不得限定性别", "keywords": ["只要小伙"]},
                 staff_id=None)
    assert "已存在" in caught.value.message


def test_a_broken_stored_rule_does_not_stop_submissions(db):
    db.add(ComplianceRule(rule={"id": "broken", "severity": "block"}))
    db.flush()
    assert any(rule.id == "gender_restriction" for rule in active_rules(session=db))


def test_staff_rule_blocks_matching_posting(db):
    add_rule(session=db, rule={"id": "training_fee", "category": "收费", "severity": "block",
                               "law": "《就业服务与就业管理规定》第十四条", "message": "不得收取培训费",
                               "keywords": ["先交培训费"]}, staff_id=None)
    employer = make_employer(db)
    vacancy = create_vacancy(session=db, employer_id=employer.id,
                             data=vacancy_input(description="负责钢结构焊接工作，入职先交培训费。"))
    with pytest.raises(ComplianceBlocked) as caught:
        submit_for_review(session=db, vacancy=vacancy)
    assert any(f["rule_id"] == "training_fee" for f in caught.value.findings)


def test_valid_until_beyond_ninety_days_is_refused(db):
    from jobbridge.employers.vacancies import today_local

    employer = make_employer(db)
    with pytest.raises(FormErrors) as caught:
        create_vacancy(session=db, employer_id=employer.id,
                       data=vacancy_input(valid_until=today_local() + timedelta(days=91)))
    assert "90天" in caught.value.errors["valid_until"]
