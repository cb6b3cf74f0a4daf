"""Incremental updates of MatchIndex (no refit), removal, compaction and the saved artifact."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

import pytest

from jobbridge.matching.index import FORMAT_VERSION
from jobbridge.matching.model import Geography, Profile, VacancyDoc
from jobbridge.matching.ranking import MatchIndex

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ZETOU, XIAOGUAN, GEJIA = "371003107", "371003108", "371003109"
# Test fixture adjacency (not the real map).
GEO = Geography.from_pairs(adjacent_pairs=[(ZETOU, XIAOGUAN), (XIAOGUAN, GEJIA)])
WELDER = "6-18-02-04"


def docs() -> list[VacancyDoc]:
    return [
        VacancyDoc(
            id=1,
            title="电焊工",
            text="二保焊、氩弧焊",
            occupation_code=WELDER,
            town_code=GEJIA,
            published_at=NOW - timedelta(days=1),
        ),
        VacancyDoc(id=2, title="海参加工", text="海参清洗分拣", town_code=ZETOU, employment_type="零工日结"),
        VacancyDoc(id=3, title="仓库管理员", text="出入库登记，叉车", town_code=XIAOGUAN, employer_id=9),
        VacancyDoc(id=4, title="超市收银员", text="收银理货", town_code=ZETOU),
    ]


WELDER_IN_ZETOU = Profile(id=1, text="电焊，氩弧焊", occupation_codes=(WELDER,), town_code=ZETOU)


def fresh() -> MatchIndex:
    return MatchIndex.build(docs(), geography=GEO, now=NOW)


def ranking(index: MatchIndex, profile: Profile = WELDER_IN_ZETOU) -> list[tuple[int, float]]:
    return [(m.vacancy_id, m.score) for m in index.top_k(profile, k=10, now=NOW)]


def test_upsert_adds_a_vacancy_without_refitting_and_it_ranks_first():
    index = fresh()
    vocabulary, version = dict(index._vec.vectorizer.vocabulary_), index.version
    index.upsert(
        VacancyDoc(id=9, title="电焊工", text="氩弧焊 不锈钢", occupation_code=WELDER, town_code=ZETOU)
    )
    assert index._vec.vectorizer.vocabulary_ == vocabulary
    assert index.version != version
    assert len(index) == 5
    assert ranking(index)[0][0] == 9


def test_upsert_of_changed_text_changes_the_ranking():
    index = fresh()
    person = Profile(text="叉车司机")
    assert ranking(index, person)[0][0] == 3
    index.upsert(VacancyDoc(id=3, title="仓库管理员", text="出入库登记", town_code=XIAOGUAN))
    index.upsert(VacancyDoc(id=4, title="叉车司机", text="持叉车证，装卸货", town_code=ZETOU))
    assert ranking(index, person)[0][0] == 4
    assert len(index) == 4


def test_removing_a_vacancy_drops_it_from_every_ranking_at_once():
    index = fresh()
    index.remove(1)
    assert 1 not in [v for v, _ in ranking(index)]
    assert index.score_pairs(WELDER_IN_ZETOU, [1], now=NOW) == []
    assert 1 not in index.scores(WELDER_IN_ZETOU, now=NOW)[0].tolist()
    assert index.suggest_booths(WELDER_IN_ZETOU, vacancy_ids=[1, 3], now=NOW)[0][0] == 9
    assert index.remove(1) is False


def test_closing_a_vacancy_by_upsert_drops_it_from_every_ranking():
    index = fresh()
    closed = VacancyDoc(
        id=1, title="电焊工", text="二保焊、氩弧焊", occupation_code=WELDER, town_code=GEJIA, is_open=False
    )
    index.upsert(closed)
    assert 1 not in [v for v, _ in ranking(index)]
    assert index.rank_people(closed, [WELDER_IN_ZETOU], now=NOW) == []


def test_save_and_load_give_identical_rankings(tmp_path):
    index = fresh()
    index.upsert(
        VacancyDoc(id=7, title="焊工学徒", text="包吃住", occupation_code=WELDER, town_code=XIAOGUAN)
    )
    index.set_popularity({2: 40})
    path = tmp_path / "match.idx"
    index.save(path)
    loaded = MatchIndex.load(path, geography=GEO)
    for profile in (WELDER_IN_ZETOU, Profile(text="海参"), Profile(town_code=XIAOGUAN, extra_doc_ids=(7,))):
        assert ranking(loaded, profile) == ranking(index, profile)
    assert loaded.version == index.version
    assert len(loaded) == len(index)


def test_compaction_keeps_rankings_and_drops_dead_rows():
    index = fresh()
    for i in range(30):
        index.upsert(VacancyDoc(id=100 + i, title="普工", text=f"车间操作 {i}", town_code=GEJIA))
    for i in range(0, 30, 2):
        index.remove(100 + i)
    before = ranking(index, Profile(text="车间普工"))
    index.compact()
    assert ranking(index, Profile(text="车间普工")) == before
    assert index._cols.n == len(index)


def test_load_refuses_an_artifact_of_another_format(tmp_path):
    path = tmp_path / "old.idx"
    path.write_bytes(pickle.dumps({"format": FORMAT_VERSION + 1}))
    with pytest.raises(ValueError):
        MatchIndex.load(path, geography=GEO)


def test_popularity_counts_only_for_matching_work():
    index = fresh()
    index.set_popularity({4: 100})
    person = Profile(text="超市收银", town_code=ZETOU)
    top = index.top_k(person, k=1, now=NOW)[0]
    assert top.vacancy_id == 4 and "关注度高" in top.reasons
    assert index.top_k(Profile(text="海参", town_code=ZETOU), k=10, now=NOW)[-1].signals["popularity"] == 0.0


def test_upserting_an_unchanged_vacancy_keeps_its_score():
    index = fresh()
    before = ranking(index)
    for doc in docs():
        index.upsert(doc)  # one-document path must give the same text row as the batch build
    assert ranking(index) == before
