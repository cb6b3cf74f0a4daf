"""Ranking behaviour of MatchIndex on a small Wendeng fixture: distance, rules, people ranking, consistency."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from importlib import resources

import numpy as np
import pytest
from scipy import sparse

from jobbridge.matching.features import top_rows
from jobbridge.matching.model import Geography, HardRules, Profile, VacancyDoc, Weights
from jobbridge.matching.ranking import MatchIndex
from jobbridge.matching.text import char_tfidf
from jobbridge.matching.textvec import DocVectorizer, light_normalize

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ZETOU, XIAOGUAN, GEJIA, SONGCUN, MISHAN = "371003107", "371003108", "371003109", "371003106", "371003110"
ZETOU_VILLAGE = "371003107201"
WELDER = "6-18-02-04"

# Test fixture, not the real map: 泽头镇 borders 宋村镇 and 小观镇; 葛家镇 is two towns away (via 小观镇).
GEO = Geography.from_pairs(
    villages=[(ZETOU_VILLAGE, ZETOU), ("371003109200", GEJIA)],
    adjacent_pairs=[(ZETOU, SONGCUN), (ZETOU, XIAOGUAN), (XIAOGUAN, GEJIA)],
)


def welding_job(vacancy_id: int, town: str, **extra) -> VacancyDoc:
    """The same welding vacancy, placed in a given town."""
    fields = {
        "title": "电焊工",
        "text": "二保焊、氩弧焊，船舶分段焊接，有焊工证优先",
        "occupation_code": WELDER,
        "town_code": town,
        "pay_monthly_min": 6000.0,
        "pay_monthly_max": 9000.0,
        "employment_type": "全职",
        "published_at": NOW - timedelta(days=2),
    }
    return VacancyDoc(id=vacancy_id, **(fields | extra))


def fixture_docs() -> list[VacancyDoc]:
    """A handful of realistic county vacancies."""
    return [
        welding_job(1, GEJIA),
        welding_job(2, ZETOU),
        VacancyDoc(
            id=3,
            title="海参加工普工",
            text="海参清洗、分拣，计件",
            village_code=ZETOU_VILLAGE,
            employment_type="零工日结",
            published_at=NOW - timedelta(days=1),
        ),
        VacancyDoc(
            id=4,
            title="超市收银员",
            text="收银、理货，会用收银机",
            town_code=MISHAN,
            min_education="高中/中专",
            employment_type="全职",
            pay_monthly_min=3000.0,
            pay_monthly_max=3500.0,
        ),
        VacancyDoc(
            id=5,
            title="电焊工",
            text="结构件焊接",
            occupation_code=WELDER,
            town_code=XIAOGUAN,
            min_education="高中/中专",
            age_max=45,
            is_open=False,
        ),
        VacancyDoc(
            id=6,
            title="铆焊工",
            text="钢结构铆焊，看懂图纸",
            occupation_code=WELDER,
            town_code=SONGCUN,
            min_education="大专",
            age_min=18,
            age_max=40,
            employer_id=77,
        ),
    ]


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(fixture_docs(), geography=GEO, now=NOW, names={WELDER: "焊工"})


def welder(**extra) -> Profile:
    """A welder living in 泽头镇."""
    fields = {
        "id": 1,
        "text": "干过八年电焊，会氩弧焊、二保焊",
        "occupation_codes": (WELDER,),
        "town_code": ZETOU,
    }
    return Profile(**(fields | extra))


def ids(matches) -> list[int]:
    return [m.vacancy_id for m in matches]


def test_welder_in_zetou_sees_the_zetou_welding_job_before_the_same_job_two_towns_away(index):
    ranked = ids(index.top_k(welder(), k=10, now=NOW))
    assert ranked.index(2) < ranked.index(1)
    assert ranked[0] == 2


def test_closed_vacancy_is_never_ranked(index):
    assert 5 not in ids(index.top_k(welder(), k=10, now=NOW))
    assert index.rank_people(fixture_docs()[4], [welder()], k=5, now=NOW) == []


def test_education_filter_removes_and_demote_pushes_below(index):
    person = welder(education="初中")
    filtered = ids(index.top_k(person, k=10, now=NOW, hard=HardRules(education="filter")))
    demoted = index.top_k(person, k=10, now=NOW, hard=HardRules(education="demote"))
    ignored = index.top_k(person, k=10, now=NOW, hard=HardRules(education="ignore"))
    assert 6 not in filtered and 4 not in filtered
    assert 6 in ids(demoted)
    by_id = {m.vacancy_id: m for m in demoted}
    assert by_id[6].signals["breach_education"] == 1.0
    penalty = Weights().demote_penalty
    assert by_id[6].score == pytest.approx({m.vacancy_id: m for m in ignored}[6].score - penalty)


def test_age_filter_removes_vacancies_the_person_is_too_old_for(index):
    person = welder(birth_year=1976)  # 50 at NOW; vacancy 6 takes 18–40
    assert 6 not in ids(index.top_k(person, k=10, now=NOW, hard=HardRules(age="filter", education="ignore")))
    assert 6 in ids(index.top_k(person, k=10, now=NOW, hard=HardRules(age="demote", education="ignore")))


def test_travel_range_filter_keeps_only_the_towns_the_person_accepts(index):
    person = welder(travel_range="邻镇")
    ranked = ids(index.top_k(person, k=10, now=NOW, hard=HardRules(travel="filter")))
    assert 1 not in ranked  # 葛家镇 is beyond the neighbouring towns
    assert {2, 6} <= set(ranked)


def test_exclude_ids_and_only_ids_restrict_the_candidates(index):
    assert 2 not in ids(index.top_k(welder(), k=10, now=NOW, exclude_ids=[2]))
    assert set(ids(index.top_k(welder(), k=10, now=NOW, only_ids=[3, 4]))) == {3, 4}


def test_rank_people_puts_the_nearby_welder_first(index):
    near = welder(id=10)
    far = Profile(id=11, text="超市收银，理货", town_code=GEJIA)
    unknown = Profile(id=12)
    ranked = index.rank_people(fixture_docs()[1], [far, unknown, near], k=3, now=NOW)
    assert [p.profile_id for p in ranked][0] == 10
    assert ranked[0].score > ranked[1].score


def test_suggest_booths_returns_each_employer_once(index):
    booths = index.suggest_booths(welder(), vacancy_ids=[1, 2, 6], k=5, now=NOW)
    assert [employer for employer, _ in booths] == [77]  # only vacancy 6 names an employer


def test_top_k_scores_equal_the_per_pair_explanation(index):
    person = welder(
        village_code=ZETOU_VILLAGE,
        education="初中",
        birth_year=1985,
        pay_expectation_monthly=6000.0,
        employment_types=("全职",),
        extra_doc_ids=(2,),
        travel_range="本镇",
    )
    ranked = index.top_k(person, k=10, now=NOW)
    explained = index.score_pairs(person, [m.vacancy_id for m in ranked], now=NOW)
    assert [m.vacancy_id for m in explained] == ids(ranked)
    for fast, exact in zip(ranked, explained, strict=True):
        assert fast.score == pytest.approx(exact.score, abs=1e-9)
        assert fast.reasons == exact.reasons


def test_scores_lists_every_eligible_vacancy(index):
    vacancy_ids, scores = index.scores(welder(), now=NOW)
    assert sorted(vacancy_ids.tolist()) == [1, 2, 3, 4, 6]
    assert scores[vacancy_ids.tolist().index(2)] == scores.max()


def test_distance_bands_follow_the_geography():
    assert GEO.distance_band(ZETOU_VILLAGE, ZETOU_VILLAGE) == "same_village"
    assert GEO.distance_band(ZETOU_VILLAGE, ZETOU) == "same_town"
    assert GEO.distance_band(ZETOU, XIAOGUAN) == "adjacent_town"
    assert GEO.distance_band(XIAOGUAN, ZETOU) == "adjacent_town"
    assert GEO.distance_band(ZETOU, GEJIA) == "district"
    assert GEO.distance_band(None, ZETOU) == "unknown"


def test_weights_round_trip_and_reject_unknown_names():
    w = Weights(text=0.5, distance=3.0)
    assert Weights.from_dict(w.to_dict()) == w
    with pytest.raises(ValueError):
        Weights.from_dict({"txet": 1.0})


def test_fast_text_rows_equal_the_fitted_sklearn_vectorizer():
    with (resources.files("jobbridge") / "data/job_postings/zhaopin_wuhan_2024.csv").open(
        encoding="utf-8"
    ) as fh:
        rows = list(csv.DictReader(fh))[:200]
    titles = [r["岗位名称"] for r in rows] + ["", "Ｃ++ 开发", "焊工\n\n学徒", "a b"]
    bodies = [r["工作简介"] for r in rows] + ["  ", "", "氩弧焊，二保焊", "x"]
    dv = DocVectorizer(char_tfidf(preprocessor=None), max_terms=10**6).fit(titles, bodies)
    raw = [f"{dv._raw_title(t)} {dv._raw_body(b)}" for t, b in zip(titles, bodies, strict=True)]
    fast = dv._tfidf(raw)
    reference = sparse.csr_matrix(dv.vectorizer.transform([light_normalize(s) for s in raw]))
    assert abs(fast - reference).max() < 1e-6
    assert fast.nnz == reference.nnz


def test_document_rows_are_pruned_and_unit_length():
    docs = fixture_docs()
    dv = DocVectorizer(max_terms=8).fit([d.title for d in docs], [d.text for d in docs])
    rows = dv.transform_docs([d.title for d in docs], [d.text for d in docs])
    assert np.diff(rows.indptr).max() == 8
    assert np.allclose(np.sqrt(rows.multiply(rows).sum(axis=1)).A.ravel(), 1.0)


def test_top_rows_equals_a_full_sort_even_with_many_ties():
    rng = np.random.default_rng(7)
    for trial in range(300):
        n = int(rng.integers(0, 3000))
        values = [
            rng.random(n),
            np.round(rng.random(n) * 3) / 3,
            np.full(n, 0.5),
            np.where(rng.random(n) < 0.9, -np.inf, np.round(rng.random(n), 1)),
        ][trial % 4]
        vacancy_ids = rng.permutation(3 * n)[:n]
        k = int(rng.integers(1, 30))
        eligible = np.flatnonzero(values > -np.inf)
        expected = eligible[np.lexsort((vacancy_ids[eligible], -values[eligible]))][:k]
        assert np.array_equal(top_rows(values, vacancy_ids, k), expected)
