"""Growable storage behind MatchIndex: per-row numpy columns, string interning and the text rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from jobbridge.matching.model import VacancyDoc
from jobbridge.matching.signals import DocFacts, epoch_seconds
from jobbridge.vocab import education_rank

__all__ = ["COLUMNS", "Columns", "Interner", "Lookups", "RowStore", "fill_rows", "row_facts"]

# name → (dtype, fill value for a fresh row)
COLUMNS: dict[str, tuple[type, object]] = {
    "id": (np.int64, -1),
    "alive": (np.bool_, False),
    "open": (np.bool_, False),
    "place": (np.int32, -1),  # village code, else town code, as given
    "town": (np.int32, -1),  # derived from place through the geography
    "city": (np.int32, -1),
    "region": (np.int32, -1),
    "occ": (np.int32, -1),
    "edu": (np.int8, 0),
    "age_min": (np.float32, np.nan),
    "age_max": (np.float32, np.nan),
    "pay_min": (np.float64, np.nan),
    "pay_max": (np.float64, np.nan),
    "etype": (np.int16, -1),
    "published": (np.float64, np.nan),
    "popularity": (np.float64, 0.0),
    "employer": (np.int64, -1),
}


class Interner:
    """String ↔ dense int ids (ids are never reused, so stored rows stay valid)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.values: list[str] = []

    def add(self, value: str | None) -> int:
        """Id of a value, adding it if new (-1 for None/empty)."""
        if not value:
            return -1
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.values)
            self.values.append(value)
        return found

    def get(self, value: str | None, missing: int = -2) -> int:
        """Id of a known value, else `missing` (-2 by default: never equal to a stored -1)."""
        return self.ids.get(value, missing) if value else missing

    def value(self, ident: int) -> str | None:
        """The string of an id (None for -1)."""
        return self.values[ident] if ident >= 0 else None


@dataclass
class Lookups:
    """The string interners of an index, one per categorical field, plus a cache of occupation tables."""

    places: Interner = field(default_factory=Interner)
    towns: Interner = field(default_factory=Interner)
    cities: Interner = field(default_factory=Interner)
    regions: Interner = field(default_factory=Interner)
    occ: Interner = field(default_factory=Interner)
    etypes: Interner = field(default_factory=Interner)
    occ_tables: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict, repr=False)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "occ_tables"} | {"occ_tables": {}}


