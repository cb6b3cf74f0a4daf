"""Signal definitions: what each signal is worth, the per-pair (scalar) computation and the Chinese reasons."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from jobbridge.matching.coder import proximity_level
from jobbridge.matching.model import SIGNALS, Geography, HardRules, Profile, VacancyDoc, Weights
from jobbridge.vocab import EMPLOYMENT_TYPES, TRAVEL_RANGES, education_rank

__all__ = [
    "BAND_VALUE",
    "DocFacts",
    "ProfileFacts",
    "combine",
    "epoch_seconds",
    "name_lookup",
    "pair_signals",
    "reasons_for",
]

# Signal values are in 0..1; the weights decide how much each matters.
BAND_VALUE: dict[str, float] = {
    "same_village": 1.0,
    "same_town": 0.75,
    "adjacent_town": 0.45,
    "district": 0.15,
    "unknown": 0.0,
}
BAND_REASON = {"same_village": "同村", "same_town": "同镇", "adjacent_town": "邻镇", "district": "区内"}
# Index = proximity level (0 none … 4 same 细类); a shared 大类 alone says little.
OCC_VALUE: tuple[float, ...] = (0.0, 0.15, 0.4, 0.7, 1.0)
CITY_SAME, CITY_SEEN, CITY_REGION = 1.0, 0.6, 0.25
# Character n-grams give every pair of Chinese texts a little overlap; below this it is noise, not similarity.
TEXT_FLOOR = 0.1
FRESH_FULL_DAYS, FRESH_ZERO_DAYS = 3.0, 30.0
POPULARITY_HALF = 20.0  # interactions at which the popularity signal reaches 0.5
POPULARITY_MIN = 5.0  # fewer interactions than this say nothing (and would make "关注度高" untrue)
# Travel range → distance bands the person accepts (unknown vacancy location is never a breach).
TRAVEL_BANDS: dict[str, frozenset[str]] = {
    TRAVEL_RANGES[0]: frozenset({"same_village"}),
    TRAVEL_RANGES[1]: frozenset({"same_village", "same_town"}),
    TRAVEL_RANGES[2]: frozenset({"same_village", "same_town", "adjacent_town"}),
    TRAVEL_RANGES[3]: frozenset({"same_village", "same_town", "adjacent_town", "district"}),
}
TYPE_LABEL = {t: t for t in EMPLOYMENT_TYPES} | {"零工日结": "日结"}
RULES = ("education", "age", "travel")
# Signals about what work the person wants. Freshness and popularity only count for a vacancy that matches
# on at least one of these: "newly posted" is no reason to show someone work they never asked for.
WHAT_SIGNALS = ("text", "history", "occupation", "employment_type", "pay")
PRIOR_SIGNALS = ("freshness", "popularity")

NameLookup = Callable[[str], str | None]


def epoch_seconds(value: datetime | None) -> float:
    """Epoch seconds of an aware datetime (naive values are taken as UTC), NaN when missing."""
    if value is None:
        return math.nan
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _num(value: float | None) -> float:
    return math.nan if value is None else float(value)


@dataclass(frozen=True)
class DocFacts:
    """The structured facts of one vacancy that the signals read."""

    place: str | None
    city: str | None
    region: str | None
    occupation_code: str | None
    edu: int
    age_min: float
    age_max: float
    pay_min: float
    pay_max: float
    employment_type: str | None
    published_ts: float
    popularity: float = 0.0

    @classmethod
    def from_doc(cls, doc: VacancyDoc, *, geography: Geography, popularity: float = 0.0) -> DocFacts:
        """Facts of a VacancyDoc."""
        return cls(
            place=doc.village_code or doc.town_code,
            city=doc.city,
            region=geography.region_of(doc.city),
            occupation_code=doc.occupation_code or None,
            edu=education_rank(doc.min_education),
            age_min=_num(doc.age_min),
            age_max=_num(doc.age_max),
            pay_min=_num(doc.pay_monthly_min),
            pay_max=_num(doc.pay_monthly_max),
            employment_type=doc.employment_type,
            published_ts=epoch_seconds(doc.published_at),
            popularity=popularity,
        )


@dataclass(frozen=True)
class ProfileFacts:
    """A profile resolved against the geography and a reference time."""

    profile: Profile
    now_ts: float
    age: int | None
    edu: int
    place: str | None
    town: str | None
    neighbours: frozenset[str]
    allowed_bands: frozenset[str] | None
    city: str | None
    seen_cities: frozenset[str]
    regions: frozenset[str]
    types: frozenset[str]
    pay: float | None
    occupation_codes: tuple[str, ...]

    @classmethod
    def of(
        cls,
        profile: Profile,
        *,
        now: datetime,
        geography: Geography,
        seen_cities: frozenset[str] = frozenset(),
    ) -> ProfileFacts:
        """Resolve a profile (seen_cities: cities of the vacancies in its history)."""
        place = profile.village_code or profile.town_code
        town = geography.town_of(place)
        seen = frozenset(c for c in seen_cities if c and c != profile.city)
        regions = {geography.region_of(c) for c in {profile.city, *seen} if c}
        return cls(
            profile=profile,
            now_ts=epoch_seconds(now),
            age=(now.year - profile.birth_year) if profile.birth_year else None,
            edu=education_rank(profile.education),
            place=place,
            town=town,
            neighbours=geography.neighbours(town) if town else frozenset(),
            allowed_bands=TRAVEL_BANDS.get(profile.travel_range or ""),
            city=profile.city or None,
            seen_cities=seen,
            regions=frozenset(r for r in regions if r),
            types=frozenset(profile.employment_types),
            pay=profile.pay_expectation_monthly if profile.pay_expectation_monthly else None,
            occupation_codes=tuple(c for c in profile.occupation_codes if c),
        )


def pair_signals(
    p: ProfileFacts, d: DocFacts, *, text_sim: float, history_sim: float, geography: Geography
) -> tuple[dict[str, float], dict[str, bool]]:
    """All signal values of one (profile, vacancy) pair and which hard requirements it breaches."""
    s = dict.fromkeys(SIGNALS, 0.0)
    breach = dict.fromkeys(RULES, False)
    s["text"] = text_sim if text_sim >= TEXT_FLOOR else 0.0
    s["history"] = history_sim if history_sim >= TEXT_FLOOR else 0.0
    if p.occupation_codes and d.occupation_code:
        level = max(proximity_level(c, d.occupation_code) for c in p.occupation_codes)
        s["occupation"] = OCC_VALUE[level]
    band = geography.distance_band(p.place, d.place)
    s["distance"] = BAND_VALUE[band]
    if p.allowed_bands is not None and band != "unknown" and band not in p.allowed_bands:
        breach["travel"] = True
    if d.city:
        if d.city == p.city:
            s["city"] = CITY_SAME
        elif d.city in p.seen_cities:
            s["city"] = CITY_SEEN
        elif d.region and d.region in p.regions:
            s["city"] = CITY_REGION
    if d.edu > 0 and p.edu > 0:
        s["education"] = 1.0 if p.edu >= d.edu else 0.0
        breach["education"] = p.edu < d.edu
    if p.age is not None and not (math.isnan(d.age_min) and math.isnan(d.age_max)):
        ok = not (p.age < d.age_min) and not (p.age > d.age_max)  # NaN bounds compare False: no limit
        s["age"] = 1.0 if ok else 0.0
        breach["age"] = not ok
    if p.pay is not None:
        s["pay"] = 1.0 if d.pay_min >= p.pay else 0.5 if d.pay_max >= p.pay else 0.0
    if p.types and d.employment_type in p.types:
        s["employment_type"] = 1.0
    if not math.isnan(d.published_ts):
        age_days = (p.now_ts - d.published_ts) / 86400.0
        s["freshness"] = min(
            1.0, max(0.0, (FRESH_ZERO_DAYS - age_days) / (FRESH_ZERO_DAYS - FRESH_FULL_DAYS))
        )
    if d.popularity >= POPULARITY_MIN:
        s["popularity"] = d.popularity / (d.popularity + POPULARITY_HALF)
    if not any(s[name] > 0 for name in WHAT_SIGNALS):
        for name in PRIOR_SIGNALS:
            s[name] = 0.0
    return s, breach


def combine(
    signals: Mapping[str, float], breach: Mapping[str, bool], *, weights: Weights, hard: HardRules
) -> tuple[float, bool]:
    """(score, filtered) of one pair: weighted sum minus demotion penalties; filtered when a filter rule breaks."""
    score = sum(weights.of(name) * signals[name] for name in SIGNALS)
    filtered = False
    for rule in RULES:
        if breach.get(rule):
            mode = getattr(hard, rule)
            if mode == "filter":
                filtered = True
            elif mode == "demote":
                score -= weights.demote_penalty
    return score, filtered


def _occupation_label(level: int, code: str | None, names: NameLookup | None) -> str:
    name = names(code) if (names and code) else None
    head = "工种对口" if level == 4 else "工种相近" if level >= 2 else "行业相近"
    return f"{head}({name})" if name else head


def reasons_for(
    signals: Mapping[str, float],
    *,
    weights: Weights,
    occupation_code: str | None,
    employment_type: str | None,
    names: NameLookup | None = None,
    for_person: bool = False,
) -> tuple[str, ...]:
    """Reasons for exactly the signals that added to the score, largest contribution first."""
    contributions = [(weights.of(n) * signals.get(n, 0.0), i, n) for i, n in enumerate(SIGNALS)]
    ordered = [n for c, _, n in sorted((c for c in contributions if c[0] > 0), key=lambda c: (-c[0], c[1]))]
    return tuple(
        _label(n, float(signals[n]), occupation_code, employment_type, names, for_person) for n in ordered
    )


def _nearest(value: float, options: Mapping[object, float]) -> object:
    """The option whose value is closest (signal values may have passed through float32)."""
    return min(options, key=lambda k: abs(options[k] - value))


def _label(
    name: str,
    v: float,
    occupation_code: str | None,
    employment_type: str | None,
    names: NameLookup | None,
    for_person: bool,
) -> str:
    """The Chinese reason for one contributing signal."""
    if name == "text":
        return "经历相近"
    if name == "history":
        return "看过类似岗位" if for_person else "与看过的岗位相似"
    if name == "occupation":
        return _occupation_label(int(_nearest(v, dict(enumerate(OCC_VALUE)))), occupation_code, names)
    if name == "distance":
        return BAND_REASON[str(_nearest(v, {b: x for b, x in BAND_VALUE.items() if b != "unknown"}))]
    if name == "city":
        return str(_nearest(v, {"同城": CITY_SAME, "常看城市": CITY_SEEN, "同省": CITY_REGION}))
    if name == "education":
        return "学历符合"
    if name == "age":
        return "年龄符合"
    if name == "pay":
        return "薪资达到期望" if v >= 0.99 else "薪资可达期望"
    if name == "employment_type":
        return TYPE_LABEL.get(employment_type or "", employment_type or "用工形式相符")
    if name == "freshness":
        return "新发布" if v >= 0.999 else "近期发布"
    return "关注度高"


def name_lookup(names: Mapping[str, str] | NameLookup | None) -> NameLookup | None:
    """Uniform callable for the occupation names a caller supplied (mapping or function)."""
    if names is None:
        return None
    if callable(names):
        return names
    return names.get
