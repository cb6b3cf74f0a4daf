"""Vacancy and profile text → pruned, L2-normalised TF-IDF rows, with a vectorised path for character n-grams."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

from jobbridge.matching.text import char_tfidf, normalize_text

__all__ = ["DocVectorizer", "l2_rows", "light_normalize", "prune_vector"]

# Same pattern sklearn applies before cutting character n-grams (runs of 2+ whitespace become one space).
_WHITE_SPACES = re.compile(r"\s\s+")
_BITS = 21  # every Unicode code point (+1) fits in 21 bits, so three characters pack into one int64
_LOW = (1 << _BITS) - 1
_HASH_MULT = np.uint64(0x9E3779B97F4A7C15)
_CHUNK = 2048
# The lone padding space char_wb emits around every word: it is in every document and only adds noise.
_SPACE_KEY = 0x20 + 1

# Full-width ASCII → half-width, whitespace and CJK punctuation → space: a cheap stand-in for NFKC on long bodies.
# Applied after lower(), so full-width capitals have already become full-width small letters.
_FOLD: dict[int, int] = {0xFF01 + i: 0x21 + i for i in range(0x5E)}
_FOLD.update({c: ord(chr(c).lower()) for c in range(ord("A"), ord("Z") + 1)})
_FOLD.update({ord(c): 0x20 for c in "，。、；：！？（）【】《》〈〉「」『』“”‘’·…—～,;:!?()[]{}<>\"'|/\\"})
_FOLD.update({c: 0x20 for c in range(0x3001) if chr(c).isspace()})  # no whitespace above U+3000
_FOLD.update({c: 0x20 for c in range(0xFF01, 0xFF5F) if chr(c - 0xFF01 + 0x21) in ",;:!?()[]{}<>\"'|/\\"})
_FOLD_TABLE = {k: chr(v) for k, v in _FOLD.items()}
_LUT: np.ndarray | None = None  # int32 code point table, built on first use


def l2_rows(x: sparse.csr_matrix) -> sparse.csr_matrix:
    """Scale each row to unit length in place (sklearn's normalize costs ~1 ms of checks per call)."""
    lens = np.diff(x.indptr)
    norms = np.sqrt(
        np.bincount(
            np.repeat(np.arange(x.shape[0]), lens),
            weights=np.square(x.data, dtype=np.float64),
            minlength=x.shape[0],
        )
    )
    norms[norms == 0] = 1.0
    x.data = (x.data / np.repeat(norms, lens)).astype(x.dtype, copy=False)
    return x


def prune_vector(vec: sparse.csr_matrix, max_terms: int) -> sparse.csr_matrix:
    """One row cut to its max_terms heaviest terms and re-normalised (e.g. a profile's history centroid)."""
    if vec.nnz > max_terms:
        cut = np.partition(vec.data, vec.nnz - max_terms)[vec.nnz - max_terms]
        vec = sparse.csr_matrix(vec.multiply(vec >= cut))
    return l2_rows(sparse.csr_matrix(vec, dtype=np.float32))


def light_normalize(text: str) -> str:
    """Fast normalisation for long descriptions: lowercase, fold widths, whitespace and punctuation to spaces."""
    return text.lower().translate(_FOLD_TABLE)


def _lut() -> np.ndarray:
    """Code point → code point table equal to light_normalize's translate table (built on first use)."""
    global _LUT
    if _LUT is None:
        lut = np.arange(0x110000, dtype=np.int32)
        lut[np.fromiter(_FOLD.keys(), dtype=np.int64)] = np.fromiter(_FOLD.values(), dtype=np.int32)
        _LUT = lut
    return _LUT


class _KeyTable:
    """Open-addressing hash table int64 n-gram key → column, probed with vectorised numpy."""

    def __init__(self, keys: np.ndarray) -> None:
        bits = max(10, int(np.ceil(np.log2(2 * len(keys) + 1))))
        self._mask = (1 << bits) - 1
        self._shift = np.uint64(64 - bits)
        self._keys = np.full(1 << bits, -1, dtype=np.int64)
        self._vals = np.full(1 << bits, -1, dtype=np.int32)
        pending = np.arange(len(keys))
        pos = self._hash(keys)
        while pending.size:
            p = pos[pending]
            free = self._keys[p] == -1
            slots, first = np.unique(p[free], return_index=True)
            winners = pending[free][first]
            self._keys[slots] = keys[winners]
            self._vals[slots] = winners
            placed = np.zeros(len(keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            pos[pending] = (pos[pending] + 1) & self._mask
        single = np.flatnonzero(keys <= _LOW)
        self._direct: np.ndarray | None = None
        if single.size:
            self._direct = np.full(_LOW + 1, -1, dtype=np.int32)
            self._direct[keys[single]] = single

    def _hash(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.astype(np.uint64) * _HASH_MULT) >> self._shift).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Column of each key, -1 when the key is not in the vocabulary."""
        if self._direct is not None and len(keys) and int(keys.max()) <= _LOW:
            return self._direct[keys]  # single characters: one gather, no hashing
        pos = self._hash(keys)
        stored = self._keys[pos]
        out = self._vals[pos]
        miss = stored != keys
        out[miss] = -1
        # Only keys that met another key in their first slot need further probing.
        idx = np.flatnonzero(miss & (stored != -1))
        pos = pos[idx]
        while idx.size:
            pos = (pos + 1) & self._mask
            stored = self._keys[pos]
            hit = stored == keys[idx]
            out[idx[hit]] = self._vals[pos[hit]]
            more = ~hit & (stored != -1)
            idx, pos = idx[more], pos[more]
        return out


def _term_major(terms: np.ndarray, docs: np.ndarray, *, n_terms: int, n_docs: int) -> sparse.csr_matrix:
    """Counts as a term × document CSR without any sorting.

    Each term has one length, so all its occurrences come from one n-gram block in document order; the
    stable COO→CSR conversion therefore leaves every term's documents ordered and duplicate counts adjacent.
    """
    mat = sparse.csr_matrix(
        sparse.coo_matrix((np.ones(len(terms), dtype=np.float32), (terms, docs)), shape=(n_terms, n_docs))
    )
    mat.sum_duplicates()
    return mat


def _decode(key: int) -> str:
    """The n-gram string packed in a key."""
    chars = []
    while key:
        chars.append(chr((key & _LOW) - 1))
        key >>= _BITS
    return "".join(reversed(chars))


class DocVectorizer:
    """A fitted TF-IDF over vacancy titles and bodies: title and body rows are mixed, pruned and re-normalised."""

    def __init__(
        self,
        vectorizer: TfidfVectorizer | None = None,
        *,
        title_weight: float = 1.0,
        max_terms: int = 64,
        fit_sample: int = 20000,
        text_chars: int = 400,
        seed: int = 0,
    ) -> None:
        # Texts are normalised here, so the sklearn preprocessor stays off (and the artifact stays picklable).
        self.vectorizer = vectorizer if vectorizer is not None else char_tfidf(preprocessor=None)
        self.title_weight = title_weight
        self.max_terms = max_terms
        self.fit_sample = fit_sample
        self.text_chars = text_chars
        self.seed = seed
        self._vocab_keys: np.ndarray | None = None
        self._table: _KeyTable | None = None

    # -- preprocessing -------------------------------------------------------------------------------
    # The fast path gets "raw" strings and applies light_normalize itself in numpy; the sklearn path gets
    # light_normalize(raw) — both therefore see exactly the same characters.
    def _raw_title(self, title: str) -> str:
        return normalize_text(title or "")

    def _raw_body(self, text: str) -> str:
        return (text or "")[: self.text_chars]

    def _fast_capable(self) -> bool:
        v = self.vectorizer
        return (
            v.analyzer == "char_wb"
            and v.ngram_range[1] <= 3
            and v.preprocessor is None
            and not v.strip_accents
            and v.vocabulary is None
            and v.norm in ("l2", None)
        )

    @property
    def n_features(self) -> int:
        """Width of the rows."""
        return len(self.vectorizer.vocabulary_)

    # -- n-gram keys -----------------------------------------------------------------------------------
    def _keys(self, raw: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per n: (key, document index) of the n-grams sklearn's char_wb emits for light_normalize(raw).

        char_wb pads every word with one space and cuts n-grams inside each padded word. That equals cutting
        the text with whitespace runs collapsed to one space and keeping n-grams with no space inside (only at
        their ends); the one thing counted differently, the lone padding space, is not in the vocabulary.
        """
        lowered = [t.lower() for t in raw]
        lens = np.fromiter((len(t) + 1 for t in lowered), dtype=np.int64, count=len(lowered))
        text = " " + " ".join(lowered) + " "
        codes = _lut()[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)]
        doc_of = np.concatenate(([0], np.repeat(np.arange(len(lowered), dtype=np.int32), lens)))
        space = codes == 0x20
        keep = ~(space & np.concatenate(([False], space[:-1])))
        c = codes[keep].astype(np.int64) + 1
        d, sp = doc_of[keep], space[keep]
        out = []
        lo, hi = self.vectorizer.ngram_range
        for n in range(lo, hi + 1):
            m = len(c) - n + 1
            if m <= 0:
                continue
            if n == 1:
                start = np.flatnonzero(~sp)
                out.append((c[start], d[start]))
                continue
            valid = np.ones(m, dtype=bool)
            for j in range(1, n - 1):
                valid &= ~sp[j : j + m]
            start = np.flatnonzero(valid)
            key = c[start]
            for j in range(1, n):
                key = (key << _BITS) | c[start + j]
            # An n-gram that starts on a space belongs to the word (and document) after it.
            out.append((key, np.where(sp[start], d[start + 1], d[start])))
        return out

    # -- fitting ------------------------------------------------------------------------------------------
    def fit(self, titles: Sequence[str], texts: Sequence[str]) -> DocVectorizer:
        """Learn vocabulary and idf from the documents (a seeded sample when there are many)."""
        n = len(titles)
        idx = np.arange(n)
        if n > self.fit_sample:
            idx = np.sort(np.random.default_rng(self.seed).choice(n, self.fit_sample, replace=False))
        strings = [f"{self._raw_title(titles[i])} {self._raw_body(texts[i])}" for i in idx]
        if not self._fast_capable():
            self.vectorizer.fit([light_normalize(t) for t in strings])
            if hasattr(self.vectorizer, "stop_words_"):
                del self.vectorizer.stop_words_  # can be huge and is never needed after fitting
            self._drop_space_term()
            return self
        self._fast_fit(strings)
        return self

    def _drop_space_term(self) -> None:
        """Remove the lone-space term from an sklearn-fitted vocabulary (same effect as the fast fit)."""
        v = self.vectorizer
        if " " not in v.vocabulary_:
            return
        gone = v.vocabulary_[" "]
        vocabulary = {t: (i - (i > gone)) for t, i in v.vocabulary_.items() if t != " "}
        self._install(vocabulary, np.delete(v.idf_, gone) if v.use_idf else None)

    def _install(self, vocabulary: dict[str, int], idf: np.ndarray | None) -> None:
        """Make the sklearn vectorizer fitted with this vocabulary and idf (its transform then agrees with ours)."""
        v = self.vectorizer
        v.vocabulary_ = vocabulary
        v.fixed_vocabulary_ = False
        tfidf = TfidfTransformer(
            norm=v.norm, use_idf=v.use_idf, smooth_idf=v.smooth_idf, sublinear_tf=v.sublinear_tf
        )
        tfidf.fit(sparse.csr_matrix((1, len(vocabulary)), dtype=np.float64))
        if idf is not None:
            tfidf.idf_ = idf
        v._tfidf = tfidf

    def _fast_fit(self, strings: list[str]) -> None:
        v = self.vectorizer
        # Chunked so the n-gram key arrays never hold more than a few thousand documents at once.
        chunk_keys, chunk_df, chunk_tf = [], [], []
        for lo in range(0, len(strings), _CHUNK):
            parts = self._keys(strings[lo : lo + _CHUNK])
            keys = np.concatenate([k for k, _ in parts]) if parts else np.empty(0, np.int64)
            if keys.size == 0:
                continue
            docs = np.concatenate([d for _, d in parts])
            srt = np.sort(keys)  # sorting beats np.unique here (its hash path is very slow on these keys)
            uniq = srt[np.concatenate(([True], srt[1:] != srt[:-1]))]
            kid = _KeyTable(uniq).lookup(keys)
            by_term = _term_major(kid, docs, n_terms=len(uniq), n_docs=int(docs.max()) + 1)
            chunk_keys.append(uniq)
            chunk_df.append(np.diff(by_term.indptr))  # distinct documents per term
            chunk_tf.append(np.bincount(kid, minlength=len(uniq)))
        if not chunk_keys:
            raise ValueError("empty vocabulary: no document has any text")
        all_keys = np.concatenate(chunk_keys)
        order = np.argsort(all_keys, kind="stable")
        all_keys = all_keys[order]
        starts = np.flatnonzero(np.concatenate(([True], all_keys[1:] != all_keys[:-1])))
        uniq = all_keys[starts]
        df = np.add.reduceat(np.concatenate(chunk_df)[order], starts)
        total_tf = np.add.reduceat(np.concatenate(chunk_tf)[order], starts)
        n_docs = len(strings)
        min_df = v.min_df if isinstance(v.min_df, int) else int(np.ceil(v.min_df * n_docs))
        max_df = v.max_df if isinstance(v.max_df, int) else int(np.floor(v.max_df * n_docs))
        keep = (df >= min_df) & (df <= max_df) & (uniq != _SPACE_KEY)
        if v.max_features is not None and keep.sum() > v.max_features:
            tf = total_tf.astype(float)
            tf[~keep] = -1
            top = np.argsort(-tf, kind="stable")[: v.max_features]
            keep = np.zeros_like(keep)
            keep[top] = True
        vocab_keys, df = uniq[keep], df[keep]
        s = int(v.smooth_idf)
        idf = np.log((n_docs + s) / (df + s)) + 1.0 if v.use_idf else None
        self._install({_decode(int(k)): i for i, k in enumerate(vocab_keys)}, idf)
        self._vocab_keys = vocab_keys

    # -- transforming --------------------------------------------------------------------------------------
    def _tfidf(self, raw: Sequence[str]) -> sparse.csr_matrix:
        """Rows exactly as vectorizer.transform gives them for light_normalize(raw)."""
        if self._vocab_keys is None:
            return sparse.csr_matrix(
                self.vectorizer.transform([light_normalize(t) for t in raw]), dtype=np.float32
            )
        self._prepare()
        v = self.vectorizer
        parts = self._keys(raw)
        cols = np.concatenate([self._table.lookup(k) for k, _ in parts]) if parts else np.empty(0, np.int32)
        docs = np.concatenate([d for _, d in parts]) if parts else np.empty(0, np.int32)
        found = cols >= 0
        shape = (len(raw), len(self._vocab_keys))
        if len(raw) == 1:  # a single query or upsert: counting by sorting is cheaper than sparse conversions
            terms, freq = np.unique(cols[found], return_counts=True)
            counts = sparse.csr_matrix((freq.astype(np.float64), terms, [0, len(terms)]), shape=shape)
        else:
            by_term = _term_major(cols[found], docs[found], n_terms=shape[1], n_docs=shape[0])
            counts = sparse.csr_matrix(by_term.T.tocsr(), dtype=np.float64)  # O(nnz) transpose, rows sorted
        if v.binary:
            counts.data[:] = 1.0
        if v.sublinear_tf:
            counts.data = np.log(counts.data) + 1.0
        if v.use_idf:
            counts.data *= v.idf_[counts.indices]
        if v.norm is not None:
            counts = l2_rows(counts)
        return counts.astype(np.float32)

    def transform_docs(self, titles: Sequence[str], texts: Sequence[str]) -> sparse.csr_matrix:
        """Document rows: title and body mixed, at most max_terms terms each, L2-normalised."""

        def chunk(lo: int) -> sparse.csr_matrix:
            t = self._tfidf([self._raw_title(s) for s in titles[lo : lo + _CHUNK]])
            b = self._tfidf([self._raw_body(s) for s in texts[lo : lo + _CHUNK]])
            return self._prune(sparse.csr_matrix(t * np.float32(self.title_weight) + b))

        blocks = [chunk(lo) for lo in range(0, len(titles), _CHUNK)]
        if not blocks:
            return sparse.csr_matrix((0, self.n_features), dtype=np.float32)
        return sparse.csr_matrix(sparse.vstack(blocks, format="csr"), dtype=np.float32)

    def _prepare(self) -> None:
        """Build the lazy lookup tables."""
        _lut()
        if self._vocab_keys is not None and self._table is None:
            self._table = _KeyTable(self._vocab_keys)

    def transform_queries(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Profile text rows (not pruned: they are short and precision matters there)."""
        return sparse.csr_matrix(self._tfidf([normalize_text(t or "") for t in texts]), dtype=np.float32)

    def _prune(self, x: sparse.csr_matrix) -> sparse.csr_matrix:
        """Keep each row's max_terms heaviest terms (ties broken by column), then re-normalise."""
        x.sum_duplicates()
        lens = np.diff(x.indptr)
        long_rows = np.flatnonzero(lens > self.max_terms)
        if long_rows.size:
            width = int(lens.max())
            pad = np.full((len(long_rows), width), -np.inf, dtype=np.float32)
            sub = lens[long_rows]
            row_of = np.repeat(np.arange(len(long_rows)), sub)
            col_of = np.arange(int(sub.sum())) - np.repeat(np.cumsum(sub) - sub, sub)
            src = np.repeat(x.indptr[long_rows], sub) + col_of
            pad[row_of, col_of] = x.data[src]
            threshold = np.partition(pad, width - self.max_terms, axis=1)[:, width - self.max_terms]
            row_thr = np.full(len(lens), -np.inf, dtype=np.float32)
            row_thr[long_rows] = threshold
            thr = np.repeat(row_thr, lens)
            row_ids = np.repeat(np.arange(len(lens)), lens)
            strict = x.data > thr
            # Ties at the cut are kept in column order until the row has exactly max_terms terms.
            ties = x.data == thr
            seen = np.cumsum(ties)
            tie_rank = seen - np.repeat(np.concatenate(([0], seen))[x.indptr[:-1]], lens) - 1
            room = self.max_terms - np.bincount(row_ids[strict], minlength=len(lens))
            keep = strict | (ties & (tie_rank < np.repeat(room, lens)))
            # Masking keeps each row's column order, so the pruned rows are built directly (no re-sorting).
            kept = np.bincount(row_ids[keep], minlength=len(lens))
            indptr = np.concatenate(([0], np.cumsum(kept)))
            x = sparse.csr_matrix((x.data[keep], x.indices[keep], indptr), shape=x.shape)
        return l2_rows(x)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_table"] = None  # rebuilt lazily from the vocabulary keys
        return state