class Columns:
    """Structured fields of every row as numpy arrays with spare capacity, so appends are O(1) amortised."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self._arrays = {name: np.full(capacity, fill, dtype=dt) for name, (dt, fill) in COLUMNS.items()}

    @property
    def capacity(self) -> int:
        """Rows that fit before the next reallocation."""
        return len(self._arrays["id"])

    def grow_to(self, rows: int) -> range:
        """Make room for `rows` in total and return the new row numbers (filled with defaults)."""
        if rows > self.capacity:
            new_cap = max(rows, int(self.capacity * 1.5) + 1024)
            for name, (dt, fill) in COLUMNS.items():
                fresh = np.full(new_cap, fill, dtype=dt)
                fresh[: self.n] = self._arrays[name][: self.n]
                self._arrays[name] = fresh
        added = range(self.n, rows)
        self.n = rows
        return added

    def __getitem__(self, name: str) -> np.ndarray:
        """Live view of a column over the used rows."""
        return self._arrays[name][: self.n]

    def full(self, name: str) -> np.ndarray:
        """The whole backing array (for writes to rows just added)."""
        return self._arrays[name]

    def take(self, rows: np.ndarray) -> Columns:
        """A compacted copy holding only the given rows."""
        out = Columns(capacity=max(1024, int(len(rows) * 1.25)))
        out.grow_to(len(rows))
        for name in COLUMNS:
            out._arrays[name][: len(rows)] = self._arrays[name][rows]
        return out

    def __getstate__(self) -> dict:
        return {"n": self.n, "arrays": {k: v[: self.n].copy() for k, v in self._arrays.items()}}

    def __setstate__(self, state: dict) -> None:
        self.n = 0
        self._arrays = {
            name: np.full(max(1024, state["n"]), fill, dtype=dt) for name, (dt, fill) in COLUMNS.items()
        }
        self.grow_to(state["n"])
        for name, arr in state["arrays"].items():
            self._arrays[name][: self.n] = arr


def _grown(arr: np.ndarray, capacity: int, used: int) -> np.ndarray:
    """A larger array holding the first `used` entries of arr."""
    out = np.empty(capacity, dtype=arr.dtype)
    out[:used] = arr[:used]
    return out


class RowStore:
    """Text rows as a growable CSR, plus an inverted (column-major) copy of the rows present at the last reindex.

    Scoring a query touches only the postings of its terms in the inverted part and does one small
    mat-vec over the rows appended since (the "delta"), so appends never rebuild the inverted copy.
    """

    def __init__(self, n_features: int) -> None:
        self.n_features = n_features
        self.n_rows = 0
        self.nnz = 0
        self._data = np.zeros(1024, dtype=np.float32)
        self._indices = np.zeros(1024, dtype=np.int32)
        self._indptr = np.zeros(1025, dtype=np.int64)
        self.n_indexed = 0
        self._inv = sparse.csc_matrix((0, n_features), dtype=np.float32)

    def append(self, rows: sparse.csr_matrix) -> range:
        """Append CSR rows (already pruned and normalised); returns their row numbers."""
        rows = sparse.csr_matrix(rows, dtype=np.float32)
        need_nnz, need_rows = self.nnz + rows.nnz, self.n_rows + rows.shape[0]
        if need_nnz > len(self._data):
            cap = max(need_nnz, int(len(self._data) * 1.5))
            self._data = _grown(self._data, cap, self.nnz)
            self._indices = _grown(self._indices, cap, self.nnz)
        if need_rows + 1 > len(self._indptr):
            cap = max(need_rows + 1, int(len(self._indptr) * 1.5))
            self._indptr = _grown(self._indptr, cap, self.n_rows + 1)
        self._data[self.nnz : need_nnz] = rows.data
        self._indices[self.nnz : need_nnz] = rows.indices
        self._indptr[self.n_rows + 1 : need_rows + 1] = rows.indptr[1:] + self.nnz
        added = range(self.n_rows, need_rows)
        self.n_rows, self.nnz = need_rows, need_nnz
        return added

    def matrix(self, start: int = 0, stop: int | None = None) -> sparse.csr_matrix:
        """Rows start..stop as a CSR matrix (views into the store, no copy of the data)."""
        stop = self.n_rows if stop is None else stop
        ptr = self._indptr[start : stop + 1]
        lo, hi = int(ptr[0]), int(ptr[-1])
        return sparse.csr_matrix(
            (self._data[lo:hi], self._indices[lo:hi], ptr - lo),
            shape=(stop - start, self.n_features),
            copy=False,
        )

    def rows(self, idx: np.ndarray) -> sparse.csr_matrix:
        """Selected rows as a CSR matrix (indices stay sorted within each row)."""
        idx = np.asarray(idx, dtype=np.int64)
        if len(idx) and np.all(np.diff(idx) == 1):
            return self.matrix(int(idx[0]), int(idx[-1]) + 1)
        return self.matrix()[idx]

    def reindex(self) -> None:
        """Rebuild the inverted copy over all current rows."""
        self._inv = sparse.csc_matrix(self.matrix().tocsc(), dtype=np.float32)
        self._inv.sort_indices()
        self.n_indexed = self.n_rows

    @property
    def delta_rows(self) -> int:
        """Rows appended since the last reindex."""
        return self.n_rows - self.n_indexed

    def dot(self, cols: np.ndarray, vals: np.ndarray) -> np.ndarray:
        """Row · query for every row, for each query in vals (shape q × len(cols)); returns q × n_rows.

        The inverted part adds a row's terms in column order in float32, exactly as a CSR mat-vec over
        the delta (or dot_rows) does, so a score never depends on where its row is stored.
        """
        vals = np.ascontiguousarray(vals, dtype=np.float32)
        out = np.empty((self.n_rows, vals.shape[0]), dtype=np.float32)
        if self.n_indexed:
            out[: self.n_indexed] = self._inv[:, cols] @ vals.T
        if self.delta_rows:
            out[self.n_indexed :] = self.matrix(self.n_indexed) @ self._dense(cols, vals)
        return out.T.astype(np.float64)

    def dot_rows(self, idx: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> np.ndarray:
        """Row · query for the given rows only (same arithmetic as dot); returns q × len(idx)."""
        vals = np.ascontiguousarray(vals, dtype=np.float32)
        return (self.rows(idx) @ self._dense(cols, vals)).T.astype(np.float64)

    def _dense(self, cols: np.ndarray, vals: np.ndarray) -> np.ndarray:
        dense = np.zeros((self.n_features, vals.shape[0]), dtype=np.float32)
        dense[cols] = vals.T
        return dense

    def take(self, idx: np.ndarray) -> RowStore:
        """A compacted, reindexed copy holding only the given rows."""
        out = RowStore(self.n_features)
        out.append(self.rows(idx))
        out.reindex()
        return out

    def __getstate__(self) -> dict:
        m = self.matrix()
        return {
            "n_features": self.n_features,
            "data": m.data.copy(),
            "indices": m.indices.copy(),
            "indptr": m.indptr.copy(),
        }

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["n_features"])
        self.append(
            sparse.csr_matrix(
                (state["data"], state["indices"], state["indptr"]),
                shape=(len(state["indptr"]) - 1, state["n_features"]),
            )
        )
        self.reindex()


def fill_rows(cols: Columns, lk: Lookups, docs: Sequence[VacancyDoc], sl: slice) -> None:
    """Write the structured facts of docs into rows sl (town/region are derived separately)."""
    put = cols.full
    # Column by column: a few list comprehensions are far cheaper than one Python loop touching every array.
    put("id")[sl] = [d.id for d in docs]
    put("place")[sl] = [lk.places.add(d.village_code or d.town_code) for d in docs]
    put("city")[sl] = [lk.cities.add(d.city) for d in docs]
    put("etype")[sl] = [lk.etypes.add(d.employment_type) for d in docs]
    put("edu")[sl] = [education_rank(d.min_education) for d in docs]
    put("employer")[sl] = [-1 if d.employer_id is None else d.employer_id for d in docs]
    put("occ")[sl] = [lk.occ.add(d.occupation_code) for d in docs]
    put("age_min")[sl] = np.array([d.age_min for d in docs], dtype=np.float64)  # None → nan
    put("age_max")[sl] = np.array([d.age_max for d in docs], dtype=np.float64)
    put("pay_min")[sl] = np.array([d.pay_monthly_min for d in docs], dtype=np.float64)
    put("pay_max")[sl] = np.array([d.pay_monthly_max for d in docs], dtype=np.float64)
    put("published")[sl] = [epoch_seconds(d.published_at) for d in docs]
    put("open")[sl] = [d.is_open for d in docs]
    put("alive")[sl] = True


def row_facts(cols: Columns, lk: Lookups, row: int) -> DocFacts:
    """The DocFacts of one stored row (what the per-pair scoring reads)."""

    def num(name: str) -> float:
        return float(cols[name][row])

    def text(name: str, interner: Interner) -> str | None:
        return interner.value(int(cols[name][row]))

    return DocFacts(
        place=text("place", lk.places),
        city=text("city", lk.cities),
        region=text("region", lk.regions),
        occupation_code=text("occ", lk.occ),
        edu=int(cols["edu"][row]),
        age_min=num("age_min"),
        age_max=num("age_max"),
        pay_min=num("pay_min"),
        pay_max=num("pay_max"),
        employment_type=text("etype", lk.etypes),
        published_ts=num("published"),
        popularity=num("popularity"),
    )
