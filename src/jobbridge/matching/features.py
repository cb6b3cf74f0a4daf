"""Vectorised signals: one profile against every stored vacancy row at once (mirrors signals.pair_signals)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    RULES,
    TEXT_FLOOR,
    WHAT_SIGNALS,
    ProfileFacts,
)
from jobbridge.matching.store import Columns, Interner

__all__ = ["Lookups", "score_rows"]

_BAND_CODES = ("unknown", "district", "adjacent_town", "same_town", "same_village")
_BAND_ARRAY = np.array([BAND_VALUE[b] for b in _BAND_CODES])
_OCC_ARRAY = np.array(OCC_VALUE)


@dataclass
class Lookups:
    """The string interners of an index, one per categorical field."""

    places: Interner = field(default_factory=Interner)
    towns: Interner = field(default_factory=Interner)
    cities: Interner = field(default_factory=Interner)
    regions: Interner = field(default_factory=Interner)
    occ: Interner = field(default_factory=Interner)
    occ_prefix: tuple[Interner, ...] = field(default_factory=lambda: tuple(Interner() for _ in range(4)))
    etypes: Interner = field(default_factory=Interner)


def _occupation(p: ProfileFacts, cols: Columns, lk: Lookups) -> np.ndarray:
    """Best proximity level between any of the person's codes and each row's code, as a signal value."""
    level = np.zeros(cols.n, dtype=np.int8)
    doc_level = cols["occ_level"]
    for code in p.occupation_codes:
        segs = code.split("-")
        same = np.ones(cols.n, dtype=bool)
        common = np.zeros(cols.n, dtype=np.int8)
        for depth in range(4):
            ident = lk.occ_prefix[depth].get("-".join(segs[: depth + 1])) if depth < len(segs) else -2
            same &= cols[f"occ{depth + 1}"] == ident
            common += same
        bounded = np.minimum(np.minimum(common, doc_level), proximity_level(code, code))
        np.maximum(level, bounded, out=level)
    return _OCC_ARRAY[level]


def _distance(p: ProfileFacts, cols: Columns, lk: Lookups, geography: Geography) -> np.ndarray:
    """Band code per row (index into _BAND_CODES); 0 where either side's location is unknown."""
    town = cols["town"]
    band = np.where(town >= 0, 1, 0).astype(np.int8)
    if p.neighbours:
        band[np.isin(town, [lk.towns.get(t) for t in p.neighbours])] = 2
    band[town == lk.towns.get(p.town)] = 3
    if geography.is_village(p.place):
        band[cols["place"] == lk.places.get(p.place)] = 4
    return band


def _city(p: ProfileFacts, cols: Columns, lk: Lookups) -> np.ndarray:
    city = cols["city"]
    out = np.zeros(cols.n)
    if p.regions:
        out[np.isin(cols["region"], [lk.regions.get(r) for r in p.regions]) & (city >= 0)] = CITY_REGION
    if p.seen_cities:
        out[np.isin(city, [lk.cities.get(c) for c in p.seen_cities])] = CITY_SEEN
    if p.city:
        out[city == lk.cities.get(p.city)] = CITY_SAME
    return out


def signal_arrays(
    p: ProfileFacts,
    cols: Columns,
    lk: Lookups,
    *,
    geography: Geography,
    text: np.ndarray | None,
    history: np.ndarray | None,
    weights: Weights,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Signal arrays (only those that can be non-zero and carry weight) and rule-breach masks."""
    sig: dict[str, np.ndarray] = {}
    breach: dict[str, np.ndarray] = {}

    def wanted(name: str) -> bool:
        return weights.of(name) != 0.0

    if text is not None:
        sig["text"] = np.where(text >= TEXT_FLOOR, text, 0.0)
    if history is not None:
        sig["history"] = np.where(history >= TEXT_FLOOR, history, 0.0)
    if p.occupation_codes:
        sig["occupation"] = _occupation(p, cols, lk)
    if p.town:
        band = _distance(p, cols, lk, geography)
        if wanted("distance"):
            sig["distance"] = _BAND_ARRAY[band]
        if p.allowed_bands is not None:
            allowed = [i for i, b in enumerate(_BAND_CODES) if b in p.allowed_bands]
            breach["travel"] = (band > 0) & ~np.isin(band, allowed)
    if (p.city or p.seen_cities) and wanted("city"):
        sig["city"] = _city(p, cols, lk)
    if p.edu > 0:
        edu = cols["edu"]
        has = edu > 0
        sig["education"] = (has & (edu <= p.edu)).astype(np.float64)
        breach["education"] = has & (edu > p.edu)
    if p.age is not None:
        lo, hi = cols["age_min"], cols["age_max"]
        has = ~(np.isnan(lo) & np.isnan(hi))
        ok = ~(p.age < lo) & ~(p.age > hi)
        sig["age"] = (has & ok).astype(np.float64)
        breach["age"] = has & ~ok
    if p.pay is not None:
        sig["pay"] = np.where(cols["pay_min"] >= p.pay, 1.0, np.where(cols["pay_max"] >= p.pay, 0.5, 0.0))
    if p.types:
        sig["employment_type"] = np.isin(cols["etype"], [lk.etypes.get(t) for t in p.types]).astype(np.float64)
    matched = np.zeros(cols.n, dtype=bool)
    for name in WHAT_SIGNALS:
        if name in sig:
            matched |= sig[name] > 0
    if not matched.any():
        return sig, breach
    if wanted("freshness"):
        pub = cols["published"]
        days = (p.now_ts - pub) / 86400.0
        fresh = np.clip((FRESH_ZERO_DAYS - days) / (FRESH_ZERO_DAYS - FRESH_FULL_DAYS), 0.0, 1.0)
        sig["freshness"] = np.where(np.isnan(pub) | ~matched, 0.0, fresh)
    if wanted("popularity"):
        pop = cols["popularity"]
        sig["popularity"] = np.where(matched, pop / (pop + POPULARITY_HALF), 0.0)
    return sig, breach


def score_rows(
    sig: dict[str, np.ndarray], breach: dict[str, np.ndarray], *, n: int, weights: Weights, hard: HardRules
) -> tuple[np.ndarray, np.ndarray]:
    """(score per row, filtered mask) with the same arithmetic as signals.combine."""
    score = np.zeros(n)
    for name, arr in sig.items():
        score += weights.of(name) * arr
    filtered = np.zeros(n, dtype=bool)
    for rule in RULES:
        mask = breach.get(rule)
        if mask is None:
            continue
        mode = getattr(hard, rule)
        if mode == "filter":
            filtered |= mask
        elif mode == "demote":
            score -= weights.demote_penalty * mask
    return score, filtered
