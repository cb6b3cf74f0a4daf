"""Benchmark the occupation coder: throughput on real posting titles, fixture and leave-one-alias-out accuracy.

Run: .venv/bin/python bench/bench_coder.py
"""

from __future__ import annotations

import csv
import time
from importlib import resources
from pathlib import Path

from jobbridge.matching.coder import OccupationCoder
from jobbridge.matching.coder_eval import evaluate_coder, format_levels, leave_one_alias_out
from jobbridge.matching.text import normalize_text

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "labelled_titles.csv"
REPEAT_TO = 10_000


def _postings() -> list[dict[str, str]]:
    """The 814 real postings shipped with the package."""
    path = resources.files("jobbridge") / "data/job_postings/zhaopin_wuhan_2024.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _throughput(coder: OccupationCoder, titles: list[str], *, runs: int = 3) -> tuple[float, float]:
    """Best-of-`runs` titles/s for one code_many call (wall clock, CPU time), normaliser cache emptied each run."""
    wall = cpu = float("inf")
    for _ in range(runs):
        normalize_text.cache_clear()
        w0, c0 = time.perf_counter(), time.process_time()
        coder.code_many(titles)
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return len(titles) / wall, len(titles) / cpu


def main() -> None:
    """Print build time, throughput and accuracy figures."""
    start = time.perf_counter()
    coder = OccupationCoder.load()
    print(
        f"index build: {time.perf_counter() - start:.2f} s, {len(coder.entry_texts)} entries, {len(coder.codes)} codes"
    )

    postings = _postings()
    titles = [p["岗位名称"] for p in postings]
    repeated = (titles * (REPEAT_TO // len(titles) + 1))[:REPEAT_TO]
    coder.code_many(titles[:50])  # warm-up outside the timed runs
    wall, cpu = _throughput(coder, repeated)
    print(
        f"\nthroughput, {len(repeated)} posting titles (814 repeated): {wall:,.0f} titles/s wall, {cpu:,.0f} CPU"
    )
    # Repeats inside a batch are scored once, so also time distinct strings: every title plus the
    # classification's own entries with 助理 appended (none of these repeat).
    distinct = list(dict.fromkeys(titles + coder.entry_texts + [t + "助理" for t in coder.entry_texts]))
    wall, cpu = _throughput(coder, distinct)
    print(
        f"throughput, {len(distinct)} distinct titles: {wall:,.0f} titles/s wall, {cpu:,.0f} CPU (one process, one core)"
    )

    with FIXTURE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    report = evaluate_coder(coder=coder, rows=rows)
    print(f"\nfixture ({report['n']} hand-labelled posting titles), title only:")
    print(format_levels(report["levels"]))
    descriptions = {}
    for p in postings:
        descriptions.setdefault(p["岗位名称"], p["工作简介"])
    with_desc = [dict(r, description=descriptions.get(r["title"], "")) for r in rows]
    report_desc = evaluate_coder(coder=coder, rows=with_desc, use_descriptions=True)
    print("fixture, title + posting description:")
    print(format_levels(report_desc["levels"]))

    loo = leave_one_alias_out(lambda: coder)
    print(
        f"\nleave-one-alias-out ({loo['n']} held-out aliases of {loo['occupations']} occupations, "
        f"{loo['seconds']:.1f} s):"
    )
    print(format_levels(loo["levels"]))
    print(
        "\ncoverage = answered at that level or deeper; precision = correct / answered; "
        "accuracy = correct / all (abstentions count as not correct)"
    )


if __name__ == "__main__":
    main()
