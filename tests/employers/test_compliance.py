"""Vacancy compliance check: discrimination, fees, retained documents, missing data, reposts."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobbridge.employers.compliance import (
    NEAR_DUPLICATE_THRESHOLD,
    ComplianceReport,
    check_vacancy,
    find_near_duplicates,
    load_rules,
    validate_rule_dict,
)
from jobbridge.employers.pay import Pay, parse_posting_salary

RULES = load_rules()
GOOD_PAY = Pay(kind="月薪", low=4000, high=6000)
EQUAL = "就业促进法》第二十六条"


def check(text: str, *, title: str = "普工", pay: Pay | None = GOOD_PAY, hours: str | None = "8:00-17:00",
          **kwargs) -> ComplianceReport:
    """Check a description with otherwise complete vacancy data."""
    return check_vacancy(title=title, description=text, pay=pay, hours=hours, rules=RULES, **kwargs)


def rule_ids(report: ComplianceReport) -> set[str]:
    """Ids of every finding in a report."""
    return {f.rule_id for f in report.blocks + report.flags}


# (text, rule id, category, a fragment of the law that must be cited)
MUST_BLOCK = [
    ("限男性", "gender_restriction", "性别歧视", "第二十七条"),
    ("仅限男性", "gender_restriction", "性别歧视", "人社部发〔2019〕17号"),
    ("只招女", "gender_restriction", "性别歧视", "第二十七条"),
    ("男性优先", "gender_preference", "性别歧视", "人社部发〔2019〕17号"),
    ("女士优先", "gender_preference", "性别歧视", "人社部发〔2019〕17号"),
    ("已婚已育优先", "marital_fertility", "婚育歧视", "人社部发〔2019〕17号"),
    ("未婚", "marital_fertility", "婚育歧视", "第二十七条"),
    ("限本地户口", "hukou_restriction", "户籍/地域歧视", "第三十一条"),
    ("仅限本地户口", "hukou_restriction", "户籍/地域歧视", "第三十一条"),
    ("需本地户籍", "hukou_restriction", "户籍/地域歧视", "《网络招聘服务管理规定》第十五条"),
    ("限汉族", "ethnicity", "民族歧视", "第二十八条"),
    ("乙肝携带者勿扰", "hbv_carrier", "乙肝歧视", "人社部发〔2010〕12号"),
    ("乙肝病毒携带者不要", "hbv_carrier", "乙肝歧视", "第三十条"),
    ("无乙肝", "hbv_carrier", "乙肝歧视", "人社部发〔2010〕12号"),
    ("需交押金", "fees", "收费", "《就业服务与就业管理规定》第十四条"),
    ("收取培训费", "fees", "收费", "《就业服务与就业管理规定》第十四条"),
    ("服装费", "fees", "收费", "《中华人民共和国劳动合同法》第九条"),
    ("体检费由求职者承担", "fees", "收费", "第十四条"),
    ("报名费", "fees", "收费", "第十四条"),
    ("扣押身份证", "document_retention", "扣押证件", "《就业服务与就业管理规定》第十四条"),
]

MUST_NOT_BLOCK = [
    "男女不限", "免费提供工作服", "公司承担体检费", "培训合格后上岗（免费培训）", "押金全免",
    "宿舍男女分开", "男女性别不限", "性别不限", "不限户籍", "欢迎外地朋友", "免押金", "不收取任何费用",
    "无需押金", "本地优先录用退役军人", "退役军人优先", "优先录用退役军人", "携带身份证原件及复印件面试",
    "需提供户口本复印件", "女职工享受三八节福利", "员工子女优先入学", "有女装设计经验者优先", "男频漫画编剧",
    "汉语言文学专业优先", "身体健康，持健康证上岗", "体检费用由公司承担", "不扣押任何证件", "少数民族优先",
    "尊重员工宗教信仰", "负责收取物业服务费", "需到武汉参加初试和复试（交通+住宿费用自理）",
    "年龄18-50岁，男女不限", "男女宿舍分开，拎包入住", "熟悉女性用品市场", "需男女各3名",
    "有本地生活服务经验者优先", "乙肝携带者可以应聘", "入职体检不查乙肝", "五险一金、定期体检",
    "包吃包住不收费！", "建立健全各项规章制度", "负责原版英语书籍的策划", "需中国国籍", "性别：男女不限",
]


@pytest.mark.parametrize(("text", "rule_id", "category", "law"), MUST_BLOCK)
def test_must_block_list_is_refused_with_category_and_law(text: str, rule_id: str, category: str, law: str) -> None:
    report = check(text)
    assert not report.ok
    finding = next(f for f in report.blocks if f.rule_id == rule_id)
    assert finding.category == category
    assert law in finding.law
    assert finding.matched_text and finding.matched_text in text
    assert finding.message and finding.field == "岗位描述"


@pytest.mark.parametrize("text", MUST_NOT_BLOCK)
def test_ordinary_text_is_not_blocked(text: str) -> None:
    assert check(text).blocks == ()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(MUST_NOT_BLOCK), min_size=1, max_size=6), st.sampled_from(["，", "；", "。", " ", ""]))
def test_lawful_phrases_combined_never_block(phrases: list[str], sep: str) -> None:
    assert check(sep.join(phrases)).blocks == ()


def test_gender_restriction_family() -> None:
    for text in ("性别：男", "男，18-45周岁", "招女工5名", "要求男性，身体健康", "只招男生", "限女生",
                 "女性勿扰", "不招女", "缝纫女工若干名", "招聘保安（男）", "男保安2名"):
        assert "gender_restriction" in rule_ids(check(text)), text
    # "男性" inside "男女性别不限" must not count as a gender requirement.
    assert check("男女性别不限，能吃苦耐劳").blocks == ()
    for text in ("招聘女装缝纫工", "男女工若干", "男女保安均可", "男装销售", "关爱女性健康产品推广"):
        assert check(text).blocks == (), text


def test_an_exception_phrase_does_not_hide_a_violation_elsewhere() -> None:
    report = check("男女不限，男性优先")
    assert [f.matched_text for f in report.blocks] == ["男性优先"]


def test_gender_rule_goes_to_staff_for_work_women_may_not_do() -> None:
    report = check("矿山井下作业，限男性")
    assert report.ok
    (finding,) = report.flags
    assert finding.rule_id == "gender_restriction" and finding.severity == "flag"
    assert "女职工禁忌" in finding.message


def test_gender_implied_terms_are_flagged_not_blocked() -> None:
    report = check("招聘保洁阿姨", title="保洁阿姨")
    assert report.ok and {f.rule_id for f in report.flags} == {"gender_implied_terms"}
    # The same phrase in two fields is reported once, where it first appears.
    assert [(f.matched_text, f.field) for f in report.flags] == [("阿姨", "岗位名称")]


def test_marital_and_fertility_family() -> None:
    for text in ("两年内不得生育", "婚否", "入职需做妊娠检测", "近期无生育计划", "孕妇勿扰", "要求已婚"):
        assert "marital_fertility" in rule_ids(check(text)), text
    assert check("已婚员工可申请夫妻房，婚育不限").blocks == ()


def test_ethnicity_and_religion_families() -> None:
    for text in ("汉族优先", "民族：汉", "不收少数民族", "回族勿扰"):
        assert "ethnicity" in rule_ids(check(text)), text
    for text in ("要求无宗教信仰", "穆斯林勿扰", "信教者勿扰"):
        assert "religion" in rule_ids(check(text)), text


def test_hukou_and_regional_family() -> None:
    for text in ("外地人勿扰", "新疆籍勿扰", "不招河南人", "本地户口优先", "限武汉市户籍", "需本地人", "限山东籍"):
        report = check(text)
        assert "hukou_restriction" in {f.rule_id for f in report.blocks}, text
    # Local preference may mean a short commute or a policy-restricted job: staff decide.
    report = check("本地优先录用退役军人")
    assert report.ok and [f.rule_id for f in report.flags] == ["regional_preference"]
    report = check("公益性岗位，限本地户籍就业困难人员")
    assert report.ok and [f.rule_id for f in report.flags] == ["hukou_restriction"]


def test_infectious_disease_and_disability_families() -> None:
    assert "hbv_carrier" in rule_ids(check("入职需做乙肝五项检查"))
    assert "pathogen_carrier" in rule_ids(check("ＨＩＶ携带者勿扰"))  # full-width letters
    report = check("身体健康，无传染病")
    assert report.ok and [f.rule_id for f in report.flags] == ["infectious_disease_general"]
    assert "disability" in rule_ids(check("残疾人勿扰"))
    report = check("四肢健全")
    assert report.ok and [f.rule_id for f in report.flags] == ["disability_implied"]


def test_fee_and_document_families() -> None:
    for text in ("押金200元", "服装费由员工承担", "入职体检费用自理", "先交保证金再上岗"):
        assert "fees" in rule_ids(check(text)), text
    for text in ("身份证交由公司统一保管", "入职押身份证原件"):
        assert "document_retention" in rule_ids(check(text)), text
    # One phrase gives one finding, not one per overlapping pattern.
    assert [f.matched_text for f in check("需交押金").blocks] == ["需交押金"]
    # Deposits that belong to the employer's own business are not fees charged to the job seeker.
    assert check("会计：负责投标保证金的办理；负责租车押金退还").blocks == ()


def test_free_text_benefits_and_requirements_are_checked() -> None:
    report = check("负责产品组装", requirements="仅限男性", benefits=("包吃", "工服押金100元"))
    assert {(f.rule_id, f.field) for f in report.blocks} == {
        ("gender_restriction", "任职要求"), ("fees", "福利待遇")}


def test_missing_hours_flag() -> None:
    assert "missing_hours" in rule_ids(check("负责产品组装", hours=None))
    assert "missing_hours" in rule_ids(check("负责产品组装", hours="  "))
    assert "missing_hours" not in rule_ids(check("负责产品组装，长白班，周末双休", hours=None))
    assert "missing_hours" not in rule_ids(check("负责产品组装", hours="8:00-17:00，单休"))


def test_pay_flags() -> None:
    def flags(pay: Pay | None) -> list[tuple[str, str]]:
        return [(f.rule_id, f.message) for f in check("负责产品组装", pay=pay).flags]

    assert flags(GOOD_PAY) == []
    (missing,) = flags(None)
    assert missing[0] == "missing_pay"
    assert flags(Pay(kind="月薪", low=None, high=None))[0][0] == "missing_pay"
    (low,) = flags(Pay(kind="月薪", low=2000, high=3000))
    assert low[0] == "pay_below_minimum" and "2000元/月" in low[1] and "2200元/月" in low[1]
    assert flags(Pay(kind="月薪", low=2200, high=3000)) == []
    (daily,) = flags(Pay(kind="日薪", low=80, high=120))
    assert daily[0] == "pay_below_minimum" and "80元/天" in daily[1]
    (high,) = flags(Pay(kind="月薪", low=150000, high=200000))
    assert high[0] == "pay_too_high" and "200000元/月" in high[1]
    assert flags(Pay(kind="日薪", low=5000, high=5000))[0][0] == "pay_too_high"  # 5000 × 22 a month
    (piece,) = flags(Pay(kind="计件", low=0.5, high=0.5, unit="元/件"))
    assert piece[0] == "piece_rate_without_estimate" and "0.5元/件" in piece[1]
    assert flags(Pay(kind="计件", low=0.5, high=0.5, unit="元/件", monthly_low=4000, monthly_high=6000)) == []


def test_shipped_rules_are_valid_and_cover_every_family() -> None:
    by_category = Counter(r.category for r in RULES)
    assert by_category == {
        "性别歧视": 3, "婚育歧视": 1, "民族歧视": 1, "宗教歧视": 1, "户籍/地域歧视": 2, "乙肝歧视": 1,
        "传染病歧视": 2, "残疾歧视": 2, "收费": 1, "扣押证件": 1, "信息不全": 1, "薪酬": 4,
    }
    assert len({r.id for r in RULES}) == len(RULES)
    assert all(r.law and r.message for r in RULES)


def test_staff_rule_is_validated_and_applied() -> None:
    rule = {"id": "no_night_shift_women", "category": "性别歧视", "severity": "block",
            "keywords": ["夜班不招女"], "law": "《中华人民共和国就业促进法》第二十七条", "message": "请删除。"}
    assert validate_rule_dict(rule) == []
    rules = load_rules(extra=[rule])
    assert len(rules) == len(RULES) + 1
    report = check_vacancy(title="普工", description="夜班不招女", pay=GOOD_PAY, hours="8:00-17:00", rules=rules)
    assert "no_night_shift_women" in {f.rule_id for f in report.blocks}
    with pytest.raises(ValueError, match="已存在"):
        load_rules(extra=[{**rule, "id": "fees"}])
    with pytest.raises(ValueError, match="正则表达式"):
        load_rules(extra=[{**rule, "patterns": ["(限男"]}])


def test_validate_rule_dict_explains_problems_in_chinese() -> None:
    assert validate_rule_dict("限男性") == ["规则必须是键值对（字典）格式"]
    errors = validate_rule_dict({"id": "Bad Id", "severity": "stop", "patterns": ["(未闭合", "x?"],
                                 "fields": ["salary"], "review_if": ["井下"]})
    text = "\n".join(errors)
    for expected in ("规则编号", "类别", "法律依据", "提示语", "block", "无法编译", "空文本", "fields", "review_message"):
        assert expected in text, expected
    assert any("请至少填写一条匹配规则" in e for e in validate_rule_dict({"id": "x1", "severity": "flag"}))
    bad_check = {"id": "pay_x", "category": "薪酬", "severity": "flag", "law": "l", "message": "{nope}",
                 "check": "pay_below_minimum", "params": {"monthly": "2200"}}
    assert any("monthly" in e for e in validate_rule_dict(bad_check))
    assert any("daily" in e for e in validate_rule_dict(bad_check))
    assert any("不存在" in e for e in validate_rule_dict({**bad_check, "check": "magic"}))
    fixed = {**bad_check, "params": {"monthly": 2200, "daily": 100}}
    assert any("占位符" in e for e in validate_rule_dict(fixed))
    assert validate_rule_dict({**fixed, "message": "低于{minimum}"}) == []


def _postings() -> list[dict[str, str]]:
    """The 814 real postings shipped with the package."""
    path = resources.files("jobbridge").joinpath("data/job_postings/zhaopin_wuhan_2024.csv")
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_real_postings_produce_only_the_verified_findings() -> None:
    rows = _postings()
    assert len(rows) == 814
    found: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        report = check_vacancy(title=row["岗位名称"], description=row["工作简介"], requirements=row["岗位标签"],
                               pay=parse_posting_salary(row["薪资"]), hours=None, rules=RULES)
        for finding in report.blocks + report.flags:
            found.setdefault(finding.rule_id, []).append(i)
    # Hand-checked: no posting discriminates, charges fees or retains documents ("男女不限" appears 12 times,
    # "不收取任何费用" twice). The only findings are about pay and, where the text is silent, hours.
    assert {k: len(v) for k, v in found.items()} == {
        "missing_hours": 660, "missing_pay": 11, "pay_below_minimum": 4, "piece_rate_without_estimate": 1}
    assert found["pay_below_minimum"] == [140, 143, 254, 574]  # 2千-3千 (twice), 80-100/天, 30-60/天
    assert found["piece_rate_without_estimate"] == [67]  # 1元/次
    assert found["missing_pay"] == [19, 30, 170, 181, 282, 316, 319, 374, 375, 378, 387]  # 面议, 0千-0千


NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
POST = "招聘普工10名 负责流水线产品组装、包装。18-50周岁，男女不限，能适应长白班。月薪5000-7000元，包吃包住，缴纳五险。"


def test_near_duplicate_within_the_window_is_flagged() -> None:
    repost = POST.replace("5000-7000", "5500-7500") + "满勤奖200元。"
    other = "招聘叉车司机2名 负责仓库货物装卸、搬运。持有叉车证，2年以上经验。月薪6000-8000元，包吃包住，缴纳五险。"
    recent = [(1, "普工", repost, NOW - timedelta(days=3)), (2, "叉车司机", other, NOW - timedelta(days=3)),
              (3, "普工（旧）", POST, NOW - timedelta(days=31)), (4, "普工（新）", POST, NOW - timedelta(days=29))]
    findings = find_near_duplicates(text=POST, recent=recent, now=NOW)
    assert [f.matched_text for f in findings] == ["4:普工（新）", "1:普工"]  # most similar first
    assert findings[1].message.startswith("与30天内发布的「普工」高度相似")
    assert all(f.severity == "flag" and f.category == "重复发布" for f in findings)
    assert find_near_duplicates(text=POST, recent=recent, now=NOW, days=7)[0].message.startswith("与7天内")


def test_near_duplicate_edge_cases() -> None:
    assert find_near_duplicates(text=POST, recent=[], now=NOW) == []
    assert find_near_duplicates(text="", recent=[(1, "普工", POST, NOW)], now=NOW) == []
    assert find_near_duplicates(text="工", recent=[(1, "普工", "工", NOW)], now=NOW) == []
    assert find_near_duplicates(text=POST, recent=[(1, "普工", POST, NOW + timedelta(days=1))], now=NOW) == []


def test_near_duplicate_threshold_on_real_reposts() -> None:
    rows = {r["岗位编号"]: r for r in _postings()}

    def score_flagged(a: str, b: str) -> bool:
        text = lambda r: f"{r['岗位名称']} {r['工作简介']}"  # noqa: E731
        recent = [(1, rows[b]["岗位名称"], text(rows[b]), NOW - timedelta(days=1))]
        return bool(find_near_duplicates(text=text(rows[a]), recent=recent, now=NOW))

    assert NEAR_DUPLICATE_THRESHOLD == 0.75
    # Same vacancy posted twice (0.97) and reworded (0.78): flagged.
    assert score_flagged("CCL1229682740J40640235602", "CCL1229682740J40657566302")
    assert score_flagged("CCL1451153850J40377618201", "CCL1451153850J40671394601")
    # Different jobs of one employer sharing a template (0.66, 0.64, 0.62): not flagged.
    assert not score_flagged("CC395147010J40130403611", "CC395147010J40261812111")
    assert not score_flagged("CC679989880J40687040305", "CC679989880J40687040205")
    assert not score_flagged("CC679989880J40687037305", "CC679989880J40691403605")
    # Known limits: a heavily reworded repost (0.65) is missed; one template for two subjects (0.79) is flagged.
    assert not score_flagged("CCL1210482350J40557063202", "CCL1210482350J40547163702")
    assert score_flagged("CC395147010J40092744111", "CC395147010J40058568111")
