"""Vacancy pay: parsing real job-board salary strings, Chinese display, monthly estimate, validation."""

from __future__ import annotations

import csv
from collections import Counter
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobbridge.employers.pay import Pay, parse_posting_salary, validate_pay

# One example of every distinct format in the 薪资 column of zhaopin_wuhan_2024.csv, plus the brief's own.
FORMATS = [
    ("1.5万-2.5万", Pay(kind="月薪", low=15000, high=25000)),
    ("1.5万-2万元/月", Pay(kind="月薪", low=15000, high=20000)),
    ("1万-2万", Pay(kind="月薪", low=10000, high=20000)),
    ("4千-8千", Pay(kind="月薪", low=4000, high=8000)),
    ("3千-5千元/月", Pay(kind="月薪", low=3000, high=5000)),
    ("5千-1万", Pay(kind="月薪", low=5000, high=10000)),
    ("6千-1.2万", Pay(kind="月薪", low=6000, high=12000)),
    ("100-120/天", Pay(kind="日薪", low=100, high=120)),
    ("30-60/天", Pay(kind="日薪", low=30, high=60)),
    ("1元/次", Pay(kind="计件", low=1, high=1, unit="元/次")),
    ("8000-12000", Pay(kind="月薪", low=8000, high=12000)),
    ("1-1.5万·13薪", Pay(kind="月薪", low=10000, high=15000, months=13)),
    ("150元/天", Pay(kind="日薪", low=150, high=150)),
    ("150-200元/日", Pay(kind="日薪", low=150, high=200)),
    ("8K-12K", Pay(kind="月薪", low=8000, high=12000)),
    ("15-20k·14薪", Pay(kind="月薪", low=15000, high=20000, months=14)),
    ("8000-1.2万", Pay(kind="月薪", low=8000, high=12000)),
    ("5-8千", Pay(kind="月薪", low=5000, high=8000)),
    ("8000元以上", Pay(kind="月薪", low=8000, high=None)),
    ("4000元/月起", Pay(kind="月薪", low=4000, high=None)),
    ("3000以下", Pay(kind="月薪", low=None, high=3000)),
    ("最高6000元/月", Pay(kind="月薪", low=None, high=6000)),
    ("月薪8000", Pay(kind="月薪", low=8000, high=8000)),
    ("4000～6000元", Pay(kind="月薪", low=4000, high=6000)),
    ("0.5元/件", Pay(kind="计件", low=0.5, high=0.5, unit="元/件")),
]

CONVERTED = [  # pay periods outside 月薪/日薪/计件 are converted, keeping the original in the note
    ("600-1200元/周", "月薪", 2600, 5200, "原文600-1200元/周"),
    ("25元/小时", "日薪", 200, 200, "按每天8小时"),
    ("年薪20-30万", "月薪", 16667, 25000, "按12个月"),
]


@pytest.mark.parametrize(("text", "expected"), FORMATS)
def test_every_salary_format_parses(text: str, expected: Pay) -> None:
    assert parse_posting_salary(text) == expected


@pytest.mark.parametrize(("text", "kind", "low", "high", "note"), CONVERTED)
def test_other_pay_periods_are_converted(text: str, kind: str, low: float, high: float, note: str) -> None:
    pay = parse_posting_salary(text)
    assert (pay.kind, pay.low, pay.high) == (kind, low, high)
    assert note in pay.note


@pytest.mark.parametrize("text", ["面议", "薪资面议", "0千-0千元/月", "", "  ", "待遇优厚", "abc", "8000/季度"])
def test_no_pay_figure_gives_none(text: str) -> None:
    assert parse_posting_salary(text) is None


def test_real_salary_column_coverage() -> None:
    path = resources.files("jobbridge").joinpath("data/job_postings/zhaopin_wuhan_2024.csv")
    with path.open(encoding="utf-8") as fh:
        values = Counter(row["薪资"] for row in csv.DictReader(fh))
    assert (len(values), sum(values.values())) == (114, 814)
    unparsed = {v: n for v, n in values.items() if parse_posting_salary(v) is None}
    # Only "no figure" strings are left: 面议 (10 postings) and the blank-form placeholder 0千-0千元/月 (1).
    assert unparsed == {"面议": 10, "0千-0千元/月": 1}
    for value in values.keys() - unparsed.keys():
        pay = parse_posting_salary(value)
        assert validate_pay(pay) == [], value
        assert pay.kind in {"月薪", "日薪", "计件"}
    kinds = Counter(parse_posting_salary(v).kind for v in values.elements() if v not in unparsed)
    assert kinds == {"月薪": 795, "日薪": 7, "计件": 1}


