"""MatchIndex: the one ranking core (vacancies for a person, people for a vacancy, pushes, fair booths)."""

from __future__ import annotations

import os
import pickle
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from jobbridge.matching.coder import proximity_level
from jobbridge.matching.features import Lookups, score_rows, signal_arrays
from jobbridge.matching.model import Geography, HardRules, Match, PersonMatch, Profile, VacancyDoc, Weights
from jobbridge.matching.signals import (
    DocFacts,
    ProfileFacts,
    combine,
    epoch_seconds,
    name_lookup,
    pair_signals,
    reasons_for,
)
from jobbridge.matching.store import Columns, RowStore
from jobbridge.matching.textvec import DocVectorizer, l2_rows
from jobbridge.vocab import education_rank

__all__ = ["FORMAT_VERSION", "MatchIndex"]

FORMAT_VERSION = 1
HISTORY_MAX = 20  # newest interactions that shape the history vector
HISTORY_DECAY = 0.5  # each older interaction counts half as much as the next newer one
HISTORY_TERMS = 128  # the history vector is pruned like a document so a query stays cheap


def _prune_row(vec: sparse.csr_matrix, max_terms: int) -> sparse.csr_matrix:
    if vec.nnz > max_terms:
        cut = np.partition(vec.data, vec.nnz - max_terms)[vec.nnz - max_terms]
        vec = sparse.csr_matrix(vec.multiply(vec >= cut))
    return l2_rows(sparse.csr_matrix(vec, dtype=np.float32))


