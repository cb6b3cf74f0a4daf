"""Benchmark of the ranking core at county scale: 100,000 open vacancies synthesised from real postings.

Run: /work/main/.venv/bin/python bench/bench_matching.py [--docs 100000] [--queries 300] [--brute 10]

Prints build time, top-10 latency (p50/p99), incremental upsert latency (p50/p99) and process memory for
MatchIndex, beside a brute-force exact ranking (every vacancy scored pair by pair through the same signal
definitions, then fully sorted) measured in the same run, with the ratios and the top-10 agreement.
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import numpy as np

from jobbridge.matching.coder import get_coder
from jobbridge.matching.index import MatchIndex
from jobbridge.matching.model import Geography, HardRules, Profile, VacancyDoc
from jobbridge.matching.signals import DocFacts, combine, pair_signals
from jobbridge.vocab import EDUCATION_LEVELS, EMPLOYMENT_TYPES, TRAVEL_RANGES

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
DATA = resources.files("jobbridge") / "data"


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB (VmHWM: getrusage would report the parent's)."""
    with open("/proc/self/status") as fh:
        status = dict(line.split(":", 1) for line in fh if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def parse_pay(text: str) -> tuple[float | None, float | None]:
    """Monthly yuan bounds of strings like "5千-1万", "1.5万-2.5万", "8000-12000" (None for 面议)."""

    def one(part: str) -> float | None:
        m = re.fullmatch(r"([\d.]+)(千|万)?", part.strip())
        if not m:
            return None
        return float(m.group(1)) * {"千": 1000, "万": 10000, None: 1}[m.group(2)]

    parts = text.split("-")
    if len(parts) != 2:
        return None, None
    return one(parts[0]), one(parts[1])


def load_geography() -> tuple[Geography, list[str], list[str]]:
    """Wendeng towns and villages from the division files; adjacency from the project file when present."""
    with (DATA / "divisions/wendeng_371003_villages_nbs2023.csv").open(encoding="utf-8") as fh:
        villages = [(r["code"], r["streetCode"]) for r in csv.DictReader(fh)]
    towns = sorted({t for _, t in villages})
    pairs: list[tuple[str, str]] = []
    adjacency = DATA / "divisions/wendeng_town_adjacency.csv"
    if adjacency.is_file():
        with adjacency.open(encoding="utf-8") as fh:
            pairs = [(r["town_a"], r["town_b"]) for r in csv.DictReader(fh)]
    if not pairs:  # a simple chain keeps the adjacent_town band exercised
        pairs = list(zip(towns, towns[1:], strict=False))
    return Geography.from_pairs(villages=villages, adjacent_pairs=pairs), towns, [v for v, _ in villages]


def synth_docs(n: int, *, rng: random.Random, towns: list[str], villages: list[str]) -> list[VacancyDoc]:
    """n vacancies mixing real titles/descriptions/tags with random places, pay, types and dates."""
    with (DATA / "job_postings/zhaopin_wuhan_2024.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    codes = {r.title: r.code for r in get_coder().code_many([r["岗位名称"] for r in rows]) if r.level > 0}
    edu_map = {"学历不限": "不限", "中专/中技": "高中/中专", "高中": "高中/中专"}
    docs = []
    for i in range(n):
        a, b = rng.choice(rows), rng.choice(rows)
        pay_min, pay_max = parse_pay(a["薪资"])
        in_village = rng.random() < 0.4
        age_max = rng.choice([None, None, 45, 50, 55, 60])
        docs.append(
            VacancyDoc(
                id=i + 1,
                title=a["岗位名称"],
                # Description from another posting plus tags, so texts are not verbatim copies.
                text=f"{b['工作简介']} {a['岗位标签'].replace(';', ' ')}",
                occupation_code=codes.get(a["岗位名称"]),
                village_code=rng.choice(villages) if in_village else None,
                town_code=None if in_village else rng.choice(towns),
                min_education=edu_map.get(a["学历"], a["学历"]),
                age_min=rng.choice([None, 16, 18]),
                age_max=age_max,
                pay_monthly_min=pay_min,
                pay_monthly_max=pay_max,
                employment_type=rng.choices(EMPLOYMENT_TYPES, weights=[70, 8, 12, 6, 4])[0],
                published_at=NOW - timedelta(days=rng.uniform(0, 60)),
                employer_id=rng.randrange(1, 8000),
            )
        )
    return docs


def synth_profiles(
    n: int, *, rng: random.Random, docs: list[VacancyDoc], villages: list[str]
) -> list[Profile]:
    """Job seekers with a mix of filled-in fields (some know only their village)."""
    out = []
    for i in range(n):
        seen = rng.sample(docs, 3)
        rich = rng.random() < 0.8
        out.append(
            Profile(
                id=i + 1,
                text=f"想找{seen[0].title}的工作 做过{seen[1].title}" if rich else "",
                occupation_codes=tuple(c for c in (seen[0].occupation_code,) if c) if rich else (),
                village_code=rng.choice(villages),
                birth_year=rng.randint(1965, 2004) if rich else None,
                education=rng.choice(EDUCATION_LEVELS[1:6]) if rich else None,
                pay_expectation_monthly=rng.choice([None, 4000.0, 6000.0, 8000.0]),
                employment_types=(rng.choice(EMPLOYMENT_TYPES),) if rich else (),
                travel_range=rng.choice((None,) + TRAVEL_RANGES),
                extra_doc_ids=tuple(d.id for d in seen) if rng.random() < 0.5 else (),
            )
        )
    return out


def brute_force_top(
    index: MatchIndex, ids: list[int], facts_of: list[DocFacts], profile: Profile, k: int
) -> list[int]:
    """Exact top-k by scoring every open vacancy pair by pair (no inverted index, no vectorised arrays)."""
    weights, hard = index.weights, HardRules()
    facts, qvec, hvec = index._profile(profile, NOW)
    dense = np.zeros((2, index._rows.n_features), dtype=np.float32)
    if qvec is not None:
        dense[0, qvec.indices] = qvec.data
    if hvec is not None:
        dense[1, hvec.indices] = hvec.data
    matrix = index._rows.matrix()
    scored = []
    for vacancy_id, d in zip(ids, facts_of, strict=True):
        row = index._row_of[vacancy_id]
        lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
        cols, vals = matrix.indices[lo:hi], matrix.data[lo:hi]
        t, h = float(vals @ dense[0, cols]), float(vals @ dense[1, cols])
        sig, breach = pair_signals(facts, d, text_sim=t, history_sim=h, geography=index.geography)
        score, filtered = combine(sig, breach, weights=weights, hard=hard)
        if not filtered:
            scored.append((-score, vacancy_id))
    scored.sort()
    return [vid for _, vid in scored[:k]]


# Run in a fresh process: what a serving worker holds after loading the saved artifact.
_LOADER = """
import sys, time
sys.path.insert(0, sys.argv[2])
from bench_matching import NOW, load_geography, rss_mb
from jobbridge.matching.index import MatchIndex
from jobbridge.matching.model import Profile
base, _ = rss_mb()
t0 = time.perf_counter()
index = MatchIndex.load(sys.argv[1], geography=load_geography()[0])
loaded = time.perf_counter() - t0
index.top_k(Profile(text="电焊工", town_code="371003107"), k=10, now=NOW)
now, peak = rss_mb()
print(f"{loaded:.2f} {base:.0f} {now:.0f} {peak:.0f}")
"""


def loaded_process(index: MatchIndex) -> tuple[float, float, float, float, float]:
    """(artifact MB, load s, RSS before load, RSS after load + one query, peak) in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "match.idx"
        index.save(path)
        size = path.stat().st_size / 2**20
        out = subprocess.run(
            [sys.executable, "-c", _LOADER, str(path), str(Path(__file__).parent)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    return size, float(out[0]), float(out[1]), float(out[2]), float(out[3])


def _load() -> str:
    """1-minute load average (the machine may be shared)."""
    with open("/proc/loadavg") as fh:
        return fh.read().split()[0]


def pct(values: list[float], q: float) -> float:
    """q-th percentile in milliseconds."""
    return float(np.percentile(np.array(values) * 1000, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--upserts", type=int, default=1000)
    parser.add_argument("--brute", type=int, default=10, help="queries for the brute-force comparison")
    args = parser.parse_args()
    load_start = _load()
    rng = random.Random(20261203)
    geography, towns, villages = load_geography()
    docs = synth_docs(args.docs, rng=rng, towns=towns, villages=villages)
    profiles = synth_profiles(args.queries, rng=rng, docs=docs, villages=villages)
    gc.collect()
    before, _ = rss_mb()

    started, cpu = time.perf_counter(), time.process_time()
    index = MatchIndex.build(docs, geography=geography, now=NOW)
    build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    after_build, peak_build = rss_mb()

    for p in profiles[:10]:  # warm caches (normalize_text, key table) before timing
        index.top_k(p, k=10, now=NOW)
    # Wall time is what a caller waits; CPU time shows the cost when other processes share the two cores.
    latencies, latencies_cpu = [], []
    for p in profiles:
        t0, c0 = time.perf_counter(), time.process_time()
        index.top_k(p, k=10, now=NOW)
        latencies.append(time.perf_counter() - t0)
        latencies_cpu.append(time.process_time() - c0)

    upserts, upserts_cpu = [], []
    for i in range(args.upserts):
        base = docs[rng.randrange(len(docs))]
        doc = replace(base, id=args.docs + 1 + i if i % 2 else base.id, published_at=NOW)
        t0, c0 = time.perf_counter(), time.process_time()
        index.upsert(doc)
        upserts.append(time.perf_counter() - t0)
        upserts_cpu.append(time.process_time() - c0)
    t0 = time.perf_counter()
    index.compact()
    compact_s = time.perf_counter() - t0
    current, peak = rss_mb()

    ids = sorted(index._row_of)  # every vacancy is open in this benchmark
    facts_of = [index._facts(index._row_of[i]) for i in ids]
    brute, fast, agree = [], [], []
    for p in profiles[: args.brute]:
        t0 = time.perf_counter()
        exact = brute_force_top(index, ids, facts_of, p, 10)
        brute.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        got = [m.vacancy_id for m in index.top_k(p, k=10, now=NOW)]
        fast.append(time.perf_counter() - t0)
        agree.append(len(set(exact) & set(got)) / 10)

    size, load_s, rss_base, rss_loaded, rss_loaded_peak = loaded_process(index)

    print(f"vacancies indexed            : {len(index):,} (after {args.upserts} upserts)")
    print(f"load average at start/end    : {load_start} / {_load()}")
    print(f"full build                   : {build_s:.2f} s wall, {build_cpu:.2f} s CPU")
    print(
        f"top-10 latency ({len(latencies)} queries): p50 {pct(latencies, 50):.2f} ms, p99 {pct(latencies, 99):.2f} ms "
        f"(CPU p50 {pct(latencies_cpu, 50):.2f}, p99 {pct(latencies_cpu, 99):.2f})"
    )
    print(
        f"upsert latency ({len(upserts)} upserts): p50 {pct(upserts, 50):.2f} ms, p99 {pct(upserts, 99):.2f} ms, "
        f"max {pct(upserts, 100):.1f} ms (CPU p50 {pct(upserts_cpu, 50):.2f}, p99 {pct(upserts_cpu, 99):.2f})"
    )
    print(f"compaction (explicit)        : {compact_s * 1000:.0f} ms")
    print(
        f"RSS memory                   : {current:.0f} MB now (index ≈ {after_build - before:.0f} MB), peak {max(peak, peak_build):.0f} MB"
    )
    print(
        f"fresh process, load artifact : {size:.0f} MB file, load {load_s:.2f} s, RSS {rss_loaded:.0f} MB "
        f"(imports alone {rss_base:.0f} MB), peak {rss_loaded_peak:.0f} MB"
    )
    print(f"brute force ({len(brute)} queries)      : p50 {pct(brute, 50):.0f} ms")
    print(
        f"index on the same queries    : p50 {pct(fast, 50):.2f} ms → {pct(brute, 50) / pct(fast, 50):.0f}× faster"
    )
    print(f"top-10 agreement with exact  : {statistics.mean(agree):.3f}")
    print(
        f"build ({build_s:.1f} s) vs one brute-force query ({pct(brute, 50) / 1000:.1f} s): {build_s / (pct(brute, 50) / 1000):.1f}×"
    )


if __name__ == "__main__":
    main()
