"""Plain data types of the ranking core: documents, profiles, geography, weights, rules and results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Literal

__all__ = [
    "BANDS",
    "SIGNALS",
    "Geography",
    "HardRules",
    "Match",
    "PersonMatch",
    "Profile",
    "RuleMode",
    "VacancyDoc",
    "Weights",
]

# Every signal the core computes, in the order used for tie-breaking reasons and for learned weight vectors.
SIGNALS: tuple[str, ...] = (
    "text",
    "history",
    "occupation",
    "distance",
    "city",
    "education",
    "age",
    "pay",
    "employment_type",
    "freshness",
    "popularity",
)

BANDS: tuple[str, ...] = ("same_village", "same_town", "adjacent_town", "district", "unknown")

RuleMode = Literal["filter", "demote", "ignore"]


@dataclass(frozen=True)
class VacancyDoc:
    """A vacancy as the ranking core sees it (pay already normalised to monthly yuan)."""

    id: int
    title: str
    text: str = ""
    occupation_code: str | None = None
    town_code: str | None = None
    village_code: str | None = None
    min_education: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    pay_monthly_min: float | None = None
    pay_monthly_max: float | None = None
    employment_type: str | None = None
    published_at: datetime | None = None
    is_open: bool = True
    city: str | None = None
    employer_id: int | None = None


@dataclass(frozen=True)
class Profile:
    """What is known about a person; every field is optional and unknown fields simply add no signal."""

    id: int | None = None
    text: str = ""
    occupation_codes: tuple[str, ...] = ()
    village_code: str | None = None
    town_code: str | None = None
    birth_year: int | None = None
    education: str | None = None
    pay_expectation_monthly: float | None = None
    employment_types: tuple[str, ...] = ()
    travel_range: str | None = None
    city: str | None = None
    # Vacancies the person viewed or applied to, oldest first; the newest weigh most.
    extra_doc_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Geography:
    """Village→town membership, town adjacency and (outside the county) city→region membership."""

    town_of_village: Mapping[str, str] = field(default_factory=dict)
    adjacent: Mapping[str, frozenset[str]] = field(default_factory=dict)
    region_of_city: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_pairs(
        cls,
        *,
        villages: Iterable[tuple[str, str]] = (),
        adjacent_pairs: Iterable[tuple[str, str]] = (),
        region_of_city: Mapping[str, str] | None = None,
    ) -> Geography:
        """Build from (village, town) and (town, town) pairs; adjacency is made symmetric."""
        adjacent: dict[str, set[str]] = {}
        for a, b in adjacent_pairs:
            adjacent.setdefault(a, set()).add(b)
            adjacent.setdefault(b, set()).add(a)
        return cls(
            town_of_village=dict(villages),
            adjacent={k: frozenset(v) for k, v in adjacent.items()},
            region_of_city=dict(region_of_city or {}),
        )

    def is_village(self, code: str | None) -> bool:
        """Whether a code names a village (listed, or 12 digits as in the national division codes)."""
        return bool(code) and (code in self.town_of_village or (len(code) == 12 and code.isdigit()))

    def town_of(self, code: str | None) -> str | None:
        """The town of a village or town code (a town code maps to itself)."""
        if not code:
            return None
        if code in self.town_of_village:
            return self.town_of_village[code]
        # Village codes carry their town code as the first nine digits.
        return code[:9] if len(code) == 12 and code.isdigit() else code

    def are_adjacent(self, town_a: str, town_b: str) -> bool:
        """Whether two towns border each other (either direction of the mapping counts)."""
        return town_b in self.adjacent.get(town_a, ()) or town_a in self.adjacent.get(town_b, ())

    def neighbours(self, town: str) -> frozenset[str]:
        """Towns adjacent to a town, whichever direction the mapping lists them in."""
        out = set(self.adjacent.get(town, ()))
        out.update(t for t, near in self.adjacent.items() if town in near)
        return frozenset(out)

    def distance_band(self, person: str | None, vacancy: str | None) -> str:
        """Band between two village-or-town codes: same_village, same_town, adjacent_town, district or unknown."""
        town_p, town_v = self.town_of(person), self.town_of(vacancy)
        if not town_p or not town_v:
            return "unknown"
        if self.is_village(person) and person == vacancy:
            return "same_village"
        if town_p == town_v:
            return "same_town"
        return "adjacent_town" if self.are_adjacent(town_p, town_v) else "district"

    def region_of(self, city: str | None) -> str | None:
        """The region (province) of a city, when known."""
        return self.region_of_city.get(city) if city else None


@dataclass
class Weights:
    """Linear weights of the signals (hand-set defaults) plus the penalty applied to demoted rule breaches."""

    text: float = 1.0
    # Similarity to vacancies already viewed/applied to: useful, but it repeats much of what text says.
    history: float = 0.4
    occupation: float = 1.0
    # Location comes first: most of the county's job seekers cannot commute far (and in the offline
    # evaluation, too, the place of recent views predicts the next one better than any text does).
    distance: float = 2.0
    city: float = 2.0
    education: float = 0.2
    age: float = 0.2
    pay: float = 0.4
    employment_type: float = 0.4
    freshness: float = 0.2
    popularity: float = 0.05
    demote_penalty: float = 1.5

    def of(self, signal: str) -> float:
        """Weight of one signal by name."""
        return float(getattr(self, signal))

    def to_dict(self) -> dict[str, float]:
        """Plain dict for storage next to a model version."""
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, float]) -> Weights:
        """Inverse of to_dict; unknown keys are an error so a typo never silently zeroes a weight."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown weight names: {sorted(unknown)}")
        return cls(**{k: float(v) for k, v in data.items()})


@dataclass(frozen=True)
class HardRules:
    """How requirement breaches are handled: removed ("filter"), pushed down ("demote") or ignored."""

    education: RuleMode = "demote"
    age: RuleMode = "demote"
    travel: RuleMode = "demote"

    def __post_init__(self) -> None:
        for name in ("education", "age", "travel"):
            if getattr(self, name) not in ("filter", "demote", "ignore"):
                raise ValueError(f"HardRules.{name} must be filter, demote or ignore")


@dataclass(frozen=True)
class Match:
    """One ranked vacancy for a person."""

    vacancy_id: int
    score: float
    reasons: tuple[str, ...]
    signals: Mapping[str, float]


@dataclass(frozen=True)
class PersonMatch:
    """One ranked person for a vacancy."""

    profile_id: int | None
    score: float
    reasons: tuple[str, ...]
    signals: Mapping[str, float]
