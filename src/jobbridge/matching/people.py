"""People for a vacancy (pushes to subscribers) and booths at a fair: the MatchIndex methods built on top_k."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime

import numpy as np

from jobbridge.matching.model import HardRules, Match, PersonMatch, Profile, VacancyDoc, Weights
from jobbridge.matching.signals import DocFacts, combine, pair_signals, reasons_for

__all__ = ["PeopleRanking"]


class PeopleRanking:
    """Mixin of MatchIndex: scores the same signals from the vacancy's side."""

    def rank_people(
        self,
        doc: VacancyDoc,
        profiles: Sequence[Profile],
        *,
        k: int = 10,
        now: datetime | None = None,
        weights: Weights | None = None,
        hard: HardRules = HardRules(),
    ) -> list[PersonMatch]:
        """The k people best suited to a vacancy (e.g. subscribers to push it to), best first."""
        if not doc.is_open or not profiles or k <= 0:
            return []
        now = now or datetime.now(UTC)
        weights = weights or self.weights
        row = self._row_of.get(doc.id)
        popularity = float(self._cols["popularity"][row]) if row is not None else 0.0
        d = DocFacts.from_doc(doc, geography=self.geography, popularity=popularity)
        dvec = self._vec.transform_docs([doc.title], [doc.text])
        texts = self._vec.transform_queries([p.text or "" for p in profiles]) @ dvec.T
        text_sims = np.asarray(texts.toarray()).ravel()
        scored = []
        for i, profile in enumerate(profiles):
            facts, _, hvec = self._profile(profile, now, with_text=False)
            h = float((hvec @ dvec.T).toarray()[0, 0]) if hvec is not None else 0.0
            sig, breach = pair_signals(
                facts, d, text_sim=float(text_sims[i]), history_sim=h, geography=self.geography
            )
            score, filtered = combine(sig, breach, weights=weights, hard=hard)
            if not filtered:
                scored.append((-score, i, sig, breach))
        scored.sort(key=lambda t: (t[0], t[1]))
        out = []
        for neg, i, sig, breach in scored[:k]:
            reasons = reasons_for(
                sig,
                weights=weights,
                occupation_code=d.occupation_code,
                employment_type=d.employment_type,
                names=self._names,
                for_person=True,
            )
            sig |= {f"breach_{r}": 1.0 for r, v in breach.items() if v}
            out.append(PersonMatch(profile_id=profiles[i].id, score=-neg, reasons=reasons, signals=sig))
        return out

    def suggest_booths(
        self,
        profile: Profile,
        *,
        vacancy_ids: Collection[int],
        k: int = 5,
        now: datetime | None = None,
        weights: Weights | None = None,
        hard: HardRules = HardRules(),
    ) -> list[tuple[int, Match]]:
        """Employers (booths) at a fair worth visiting: each employer's best vacancy, best employers first."""
        matches = self.top_k(
            profile, k=len(vacancy_ids), now=now, weights=weights, hard=hard, only_ids=vacancy_ids
        )
        best: dict[int, Match] = {}
        for m in matches:
            employer = int(self._cols["employer"][self._row_of[m.vacancy_id]])
            if employer >= 0 and employer not in best:
                best[employer] = m
        return list(best.items())[:k]
