"""The ranking core's public face: vacancies for a person, people for a vacancy, pushes and fair booths.

Everything is re-exported from the modules that implement it:
model (data types), index (MatchIndex), signals (per-pair scoring and reasons), features (vectorised scoring),
textvec (text rows) and store (growable storage).
"""

from __future__ import annotations

from jobbridge.matching.index import FORMAT_VERSION, MatchIndex
from jobbridge.matching.model import (
    BANDS,
    SIGNALS,
    Geography,
    HardRules,
    Match,
    PersonMatch,
    Profile,
    VacancyDoc,
    Weights,
)
from jobbridge.matching.textvec import DocVectorizer

__all__ = [
    "BANDS",
    "FORMAT_VERSION",
    "SIGNALS",
    "DocVectorizer",
    "Geography",
    "HardRules",
    "Match",
    "MatchIndex",
    "PersonMatch",
    "Profile",
    "VacancyDoc",
    "Weights",
]
