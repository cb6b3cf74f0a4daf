"""Behaviour of the occupation coder, the classification table helpers and the shared text normaliser."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from jobbridge.matching.coder import (
    CodeResult,
    OccupationCoder,
    ancestors,
    get_coder,
    occupation_table,
    proximity_level,
)
from jobbridge.matching.coder_eval import evaluate_coder, leave_one_alias_out
from jobbridge.matching.text import char_tfidf, normalize_text

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "labelled_titles.csv"

# Measured with the default CoderParams (bench/bench_coder.py): level-1 accuracy 0.954, level-4 precision 0.927.
LEVEL1_ACCURACY_FLOOR = 0.954 - 0.04
LEVEL4_PRECISION_FLOOR = 0.927 - 0.06


@pytest.fixture(scope="module")
def coder() -> OccupationCoder:
    return get_coder()


def _code_named(name: str) -> str:
    return next(code for code, row in occupation_table().items() if row.name == name and row.level == 4)


def test_table_parses_levels_aliases_and_markers():
    table = occupation_table()
    assert sum(row.level == 4 for row in table.values()) == 1632  # 1,634 rows less two exact duplicates
    welder = table[_code_named("焊工")]
    assert "氩弧焊工" in welder.aliases
    software = table["2-02-10-03"]
    assert software.name == "计算机软件工程技术人员" and software.digital and not software.green


def test_leaf_listed_as_both_levels_is_a_leaf():
    assert occupation_table()["2-03-01-00"].level == 4


def test_ancestors_are_self_first_and_skip_missing_parents():
    assert ancestors("6-18-02-04") == ["6-18-02-04", "6-18-02-00", "6-18-00-00", "6-00-00-00"]
    # 2-02-32-00 is absent from the file, so its children hang directly under the 中类.
    assert ancestors("2-02-32-02") == ["2-02-32-02", "2-02-00-00", "2-00-00-00"]
    assert occupation_table()["2-02-32-02"].parent == "2-02-00-00"


def test_proximity_levels():
    assert proximity_level("6-18-02-04", "6-18-02-04") == 4
    assert proximity_level("6-18-02-04", "6-18-02-01") == 3
    assert proximity_level("6-18-02-04", "6-18-01-01") == 2
    assert proximity_level("6-18-02-04", "6-20-01-01") == 1
    assert proximity_level("6-18-02-04", "4-02-02-01") == 0
    assert proximity_level("6-18-02-00", "6-18-02-04") == 3  # a 小类 answer cannot be "same 细类"
    assert proximity_level("", "6-18-02-04") == 0


@pytest.mark.parametrize("title", ["焊工", "电焊工", "【包吃住】电焊工（急聘）6000-8000元/月"])
def test_welding_titles_code_to_the_welder_occupation(coder, title):
    result = coder.code(title)
    assert result.code == _code_named("焊工")
    assert result.level == 4 and result.confidence > 0.8


def test_nonsense_title_abstains_or_is_unsure(coder):
    result = coder.code("啊啊啊")
    assert result.level <= 1 or result.confidence < 0.3


def test_empty_title_abstains(coder):
    assert coder.code("") == CodeResult(title="", code="", name="未能识别", level=0, confidence=0.0)


@pytest.mark.parametrize("title", ["经理", "技术员", "助理"])
def test_ambiguous_title_backs_off_to_a_coarser_level(coder, title):
    assert coder.code(title).level < 4


def test_generic_production_worker_stays_at_the_major_group(coder):
    result = coder.code("普工")
    assert (result.code, result.level) == ("6-00-00-00", 1)


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("外卖骑手", "4-10-08-01"),
        ("叉车司机", "6-30-05-01"),
        ("新媒体运营", "4-13-01-05"),
        ("会计助理", "2-06-03-00"),
    ],
)
def test_common_board_titles(coder, title, code):
    assert coder.code(title).code == code


def test_batch_results_equal_single_results(coder):
    titles = [
        "电焊工",
        "新媒体运营专员（双休）",
        "经理",
        "",
        "啊啊啊",
        "电焊工",
        "产品经理/主管",
        "数控车床操作工",
    ]
    assert coder.code_many(titles) == [coder.code(t) for t in titles]
    assert coder.code_many(titles, batch_size=3) == coder.code_many(titles)


def test_fixture_accuracy_stays_above_the_measured_floor(coder):
    with FIXTURE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 150
    report = evaluate_coder(coder=coder, rows=rows)
    assert report["levels"][1]["accuracy"] >= LEVEL1_ACCURACY_FLOOR
    assert report["levels"][4]["precision"] >= LEVEL4_PRECISION_FLOOR


def test_fixture_codes_exist_in_the_classification():
    with FIXTURE.open(encoding="utf-8", newline="") as fh:
        codes = {row["code"] for row in csv.DictReader(fh)}
    assert codes <= set(occupation_table())


def test_leave_one_alias_out_scores_every_level(coder):
    report = leave_one_alias_out(lambda: coder)
    assert report["n"] > 2000
    levels = report["levels"]
    assert levels[1]["precision"] > levels[4]["precision"] > 0.5
    assert levels[1]["coverage"] >= levels[4]["coverage"]


def test_normalize_text_removes_noise():
    assert normalize_text("【包吃住】电焊工（急聘）6000-8000元/月 威海") == "电焊工"
    assert normalize_text("ＣＮＣ操机员") == "cnc操机员"
    assert normalize_text("新媒体运营（双休）-东风乘用车eπ营销事业部") == "新媒体运营"
    assert normalize_text("招聘专员") == "招聘专员"  # a recruiter, not boilerplate


def test_char_tfidf_is_a_configured_vectorizer():
    vec = char_tfidf(ngram_range=(2, 2))
    assert isinstance(vec, TfidfVectorizer)
    assert vec.analyzer == "char_wb" and vec.ngram_range == (2, 2)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=30))
def test_any_text_codes_to_a_valid_result(title):
    result = get_coder().code(title)
    assert 0.0 <= result.confidence <= 1.0
    assert result.level == 0 or result.code in occupation_table()
