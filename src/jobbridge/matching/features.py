"""Vectorised signals: one profile against every stored vacancy row at once (mirrors signals.pair_signals)."""

from __future__ import annotations

import numpy as np

from jobbridge.matching.coder import proximity_level
from jobbridge.matching.model import Geography, HardRules, Weights
from jobbridge.matching.signals import (
    BAND_VALUE,
    CITY_REGION,
    CITY_SAME,
    CITY_SEEN,
    FRESH_FULL_DAYS,
    FRESH_ZERO_DAYS,
    OCC_VALUE,
    POPULARITY_HALF,
    POPULARITY_MIN,
    RULES,
    TEXT_FLOOR,
    ProfileFacts,
)
from jobbridge.matching.store import Columns, Lookups

__all__ = ["score_rows", "top_rows"]

_BAND_CODES = ("unknown", "district", "adjacent_town", "same_town", "same_village")
_BAND_ARRAY = np.array([BAND_VALUE[b] for b in _BAND_CODES])


# Per-category lookup tables: one entry per interned value plus a trailing entry that id -1 (unknown) selects,
# so a signal is a single gather over the rows instead of comparisons against every wanted value.
def _table(size: int, fill: float = 0.0) -> np.ndarray:
    return np.full(size + 1, fill)


def _occupation_table(codes: tuple[str, ...], lk: Lookups) -> np.ndarray:
    """Signal value per occupation code id for a person's codes (cached; extended as new codes appear)."""
    table = lk.occ_tables.get(codes)
    known = 0 if table is None else len(table) - 1
    if known < len(lk.occ.values):
        extra = [OCC_VALUE[max(proximity_level(c, code) for c in codes)] for code in lk.occ.values[known:]]
        body = table[:-1] if table is not None else np.empty(0)
        table = np.concatenate((body, extra, [0.0]))
        if len(lk.occ_tables) > 4096:  # bounded: distinct code combinations are few, but never unbounded
            lk.occ_tables.clear()
        lk.occ_tables[codes] = table
    return table


def _distance(p: ProfileFacts, cols: Columns, lk: Lookups, geography: Geography) -> np.ndarray:
    """Band code per row (index into _BAND_CODES); 0 where either side's location is unknown."""
    table = np.ones(len(lk.towns.values) + 1, dtype=np.int8)
    table[-1] = 0
    for town in p.neighbours:
        if (ident := lk.towns.get(town)) >= 0:
            table[ident] = 2
    if (ident := lk.towns.get(p.town)) >= 0:
        table[ident] = 3
    band = table[cols["town"]]
    if geography.is_village(p.place) and (ident := lk.places.get(p.place)) >= 0:
        band[cols["place"] == ident] = 4
    return band


def _city(p: ProfileFacts, cols: Columns, lk: Lookups, region_of_city: np.ndarray) -> np.ndarray:
    table = _table(len(lk.cities.values))
    if p.regions:
        wanted = [lk.regions.get(r) for r in p.regions]
        table[:-1][np.isin(region_of_city, wanted)] = CITY_REGION
    for city in p.seen_cities:
        if (ident := lk.cities.get(city)) >= 0:
            table[ident] = CITY_SEEN
    if (ident := lk.cities.get(p.city)) >= 0:
        table[ident] = CITY_SAME
    return table[cols["city"]]


