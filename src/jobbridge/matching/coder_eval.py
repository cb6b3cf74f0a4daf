"""Measuring the occupation coder: labelled-title accuracy per level and leave-one-alias-out."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from jobbridge.matching.coder import CodeResult, OccupationCoder, code_level

__all__ = ["evaluate_coder", "leave_one_alias_out", "score_levels"]

LEVELS = (1, 2, 3, 4)


def _prefix(code: str, level: int) -> str:
    """First `level` segments of a code ("6-18-02-04", 2 → "6-18")."""
    return "-".join(code.split("-")[:level])


def score_levels(results: list[CodeResult], truths: list[str]) -> dict[int, dict[str, float]]:
    """Per level: n, answered, correct, coverage, precision and accuracy (abstentions count as not correct).

    A truth code is scored at level k only when its own level is ≥ k. An answer at level j counts as an
    answer at every level ≤ j (correct when the first k segments agree) and as an abstention below j.
    """
    out: dict[int, dict[str, float]] = {}
    for k in LEVELS:
        n = answered = correct = 0
        for res, truth in zip(results, truths, strict=True):
            if code_level(truth) < k:
                continue
            n += 1
            if res.level >= k:
                answered += 1
                correct += _prefix(res.code, k) == _prefix(truth, k)
        out[k] = {
            "n": n,
            "answered": answered,
            "correct": correct,
            "coverage": answered / n if n else 0.0,
            "precision": correct / answered if answered else 0.0,
            "accuracy": correct / n if n else 0.0,
        }
    return out


def evaluate_coder(
    *, coder: OccupationCoder, rows: Iterable[Mapping[str, str]], use_descriptions: bool = False
) -> dict:
    """Code each row's title (and description when asked) and score it against the row's code at every level."""
    rows = list(rows)
    titles = [r["title"] for r in rows]
    truths = [r["code"] for r in rows]
    descriptions = [r.get("description") for r in rows] if use_descriptions else None
    start = time.perf_counter()
    results = coder.code_many(titles, descriptions=descriptions)
    elapsed = time.perf_counter() - start
    wrong = [
        (r.title, truth, r.code, r.level)
        for r, truth in zip(results, truths, strict=True)
        if r.level and _prefix(r.code, r.level) != _prefix(truth, min(r.level, code_level(truth)))
    ]
    return {
        "n": len(rows),
        "levels": score_levels(results, truths),
        "seconds": elapsed,
        "titles_per_second": len(rows) / elapsed if elapsed else float("inf"),
        "mistakes": wrong,
    }


def leave_one_alias_out(coder_factory: Callable[[], OccupationCoder]) -> dict:
    """Hold each alias of every multi-alias 细类 out of the index in turn, code it, and score it per level.

    Exactly what happens: the coder is built once. The pool is every level-4 occupation with at least two
    distinct (normalised) entries that come from the classification file itself (its name and alias column,
    after the coder's alias corrections); the coder's supplementary job-board titles stay in the index but are
    never queried. Each pooled entry is then coded as a title with that single entry masked out of the index
    (its cosine score and its substring match are zeroed), so the occupation can only be found through its
    other aliases, its definition/tasks text and the rest of the index. Caveats: the TF-IDF vocabulary and IDF
    weights are fitted once on the full index, and an identical string filed under a *different* code stays
    visible (that is genuine knowledge, not leakage).
    """
    coder = coder_factory()
    by_code: dict[int, list[int]] = {}
    for eid, (ci, from_file) in enumerate(zip(coder.entry_code, coder.entry_from_file, strict=True)):
        if from_file and coder.table[coder.codes[ci]].level == 4:
            by_code.setdefault(ci, []).append(eid)
    pool = [eid for ids in by_code.values() if len(ids) >= 2 for eid in ids]
    titles = [coder.entry_texts[eid] for eid in pool]
    truths = [coder.codes[coder.entry_code[eid]] for eid in pool]
    start = time.perf_counter()
    results = coder.code_many_excluding(titles, exclude=pool)
    elapsed = time.perf_counter() - start
    return {
        "occupations": sum(1 for ids in by_code.values() if len(ids) >= 2),
        "n": len(pool),
        "levels": score_levels(results, truths),
        "seconds": elapsed,
    }


def format_levels(levels: Mapping[int, Mapping[str, float]]) -> str:
    """A small fixed-width table of per-level figures for printing."""
    lines = ["level      n  coverage  precision  accuracy"]
    for k, m in levels.items():
        lines.append(
            f"{k:>5} {int(m['n']):>6}  {m['coverage']:>8.3f}  {m['precision']:>9.3f}  {m['accuracy']:>8.3f}"
        )
    return "\n".join(lines)
