"""MatchIndex: the one ranking core (vacancies for a person, people for a vacancy, pushes, fair booths)."""

from __future__ import annotations

import hashlib
import os
import pickle
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from jobbridge.matching.features import score_rows, top_rows
from jobbridge.matching.model import Geography, HardRules, Match, Profile, VacancyDoc, Weights
from jobbridge.matching.people import PeopleRanking
from jobbridge.matching.signals import (
    DocFacts,
    ProfileFacts,
    combine,
    name_lookup,
    pair_signals,
    reasons_for,
)
from jobbridge.matching.store import Columns, Lookups, RowStore, fill_rows, row_facts
from jobbridge.matching.textvec import DocVectorizer, prune_vector

__all__ = ["FORMAT_VERSION", "MatchIndex"]

FORMAT_VERSION = 1
HISTORY_MAX = 20  # newest interactions that shape the history vector
HISTORY_DECAY = 0.5  # each older interaction counts half as much as the next newer one
HISTORY_TERMS = 64  # the history vector is pruned like a document so a query stays cheap
_BUILD_CHUNK = 16384


class MatchIndex(PeopleRanking):
    """Vacancy rows (text + structured facts) with incremental updates and vectorised top-k ranking.

    Not thread-safe: serialise upsert/remove/compact with reads (a lock, one index per worker process,
    or build a new index and swap the reference).
    """

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
        self._town_of_place: list[int] = []
        self._region_table = np.empty(0, dtype=np.int32)
        self._region_of_city: list[int] = []
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
        dv = (
            vectorizer
            if isinstance(vectorizer, DocVectorizer)
            else DocVectorizer(vectorizer, max_terms=max_terms)
        )
        dv.fit([d.title for d in batch], [d.text for d in batch])
        index = cls(vectorizer=dv, geography=geography, names=names, weights=weights, built_at=now)
        # Chunk by chunk, so the transient text matrices never hold the whole corpus twice.
        for lo in range(0, len(batch), _BUILD_CHUNK):
            part = batch[lo : lo + _BUILD_CHUNK]
            index._append(part, dv.transform_docs([d.title for d in part], [d.text for d in part]))
        index._rows.reindex()
        return index

    def _append(
        self, docs: Sequence[VacancyDoc], matrix: sparse.csr_matrix, popularity: Sequence[float] = ()
    ) -> None:
        """Append rows for docs whose text rows are in matrix (same order)."""
        rows = self._rows.append(matrix)
        self._cols.grow_to(rows.stop)
        sl = slice(rows.start, rows.stop)
        fill_rows(self._cols, self._lk, docs, sl)
        if popularity:
            self._cols.full("popularity")[sl] = popularity
        self._derive_places(sl)
        self._row_of.update(zip((d.id for d in docs), rows, strict=True))

    def _derive_places(self, sl: slice = slice(None), *, refresh: bool = False) -> None:
        """Derive town and region columns from place and city through the geography (tables grow lazily)."""
        lk, geo = self._lk, self.geography
        if refresh:
            self._town_of_place, self._region_of_city = [], []
        self._town_of_place += [
            lk.towns.add(geo.town_of(p)) for p in lk.places.values[len(self._town_of_place) :]
        ]
        self._region_of_city += [
            lk.regions.add(geo.region_of(c)) for c in lk.cities.values[len(self._region_of_city) :]
        ]
        # The trailing -1 is what an unknown place/city (id -1) picks up.
        town_of_place = np.array(self._town_of_place + [-1], dtype=np.int32)
        region_of_city = np.array(self._region_of_city + [-1], dtype=np.int32)
        self._region_table = region_of_city[:-1]
        n = self._cols.n
        self._cols.full("town")[:n][sl] = town_of_place[self._cols["place"][sl]]
        self._cols.full("region")[:n][sl] = region_of_city[self._cols["city"][sl]]

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
        """Changes with every build, update or change of default weights (a cache key for results)."""
        weights = hashlib.sha1(repr(sorted(self.weights.to_dict().items())).encode()).hexdigest()[:6]
        return f"mi{FORMAT_VERSION}-{self._build_id}-{self._updates}-{weights}"

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
        hvec = prune_vector(sparse.csr_matrix(w @ self._rows.rows(np.array(rows))), HISTORY_TERMS)
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
        facts = ProfileFacts.of(profile, now=now, geography=self.geography, seen_cities=seen)
        return facts, qvec, hvec

    @staticmethod
    def _query(qvec, hvec) -> tuple[np.ndarray, np.ndarray] | None:
        """(columns, values per vector) of the text and history vectors that are present."""
        vecs = [v for v in (qvec, hvec) if v is not None]
        if not vecs:
            return None
        cols = np.unique(np.concatenate([v.indices for v in vecs]))
        vals = np.zeros((len(vecs), len(cols)), dtype=np.float32)
        for i, v in enumerate(vecs):
            vals[i, np.searchsorted(cols, v.indices)] = v.data
        return cols, vals

    def _sims(
        self, qvec, hvec, rows: np.ndarray | None = None
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
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
        score, filtered = score_rows(
            facts,
            cols,
            self._lk,
            geography=self.geography,
            region_of_city=self._region_table,
            text=text,
            history=history,
            weights=weights,
            hard=hard,
        )
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
        _, _, _, score, ok, _ = self._score_all(
            profile, now=now, weights=weights, exclude_ids=exclude_ids, hard=hard, only_ids=None
        )
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
        if k <= 0:
            return []
        order = top_rows(np.where(ok, score, -np.inf), self._cols["id"], k)
        return [
            self._match(
                facts,
                int(r),
                float(score[r]),
                weights,
                text_sim=float(text[r]) if text is not None else 0.0,
                history_sim=float(history[r]) if history is not None else 0.0,
            )
            for r in order
        ]

    def _match(
        self,
        facts: ProfileFacts,
        row: int,
        score: float,
        weights: Weights,
        *,
        text_sim: float,
        history_sim: float,
    ) -> Match:
        """A Match with exact per-pair signals and the reasons they support."""
        d = self._facts(row)
        sig, breach = pair_signals(
            facts, d, text_sim=text_sim, history_sim=history_sim, geography=self.geography
        )
        reasons = reasons_for(
            sig,
            weights=weights,
            occupation_code=d.occupation_code,
            employment_type=d.employment_type,
            names=self._names,
        )
        sig |= {f"breach_{k}": 1.0 for k, v in breach.items() if v}
        return Match(vacancy_id=int(self._cols["id"][row]), score=score, reasons=reasons, signals=sig)

    def _facts(self, row: int) -> DocFacts:
        return row_facts(self._cols, self._lk, row)

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
            sig, breach = pair_signals(
                facts, self._facts(int(row)), text_sim=t, history_sim=h, geography=self.geography
            )
            score, _ = combine(sig, breach, weights=weights, hard=hard)
            out.append(self._match(facts, int(row), score, weights, text_sim=t, history_sim=h))
        return out

    # -- persistence --------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write a versioned artifact (atomically: readers never see a half-written file)."""
        names = dict(self._names_src) if isinstance(self._names_src, Mapping) else None
        state = {
            "format": FORMAT_VERSION,
            "vectorizer": self._vec,
            "cols": self._cols,
            "rows": self._rows,
            "lookups": self._lk,
            "row_of": self._row_of,
            "dead": self._dead,
            "updates": self._updates,
            "build_id": self._build_id,
            "built_at": self.built_at,
            "weights": self.weights.to_dict(),
            "names": names,
        }
        path = Path(path)
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        geography: Geography,
        names: Mapping[str, str] | Callable[[str], str | None] | None = None,
    ) -> MatchIndex:
        """Read an artifact written by save (only load artifacts this service wrote: it is a pickle)."""
        with open(path, "rb") as fh:
            state = pickle.load(fh)  # noqa: S301 - our own artifact
        if not isinstance(state, dict) or state.get("format") != FORMAT_VERSION:
            raise ValueError(
                f"unsupported match index artifact format: {state.get('format') if isinstance(state, dict) else '?'}"
            )
        index = cls(
            vectorizer=state["vectorizer"],
            geography=geography,
            names=names or state["names"],
            weights=Weights.from_dict(state["weights"]),
            built_at=state["built_at"],
        )
        index._cols, index._rows, index._lk = state["cols"], state["rows"], state["lookups"]
        index._row_of, index._dead, index._updates = state["row_of"], state["dead"], state["updates"]
        index._build_id = state["build_id"]
        index._derive_places(refresh=True)
        return index
