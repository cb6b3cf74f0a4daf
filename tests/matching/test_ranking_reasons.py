"""Reasons: short Chinese phrases for exactly the signals that added to a result's score."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from jobbridge.matching.model import SIGNALS, Geography, Profile, VacancyDoc, Weights
from jobbridge.matching.ranking import MatchIndex

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ZETOU, XIAOGUAN, GEJIA = "371003107", "371003108", "371003109"
ZETOU_VILLAGE = "371003107201"
WELDER = "6-18-02-04"
# Test fixture adjacency (not the real map).
GEO = Geography.from_pairs(adjacent_pairs=[(ZETOU, XIAOGUAN), (XIAOGUAN, GEJIA)])

DOCS = [
    VacancyDoc(
        id=1,
        title="电焊工",
        text="二保焊、氩弧焊，船舶焊接",
        occupation_code=WELDER,
        town_code=ZETOU,
        min_education="初中",
        age_min=18,
        age_max=55,
        pay_monthly_min=6500.0,
        pay_monthly_max=9000.0,
        employment_type="全职",
        published_at=NOW - timedelta(days=1),
    ),
    VacancyDoc(
        id=2,
        title="海参加工",
        text="海参清洗分拣，日结",
        village_code=ZETOU_VILLAGE,
        employment_type="零工日结",
        published_at=NOW - timedelta(days=10),
    ),
    VacancyDoc(
        id=3,
        title="电焊工",
        text="钢结构焊接",
        occupation_code=WELDER,
        town_code=GEJIA,
        pay_monthly_min=5000.0,
        pay_monthly_max=7000.0,
        employment_type="全职",
    ),
    VacancyDoc(id=4, title="仓库管理员", text="出入库登记", town_code=XIAOGUAN, employment_type="全职"),
]


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(DOCS, geography=GEO, now=NOW, names={WELDER: "焊工"})


def by_id(matches) -> dict:
    return {m.vacancy_id: m for m in matches}


def test_profile_with_only_a_village_gets_distance_reasons_only(index):
    matches = index.top_k(Profile(village_code=ZETOU_VILLAGE), k=10, now=NOW)
    reasons = by_id(matches)
    assert reasons[2].reasons == ("同村",)
    assert reasons[1].reasons == ("同镇",)
    assert reasons[4].reasons == ("邻镇",)
    assert all(len(m.reasons) == 1 for m in matches)


def test_no_education_on_the_profile_gives_no_education_reason(index):
    without = by_id(index.top_k(Profile(text="电焊", town_code=ZETOU), now=NOW))[1]
    with_edu = by_id(index.top_k(Profile(text="电焊", town_code=ZETOU, education="高中"), now=NOW))[1]
    assert "学历符合" not in without.reasons
    assert without.signals["education"] == 0.0
    assert "学历符合" in with_edu.reasons


def test_reasons_correspond_exactly_to_positively_contributing_signals(index):
    person = Profile(
        text="电焊工，会氩弧焊",
        occupation_codes=(WELDER,),
        village_code=ZETOU_VILLAGE,
        birth_year=1980,
        education="初中",
        pay_expectation_monthly=6000.0,
        employment_types=("全职",),
    )
    weights = Weights()
    for match in index.top_k(person, k=10, now=NOW):
        contributing = [n for n in SIGNALS if weights.of(n) * match.signals[n] > 0]
        assert len(match.reasons) == len(contributing)
        contributions = [weights.of(n) * match.signals[n] for n in contributing]
        assert sorted(contributions, reverse=True) == [
            weights.of(n) * match.signals[n] for n in _order(match, weights)
        ]


def _order(match, weights) -> list[str]:
    """Signals in the order the reasons must follow (largest contribution first)."""
    names = [n for n in SIGNALS if weights.of(n) * match.signals[n] > 0]
    return sorted(names, key=lambda n: (-weights.of(n) * match.signals[n], SIGNALS.index(n)))


def test_rich_profile_gets_every_kind_of_reason_in_contribution_order(index):
    person = Profile(
        text="电焊工，会氩弧焊",
        occupation_codes=(WELDER,),
        town_code=ZETOU,
        birth_year=1980,
        education="初中",
        pay_expectation_monthly=6000.0,
        employment_types=("全职",),
    )
    top = index.top_k(person, k=1, now=NOW)[0]
    assert top.vacancy_id == 1
    assert top.reasons[:2] == ("同镇", "工种对口(焊工)")
    assert set(top.reasons) == {
        "同镇",
        "工种对口(焊工)",
        "经历相近",
        "薪资达到期望",
        "全职",
        "学历符合",
        "年龄符合",
        "新发布",
    }


def test_occupation_name_comes_from_a_callable_too():
    index = MatchIndex.build(
        DOCS, geography=GEO, now=NOW, names=lambda code: "电焊工" if code == WELDER else None
    )
    top = index.top_k(Profile(occupation_codes=(WELDER,)), k=1, now=NOW)[0]
    assert top.reasons[0] == "工种对口(电焊工)"


def test_unnamed_occupation_still_gets_a_plain_reason():
    index = MatchIndex.build(DOCS, geography=GEO, now=NOW)
    top = index.top_k(Profile(occupation_codes=("6-18-02-01",)), k=1, now=NOW)[0]
    assert top.reasons == ("工种相近", "新发布")  # same 小类 as the welding job, posted yesterday


def test_day_labour_type_reads_as_daily_pay(index):
    match = by_id(index.top_k(Profile(text="海参加工", employment_types=("零工日结",)), now=NOW))[2]
    assert "日结" in match.reasons


def test_freshness_is_only_a_reason_for_work_the_person_asked_for(index):
    person = Profile(text="海参加工", town_code=GEJIA)
    matches = by_id(index.top_k(person, k=10, now=NOW))
    assert "近期发布" in matches[2].reasons  # 10 days old and matching
    assert matches[1].reasons == ("区内",)  # posted yesterday, but not the work asked for
    assert matches[1].signals["freshness"] == 0.0


def test_signal_with_zero_weight_gives_no_reason(index):
    weights = replace(Weights(), distance=0.0)
    matches = index.top_k(Profile(village_code=ZETOU_VILLAGE, text="海参"), k=10, now=NOW, weights=weights)
    assert all("同村" not in m.reasons and "同镇" not in m.reasons for m in matches)


def test_people_ranking_explains_from_the_vacancy_side(index):
    person = Profile(id=5, town_code=ZETOU, extra_doc_ids=(3,), text="焊工")
    ranked = index.rank_people(DOCS[0], [person], k=1, now=NOW)
    assert ranked[0].profile_id == 5
    assert "看过类似岗位" in ranked[0].reasons
    assert "同镇" in ranked[0].reasons