def test_display() -> None:
    assert Pay(kind="月薪", low=4000, high=6000).display() == "4000-6000元/月"
    assert Pay(kind="日薪", low=150, high=150).display() == "150元/天"
    assert Pay(kind="日薪", low=150, high=200).display() == "150-200元/天"
    assert Pay(kind="计件", low=0.5, high=0.5, unit="元/件").display() == "0.5元/件"
    assert Pay(kind="计件", low=0.35, high=0.5, unit="元/个").display() == "0.35-0.5元/个"
    assert Pay(kind="月薪", low=4000, high=None).display() == "4000元/月起"
    assert Pay(kind="月薪", low=None, high=6000).display() == "最高6000元/月"
    assert Pay(kind="月薪", low=None, high=None).display() == "面议"
    assert Pay(kind="月薪", low=10000, high=15000, months=13).display() == "10000-15000元/月·13薪"
    assert Pay(kind="月薪", low=12345.67, high=12345.67).display() == "12345.67元/月"
    piece = Pay(kind="计件", low=0.5, high=0.5, unit="元/件", monthly_low=4000, monthly_high=6000)
    assert piece.display() == "0.5元/件（预计4000-6000元/月）"


def test_monthly_estimate() -> None:
    assert Pay(kind="月薪", low=4000, high=6000).monthly_estimate() == (4000, 6000)
    assert Pay(kind="日薪", low=150, high=200).monthly_estimate() == (3300, 4400)  # × 22 working days
    assert Pay(kind="日薪", low=150, high=None).monthly_estimate() == (3300, None)
    assert Pay(kind="计件", low=0.5, high=0.5, unit="元/件").monthly_estimate() == (None, None)
    piece = Pay(kind="计件", low=0.5, high=0.5, unit="元/件", monthly_low=4000, monthly_high=6000)
    assert piece.monthly_estimate() == (4000, 6000)


def test_validate_pay_messages() -> None:
    assert validate_pay(Pay(kind="月薪", low=4000, high=6000)) == []
    assert validate_pay(Pay(kind="", low=4000, high=6000)) == ["请选择薪酬类型（月薪、日薪或计件）"]
    assert "只能是月薪、日薪或计件" in validate_pay(Pay(kind="周薪", low=1000, high=1000))[0]
    assert validate_pay(Pay(kind="月薪", low=6000, high=4000)) == ["最低金额不能高于最高金额"]
    assert validate_pay(Pay(kind="月薪", low=None, high=None)) == ["请填写薪酬金额"]
    assert validate_pay(Pay(kind="月薪", low=-1, high=4000)) == ["最低金额必须是大于0的数字"]
    assert validate_pay(Pay(kind="日薪", low=0, high=float("nan"))) == [
        "最低金额必须是大于0的数字", "最高金额必须是大于0的数字"]
    assert validate_pay(Pay(kind="计件", low=0.5, high=0.5)) == ["计件工资请填写计件单位，例如“元/件”"]
    assert validate_pay(Pay(kind="计件", low=0.5, high=0.5, unit="元/件", monthly_low=6000, monthly_high=4000)) == [
        "预计月收入的最低金额不能高于最高金额"]
    assert validate_pay(Pay(kind="月薪", low=4000, high=6000, months=11)) == ["每年发薪月数应在12到24之间"]


amounts = st.integers(min_value=1, max_value=200_000)


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(["月薪", "日薪", "计件"]), a=amounts, b=amounts, months=st.integers(12, 16))
def test_display_parses_back_to_the_same_pay(kind: str, a: int, b: int, months: int) -> None:
    low, high = sorted((float(a), float(b)))
    pay = Pay(kind=kind, low=low, high=high, unit="元/件" if kind == "计件" else None, months=months)
    assert parse_posting_salary(pay.display()) == pay