def score_rows(
    p: ProfileFacts,
    cols: Columns,
    lk: Lookups,
    *,
    geography: Geography,
    region_of_city: np.ndarray,
    text: np.ndarray | None,
    history: np.ndarray | None,
    weights: Weights,
    hard: HardRules,
) -> tuple[np.ndarray, np.ndarray]:
    """(score, filtered) for every row, with the arithmetic of signals.combine.

    Weighted signals are added in SIGNALS order, each as weight × value, so a row's score equals the per-pair
    score bit for bit (signals the profile cannot have are skipped: adding 0.0 changes nothing).
    """
    n = cols.n
    score = np.zeros(n)
    matched = np.zeros(n, dtype=bool)  # rows matching on what the person wants (gates the priors)
    breach: dict[str, np.ndarray] = {}
    w = weights.of

    def add(name: str, values: np.ndarray) -> None:
        np.multiply(values, w(name), out=values)
        np.add(score, values, out=score)

    for name, sims in (("text", text), ("history", history)):
        if sims is not None:
            above = sims >= TEXT_FLOOR
            matched |= above
            add(name, np.where(above, sims, 0.0))
    if p.occupation_codes:
        table, occ = _occupation_table(p.occupation_codes, lk), cols["occ"]
        matched |= (table > 0)[occ]
        add("occupation", table[occ])
    if p.town:
        band = _distance(p, cols, lk, geography)
        add("distance", _BAND_ARRAY[band])
        if p.allowed_bands is not None:
            refused = np.array([b != "unknown" and b not in p.allowed_bands for b in _BAND_CODES])
            breach["travel"] = refused[band]
    if p.city or p.seen_cities:
        add("city", _city(p, cols, lk, region_of_city))
    if p.edu > 0:
        edu = cols["edu"]
        add("education", ((edu > 0) & (edu <= p.edu)).astype(np.float64))
        breach["education"] = edu > p.edu
    if p.age is not None:
        lo, hi = cols["age_min"], cols["age_max"]
        ok = ~(p.age < lo) & ~(p.age > hi)  # NaN bounds compare False: no limit
        has = ~(np.isnan(lo) & np.isnan(hi))
        add("age", (has & ok).astype(np.float64))
        breach["age"] = has & ~ok
    if p.pay is not None:
        values = np.where(cols["pay_min"] >= p.pay, 1.0, np.where(cols["pay_max"] >= p.pay, 0.5, 0.0))
        matched |= values > 0
        add("pay", values)
    if p.types:
        table = _table(len(lk.etypes.values))
        table[[i for i in (lk.etypes.get(t) for t in p.types) if i >= 0]] = 1.0
        values = table[cols["etype"]]
        matched |= values > 0
        add("employment_type", values)
    # The priors only count on matched rows, so they are computed on those rows alone.
    rows = np.flatnonzero(matched)
    if rows.size and weights.freshness != 0.0:
        days = (p.now_ts - cols["published"][rows]) / 86400.0
        fresh = np.clip((FRESH_ZERO_DAYS - days) / (FRESH_ZERO_DAYS - FRESH_FULL_DAYS), 0.0, 1.0)
        score[rows] += w("freshness") * np.where(np.isnan(days), 0.0, fresh)
    if rows.size and weights.popularity != 0.0:
        pop = cols["popularity"][rows]
        score[rows] += w("popularity") * np.where(pop >= POPULARITY_MIN, pop / (pop + POPULARITY_HALF), 0.0)
    filtered = np.zeros(n, dtype=bool)
    for rule in RULES:
        mask = breach.get(rule)
        mode = getattr(hard, rule)
        if mask is None or mode == "ignore":
            continue
        if mode == "filter":
            filtered |= mask
        else:
            score -= weights.demote_penalty * mask
    return score, filtered


def top_rows(values: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
    """Rows of the k largest values (-inf = not eligible), ordered by value desc then id asc.

    np.argpartition slows down by an order of magnitude on the many equal scores that discrete signals
    produce, so a threshold from a small sorted sample narrows the rows first and ties are resolved level
    by level (at most k levels, each one pass over the narrowed rows).
    """
    n = len(values)
    if k <= 0 or n == 0:
        return np.empty(0, dtype=np.int64)
    step = max(1, n // 4096)
    sample = np.sort(values[::step])
    rank = min(len(sample), -(-(8 * k + 64) // step))  # aim for a few hundred candidate rows
    threshold = sample[-rank]
    cand = np.flatnonzero(values >= threshold) if threshold > -np.inf else np.flatnonzero(values > -np.inf)
    if len(cand) < k and threshold > -np.inf:
        cand = np.flatnonzero(values > -np.inf)  # the sample missed: take every eligible row
    vals, cand_ids = values[cand], ids[cand]
    picked: list[np.ndarray] = []
    remaining, upper = k, np.inf
    while remaining > 0 and len(vals):
        below = vals < upper
        if not below.any():
            break
        level = vals[below].max()
        rows = np.flatnonzero(vals == level)
        if len(rows) > remaining:  # ids are unique, so partitioning them has no tie problem
            rows = rows[np.argpartition(cand_ids[rows], remaining - 1)[:remaining]]
        picked.append(rows[np.argsort(cand_ids[rows], kind="stable")])
        remaining -= len(rows)
        upper = level
    return cand[np.concatenate(picked)] if picked else np.empty(0, dtype=np.int64)