class MatchIndex:
    """Vacancy rows (text + structured facts) with incremental updates and vectorised top-k ranking."""

    def __init__(
        self,
        *,
        vectorizer: DocVectorizer,
        geography: Geography,
        names: Mapping[str, str] | Callable[[str], str | None] | None = None,
        weights: Weights | None = None,
        built_at: datetime | None = None,
    ) -> None:
        self._vec = vectorizer
        self.geography = geography
        self._names_src = names
        self._names = name_lookup(names)
        self.weights = weights or Weights()
        self.built_at = built_at or datetime.now(UTC)
        self._cols = Columns()
        self._rows = RowStore(vectorizer.n_features)
        self._lk = Lookups()
        self._row_of: dict[int, int] = {}
        self._dead = 0
        self._updates = 0
        self._build_id = uuid.uuid4().hex[:8]

    # -- construction ------------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        docs: Iterable[VacancyDoc],
        *,
        geography: Geography,
        now: datetime | None = None,
        names: Mapping[str, str] | Callable[[str], str | None] | None = None,
        vectorizer: TfidfVectorizer | DocVectorizer | None = None,
        weights: Weights | None = None,
        max_terms: int = 64,
    ) -> MatchIndex:
        """Fit the text model on the documents and index them all (a later id wins over an earlier one)."""
        latest = {d.id: d for d in docs}
        if not latest:
            raise ValueError("MatchIndex.build needs at least one vacancy to fit the text model")
        batch = list(latest.values())
        dv = vectorizer if isinstance(vectorizer, DocVectorizer) else DocVectorizer(vectorizer, max_terms=max_terms)
        dv.fit([d.title for d in batch], [d.text for d in batch])
        index = cls(vectorizer=dv, geography=geography, names=names, weights=weights, built_at=now)
        index._append(batch, dv.transform_docs([d.title for d in batch], [d.text for d in batch]))
        index._rows.reindex()
        return index

    def _append(self, docs: Sequence[VacancyDoc], matrix: sparse.csr_matrix, popularity: Sequence[float] = ()) -> None:
        """Append rows for docs whose text rows are in matrix (same order)."""
        rows = self._rows.append(matrix)
        self._cols.grow_to(rows.stop)
        sl = slice(rows.start, rows.stop)
        lk = self._lk
        values: dict[str, list] = {name: [] for name in ("id", "place", "city", "occ", "edu", "etype", "employer")}
        values |= {f"occ{i}": [] for i in range(1, 5)}
        numbers: dict[str, list] = {name: [] for name in ("age_min", "age_max", "pay_min", "pay_max", "published")}
        is_open, levels = [], []
        for doc in docs:
            values["id"].append(doc.id)
            values["place"].append(lk.places.add(doc.village_code or doc.town_code))
            values["city"].append(lk.cities.add(doc.city))
            code = doc.occupation_code or None
            values["occ"].append(lk.occ.add(code))
            segs = code.split("-") if code else []
            for depth in range(4):
                part = "-".join(segs[: depth + 1]) if depth < len(segs) else None
                values[f"occ{depth + 1}"].append(lk.occ_prefix[depth].add(part))
            levels.append(proximity_level(code, code) if code else 0)
            values["edu"].append(education_rank(doc.min_education))
            values["etype"].append(lk.etypes.add(doc.employment_type))
            values["employer"].append(-1 if doc.employer_id is None else doc.employer_id)
            numbers["age_min"].append(doc.age_min)
            numbers["age_max"].append(doc.age_max)
            numbers["pay_min"].append(doc.pay_monthly_min)
            numbers["pay_max"].append(doc.pay_monthly_max)
            numbers["published"].append(epoch_seconds(doc.published_at))
            is_open.append(doc.is_open)
        for name, vals in values.items():
            self._cols.full(name)[sl] = vals
        for name, vals in numbers.items():
            self._cols.full(name)[sl] = np.array(vals, dtype=np.float64)  # None → nan
        self._cols.full("occ_level")[sl] = levels
        self._cols.full("open")[sl] = is_open
        self._cols.full("alive")[sl] = True
        if popularity:
            self._cols.full("popularity")[sl] = popularity
        self._refresh_geography(sl)
        for doc, row in zip(docs, rows, strict=True):
            self._row_of[doc.id] = row

    def _refresh_geography(self, sl: slice = slice(None)) -> None:
        """Derive town and region columns from place and city through the current geography."""
        lk, geo = self._lk, self.geography
        town_of_place = np.array([lk.towns.add(geo.town_of(p)) for p in lk.places.values] + [-1], dtype=np.int32)
        region_of_city = np.array([lk.regions.add(geo.region_of(c)) for c in lk.cities.values] + [-1], dtype=np.int32)
        # Index -1 (unknown) picks the trailing -1 of each lookup table.
        self._cols.full("town")[: self._cols.n][sl] = town_of_place[self._cols["place"][sl]]
        self._cols.full("region")[: self._cols.n][sl] = region_of_city[self._cols["city"][sl]]

    # -- updates -------------------------------------------------------------------------------------
    def upsert(self, doc: VacancyDoc) -> None:
        """Add or replace one vacancy without refitting (the fitted vocabulary is kept)."""
        old = self._row_of.get(doc.id)
        popularity: list[float] = []
        if old is not None:
            popularity = [float(self._cols["popularity"][old])]
            self._cols.full("alive")[old] = False
            self._dead += 1
        self._append([doc], self._vec.transform_docs([doc.title], [doc.text]), popularity)
        self._updates += 1
        if self._rows.delta_rows > max(5000, len(self._row_of) // 20):
            self.compact()

    def remove(self, vacancy_id: int) -> bool:
        """Drop a vacancy from every ranking at once; False when it was not indexed."""
        row = self._row_of.pop(vacancy_id, None)
        if row is None:
            return False
        self._cols.full("alive")[row] = False
        self._dead += 1
        self._updates += 1
        return True

    def set_popularity(self, counts: Mapping[int, float]) -> None:
        """Set interaction counts (views, applications) per vacancy; the popularity prior reads them."""
        for vacancy_id, value in counts.items():
            row = self._row_of.get(vacancy_id)
            if row is not None:
                self._cols.full("popularity")[row] = float(value)

    def compact(self) -> None:
        """Fold appended rows into the inverted copy; drop replaced/removed rows once they are a fifth."""
        if self._dead > 0.2 * max(1, self._cols.n):
            live = np.flatnonzero(self._cols["alive"])
            self._cols = self._cols.take(live)
            self._rows = self._rows.take(live)
            self._row_of = {int(i): r for r, i in enumerate(self._cols["id"])}
            self._dead = 0
        else:
            self._rows.reindex()

    # -- identity ------------------------------------------------------------------------------------
    @property
    def version(self) -> str:
        """Changes on every build, load of a different artifact, or update (cache key for results)."""
        return f"mi{FORMAT_VERSION}-{self._build_id}-{self._updates}"

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, vacancy_id: object) -> bool:
        return vacancy_id in self._row_of

    # -- profile side ----------------------------------------------------------------------------------
    def _history(self, profile: Profile) -> tuple[sparse.csr_matrix | None, frozenset[str]]:
        """Recency-weighted centroid of the vacancies the person interacted with, and their cities."""
        rows = [self._row_of[i] for i in profile.extra_doc_ids[-HISTORY_MAX:] if i in self._row_of]
        if not rows:
            return None, frozenset()
        w = HISTORY_DECAY ** np.arange(len(rows) - 1, -1, -1)
        hvec = _prune_row(sparse.csr_matrix(w @ self._rows.rows(np.array(rows))), HISTORY_TERMS)
        seen = frozenset(c for c in (self._lk.cities.value(int(x)) for x in self._cols["city"][rows]) if c)
        return hvec, seen

    def _profile(
        self, profile: Profile, now: datetime, *, with_text: bool = True
    ) -> tuple[ProfileFacts, sparse.csr_matrix | None, sparse.csr_matrix | None]:
        """Facts, text vector and history vector of a profile."""
        qvec = None
        if with_text and profile.text and profile.text.strip():
            qvec = self._vec.transform_queries([profile.text])
            qvec = qvec if qvec.nnz else None
        hvec, seen = self._history(profile)
        facts = ProfileFacts.of(profile, now=now, geography=self.geography, seen_cities=seen, has_history=hvec is not None)
        return facts, qvec, hvec

    @staticmethod
    def _query(qvec, hvec) -> tuple[np.ndarray, np.ndarray] | None:
        """(columns, values per vector) of the text and history vectors that are present."""
        vecs = [v for v in (qvec, hvec) if v is not None]
        if not vecs:
            return None
        stacked = sparse.csr_matrix(sparse.vstack(vecs))
        cols = np.unique(stacked.indices)
        return cols, stacked[:, cols].toarray()

    def _sims(self, qvec, hvec, rows: np.ndarray | None = None) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Cosine of every row (or the given rows) with the text and history vectors (None when absent)."""
        query = self._query(qvec, hvec)
        if query is None:
            return None, None
        out = iter(self._rows.dot(*query) if rows is None else self._rows.dot_rows(rows, *query))
        return (next(out) if qvec is not None else None), (next(out) if hvec is not None else None)

    # -- ranking ----------------------------------------------------------------------------------------
    def _score_all(self, profile, *, now, weights, exclude_ids, hard, only_ids):
        now = now or datetime.now(UTC)
        weights = weights or self.weights
        facts, qvec, hvec = self._profile(profile, now)
        text, history = self._sims(qvec, hvec)
        cols = self._cols
        sig, breach = signal_arrays(facts, cols, self._lk, geography=self.geography, text=text, history=history, weights=weights)
        score, filtered = score_rows(sig, breach, n=cols.n, weights=weights, hard=hard)
        ok = cols["alive"] & cols["open"] & ~filtered
        if only_ids is not None:
            allowed = np.zeros(cols.n, dtype=bool)
            allowed[[self._row_of[i] for i in only_ids if i in self._row_of]] = True
            ok &= allowed
        excluded = [self._row_of[i] for i in exclude_ids if i in self._row_of]
        ok[excluded] = False
        return facts, text, history, score, ok, weights

    def scores(
        self,
        profile: Profile,
        *,
        now: datetime | None = None,
        weights: Weights | None = None,
        exclude_ids: Collection[int] = (),
        hard: HardRules = HardRules(),
    ) -> tuple[np.ndarray, np.ndarray]:
        """(vacancy ids, scores) of every eligible vacancy, unsorted (for evaluation and analysis)."""
        _, _, _, score, ok, _ = self._score_all(profile, now=now, weights=weights, exclude_ids=exclude_ids, hard=hard, only_ids=None)
        return self._cols["id"][ok].copy(), score[ok]

    def top_k(
        self,
        profile: Profile,
        *,
        k: int = 10,
        now: datetime | None = None,
        weights: Weights | None = None,
        exclude_ids: Collection[int] = (),
        hard: HardRules = HardRules(),
        only_ids: Collection[int] | None = None,
    ) -> list[Match]:
        """The k best open vacancies for a person, best first (ties: lower vacancy id first)."""
        now = now or datetime.now(UTC)
        facts, text, history, score, ok, weights = self._score_all(
            profile, now=now, weights=weights, exclude_ids=exclude_ids, hard=hard, only_ids=only_ids
        )
        eligible = np.flatnonzero(ok)
        if k <= 0 or eligible.size == 0:
            return []
        cand = eligible
        if eligible.size > k:
            part = eligible[np.argpartition(-score[eligible], k - 1)[:k]]
            # Every row tied with the k-th score competes, so the id tie-break is exact.
            cand = eligible[score[eligible] >= score[part].min()]
        ids = self._cols["id"][cand]
        order = cand[np.lexsort((ids, -score[cand]))][:k]
        return [
            self._match(
                facts, int(r), float(score[r]), weights,
                text_sim=float(text[r]) if text is not None else 0.0,
                history_sim=float(history[r]) if history is not None else 0.0,
            )
            for r in order
        ]

    def _match(self, facts: ProfileFacts, row: int, score: float, weights: Weights, *, text_sim: float,
               history_sim: float) -> Match:
        """A Match with exact per-pair signals and the reasons they support."""
        d = self._facts(row)
        sig, breach = pair_signals(facts, d, text_sim=text_sim, history_sim=history_sim, geography=self.geography)
        reasons = reasons_for(sig, weights=weights, occupation_code=d.occupation_code,
                              employment_type=d.employment_type, names=self._names)
        sig |= {f"breach_{k}": 1.0 for k, v in breach.items() if v}
        return Match(vacancy_id=int(self._cols["id"][row]), score=score, reasons=reasons, signals=sig)

    def _facts(self, row: int) -> DocFacts:
        c, lk = self._cols, self._lk
        city = lk.cities.value(int(c["city"][row]))
        return DocFacts(
            place=lk.places.value(int(c["place"][row])),
            city=city,
            region=lk.regions.value(int(c["region"][row])),
            occupation_code=lk.occ.value(int(c["occ"][row])),
            edu=int(c["edu"][row]),
            age_min=float(c["age_min"][row]),
            age_max=float(c["age_max"][row]),
            pay_min=float(c["pay_min"][row]),
            pay_max=float(c["pay_max"][row]),
            employment_type=lk.etypes.value(int(c["etype"][row])),
            published_ts=float(c["published"][row]),
            popularity=float(c["popularity"][row]),
        )

    def score_pairs(
        self,
        profile: Profile,
        doc_ids: Sequence[int],
        *,
        now: datetime | None = None,
        weights: Weights | None = None,
        hard: HardRules = HardRules(),
    ) -> list[Match]:
        """Explain given (profile, vacancy) pairs in the given order (ids not indexed are skipped)."""
        now = now or datetime.now(UTC)
        weights = weights or self.weights
        facts, qvec, hvec = self._profile(profile, now)
        out = []
        rows = np.array([self._row_of[i] for i in doc_ids if i in self._row_of], dtype=np.int64)
        text, history = self._sims(qvec, hvec, rows)
        for j, row in enumerate(rows):
            t = float(text[j]) if text is not None else 0.0
            h = float(history[j]) if history is not None else 0.0
            sig, breach = pair_signals(facts, self._facts(int(row)), text_sim=t, history_sim=h, geography=self.geography)
            score, _ = combine(sig, breach, weights=weights, hard=hard)
            out.append(self._match(facts, int(row), score, weights, text_sim=t, history_sim=h))
        return out

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
            sig, breach = pair_signals(facts, d, text_sim=float(text_sims[i]), history_sim=h, geography=self.geography)
            score, filtered = combine(sig, breach, weights=weights, hard=hard)
            if not filtered:
                scored.append((-score, i, sig, breach))
        scored.sort(key=lambda t: (t[0], t[1]))
        out = []
        for neg, i, sig, breach in scored[:k]:
            reasons = reasons_for(sig, weights=weights, occupation_code=d.occupation_code,
                                  employment_type=d.employment_type, names=self._names, for_person=True)
            sig |= {f"breach_{r}": 1.0 for r, v in breach.items() if v}
            out.append(PersonMatch(profile_id=profiles[i].id, score=-neg, reasons=reasons, signals=sig))
        return out

    def suggest_booths(
        self, profile: Profile, *, vacancy_ids: Collection[int], k: int = 5, now: datetime | None = None,
        weights: Weights | None = None, hard: HardRules = HardRules(),
    ) -> list[tuple[int, Match]]:
        """Employers (booths) at a fair worth visiting: each employer's best vacancy, best employers first."""
        matches = self.top_k(profile, k=len(vacancy_ids), now=now, weights=weights, hard=hard, only_ids=vacancy_ids)
        best: dict[int, Match] = {}
        for m in matches:
            employer = int(self._cols["employer"][self._row_of[m.vacancy_id]])
            if employer >= 0 and employer not in best:
                best[employer] = m
        return list(best.items())[:k]

    # -- persistence --------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write a versioned artifact (atomically: readers never see a half-written file)."""
        names = dict(self._names_src) if isinstance(self._names_src, Mapping) else None
        state = {
            "format": FORMAT_VERSION, "vectorizer": self._vec, "cols": self._cols, "rows": self._rows,
            "lookups": self._lk, "row_of": self._row_of, "dead": self._dead, "updates": self._updates,
            "build_id": self._build_id, "built_at": self.built_at, "weights": self.weights.to_dict(), "names": names,
        }
        path = Path(path)
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    @classmethod
    def load(
        cls, path: str | Path, *, geography: Geography, names: Mapping[str, str] | Callable[[str], str | None] | None = None
    ) -> MatchIndex:
        """Read an artifact written by save (only load artifacts this service wrote: it is a pickle)."""
        with open(path, "rb") as fh:
            state = pickle.load(fh)  # noqa: S301 - our own artifact
        if not isinstance(state, dict) or state.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported match index artifact format: {state.get('format') if isinstance(state, dict) else '?'}")
        index = cls(vectorizer=state["vectorizer"], geography=geography, names=names or state["names"],
                    weights=Weights.from_dict(state["weights"]), built_at=state["built_at"])
        index._cols, index._rows, index._lk = state["cols"], state["rows"], state["lookups"]
        index._row_of, index._dead, index._updates = state["row_of"], state["dead"], state["updates"]
        index._build_id = state["build_id"]
        index._refresh_geography()
        return index

