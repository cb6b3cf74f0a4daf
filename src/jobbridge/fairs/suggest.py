"""Booths worth visiting for one registered visitor."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session

from jobbridge.employers.models import Vacancy
from jobbridge.fairs.listing import Exhibitor, exhibitors
from jobbridge.fairs.models import FairRegistration
from jobbridge.occupations.service import find_occupation

log = logging.getLogger("jobbridge.fairs")
_MIN_OVERLAP = 0.5


@dataclass
class BoothSuggestion:
    """A booth, how well it fits, and the vacancies there that fit best (first)."""

    exhibitor: Exhibitor
    score: float
    matched: list[Vacancy]


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def overlap_score(kinds: list[str], text: str) -> float:
    """How well stated kinds of work fit a vacancy text: 1 for a contained kind, else shared character pairs."""
    best = 0.0
    for kind in kinds:
        if kind in text:
            return 1.0
        pairs = _bigrams(kind)
        share = len(pairs & _bigrams(text)) / len(pairs) if pairs else 0.0
        best = max(best, share)
    return best if best >= _MIN_OVERLAP else 0.0


def _vacancy_text(*, session: Session, vacancy: Vacancy, names: dict[str, str]) -> str:
    code = vacancy.occupation_code
    if code and code not in names:
        occupation = find_occupation(session=session, code=code)
        names[code] = occupation.name if occupation else ""
    return f"{vacancy.title} {names.get(code or '', '')} {vacancy.skills}"


def _by_overlap(*, session: Session, booths: list[Exhibitor], kinds: list[str]) -> list[BoothSuggestion]:
    names: dict[str, str] = {}
    result = []
    for booth in booths:
        scored = [(overlap_score(kinds, _vacancy_text(session=session, vacancy=v, names=names)), v)
                  for v in booth.vacancies]
        matched = [v for score, v in sorted(scored, key=lambda p: -p[0]) if score > 0]
        result.append(BoothSuggestion(exhibitor=booth, score=max((s for s, _ in scored), default=0.0),
                                      matched=matched))
    return result


def _by_matching_core(*, session: Session, booths: list[Exhibitor],
                      registration: FairRegistration) -> list[BoothSuggestion] | None:
    """Ask the matching core when it offers booth suggestions; None when it does not (yet)."""
    try:
        from jobbridge.matching import service as matching  # type: ignore[attr-defined]
        from jobbridge.matching.model import Profile
    except ImportError:
        return None
    suggest = getattr(matching, "suggest_booths", None)
    if not callable(suggest):
        return None
    profile = Profile(text=registration.wanted_work, town_code=registration.town_code)
    by_employer = {b.employer.id: b for b in booths}
    try:
        ranked = suggest(session=session, profile=profile, employer_ids=list(by_employer))
    except Exception:  # noqa: BLE001 - a visitor's pass must render even if the ranking core fails
        log.warning("matching.service.suggest_booths failed; falling back to simple overlap", exc_info=True)
        return None
    result = []
    for item in ranked or []:
        employer_id, score, vacancy_id = _unpack(item)
        booth = by_employer.pop(employer_id, None)
        if booth is not None and score > 0:
            # The vacancy the core found best goes first.
            matched = sorted(booth.vacancies, key=lambda v: v.id != vacancy_id)
            result.append(BoothSuggestion(exhibitor=booth, score=score, matched=matched))
    return result


def _unpack(item: object) -> tuple[object, float, int | None]:
    """(employer id, score, best vacancy id) from an id, an (id, Match) pair, or an object with those fields."""
    if isinstance(item, tuple):
        employer_id, detail = item[0], item[1] if len(item) > 1 else None
    else:
        employer_id, detail = getattr(item, "employer_id", item), item
    score = getattr(detail, "score", detail if detail is not None and detail is not item else 1.0)
    try:
        value = float(score)
    except (TypeError, ValueError):
        value = 1.0
    return employer_id, value, getattr(detail, "vacancy_id", None)


def suggest_booths(*, session: Session, registration: FairRegistration, limit: int = 12) -> list[BoothSuggestion]:
    """Booths worth visiting, best first; empty when nothing fits what the visitor said they look for."""
    booths = exhibitors(session=session, fair_id=registration.fair_id)
    kinds = [k for k in registration.wanted_work.split() if k]
    if not booths or not kinds:
        return []
    ranked = _by_matching_core(session=session, booths=booths, registration=registration)
    if ranked is None:
        # Fallback when jobbridge.matching.service.suggest_booths(*, session, profile, employer_ids) is missing or
        # failed: simple overlap of the stated kinds of work with vacancy titles, occupations and skills.
        ranked = [s for s in _by_overlap(session=session, booths=booths, kinds=kinds) if s.score > 0]
        ranked.sort(key=lambda s: (-s.score, s.exhibitor.booking.booth_number or 0))
    return ranked[:limit]
