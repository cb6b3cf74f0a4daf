"""Vacancy and profile text → pruned, L2-normalised TF-IDF rows, with a vectorised path for character n-grams."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

from jobbridge.matching.text import char_tfidf, normalize_text

__all__ = ["DocVectorizer", "light_normalize"]

# Same pattern sklearn applies before cutting character n-grams (runs of 2+ whitespace become one space).
_WHITE_SPACES = re.compile(r"\s\s+")
_BITS = 21  # every Unicode code point (+1) fits in 21 bits, so three characters pack into one int64
_LOW = (1 << _BITS) - 1
_HASH_MULT = np.uint64(0x9E3779B97F4A7C15)
_CHUNK = 8192

# Full-width ASCII → half-width, ideographic space and CJK punctuation → space (cheap stand-in for NFKC on bodies).
_FOLD = {0xFF01 + i: 0x21 + i for i in range(0x5E)}
_FOLD.update({ord(c): " " for c in "\u3000，。、；：！？（）【】《》〈〉「」『』“”‘’·…—～\t\r\n,;:!?()[]{}<>\"'|/\\"})


def light_normalize(text: str) -> str:
    """Fast normalisation for long descriptions: fold widths, punctuation to spaces, lowercase."""
    return text.translate(_FOLD).lower()


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

    def _hash(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.astype(np.uint64) * _HASH_MULT) >> self._shift).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Column of each key, -1 when the key is not in the vocabulary."""
        out = np.full(len(keys), -1, dtype=np.int32)
        active = np.arange(len(keys))
        pos = self._hash(keys)
        while active.size:
            stored = self._keys[pos]
            hit = stored == keys[active]
            out[active[hit]] = self._vals[pos[hit]]
            more = ~hit & (stored != -1)
            active, pos = active[more], (pos[more] + 1) & self._mask
        return out


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
    def _title(self, title: str) -> str:
        return normalize_text(title or "")

    def _body(self, text: str) -> str:
        return light_normalize((text or "")[: self.text_chars])

    def _fast_capable(self) -> bool:
        v = self.vectorizer
        return (
            v.analyzer in ("char", "char_wb")
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
    def _keys(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(key, document index) for every character n-gram sklearn's analyzer would emit for these texts."""
        v = self.vectorizer
        parts: list[str] = []
        seg_len: list[int] = []
        seg_doc: list[int] = []
        for i, raw in enumerate(texts):
            text = _WHITE_SPACES.sub(" ", raw.lower() if v.lowercase else raw)
            if v.analyzer == "char_wb":
                words = text.split()
                if words:
                    parts.append(" " + "  ".join(words) + " ")
                    seg_len.extend(len(w) + 2 for w in words)
                    seg_doc.extend([i] * len(words))
            elif text:
                parts.append(text)
                seg_len.append(len(text))
                seg_doc.append(i)
        if not parts:
            return np.empty(0, np.int64), np.empty(0, np.int32)
        codes = np.frombuffer("".join(parts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = codes.astype(np.int64) + 1
        lens = np.asarray(seg_len, dtype=np.int64)
        seg = np.repeat(np.arange(len(lens)), lens)
        offset = np.arange(len(codes)) - np.repeat(np.cumsum(lens) - lens, lens)
        docs = np.asarray(seg_doc, dtype=np.int32)[seg]
        keys_out, docs_out = [], []
        lo, hi = v.ngram_range
        for n in range(lo, hi + 1):
            start = np.flatnonzero(offset <= lens[seg] - n)
            key = codes[start]
            for j in range(1, n):
                key = (key << _BITS) | codes[start + j]
            keys_out.append(key)
            docs_out.append(docs[start])
        return np.concatenate(keys_out), np.concatenate(docs_out)

    # -- fitting ------------------------------------------------------------------------------------------
    def fit(self, titles: Sequence[str], texts: Sequence[str]) -> DocVectorizer:
        """Learn vocabulary and idf from the documents (a seeded sample when there are many)."""
        n = len(titles)
        idx = np.arange(n)
        if n > self.fit_sample:
            idx = np.sort(np.random.default_rng(self.seed).choice(n, self.fit_sample, replace=False))
        strings = [f"{self._title(titles[i])} {self._body(texts[i])}" for i in idx]
        if not self._fast_capable():
            self.vectorizer.fit(strings)
            if hasattr(self.vectorizer, "stop_words_"):
                del self.vectorizer.stop_words_  # can be huge and is never needed after fitting
            return self
        self._fast_fit(strings)
        return self

    def _fast_fit(self, strings: list[str]) -> None:
        v = self.vectorizer
        keys, docs = self._keys(strings)
        if keys.size == 0:
            raise ValueError("empty vocabulary: no document has any text")
        uniq, inv = np.unique(keys, return_inverse=True)
        pairs = np.unique(docs.astype(np.int64) * len(uniq) + inv)
        df = np.bincount(pairs % len(uniq), minlength=len(uniq))
        n_docs = len(strings)
        min_df = v.min_df if isinstance(v.min_df, int) else int(np.ceil(v.min_df * n_docs))
        max_df = v.max_df if isinstance(v.max_df, int) else int(np.floor(v.max_df * n_docs))
        keep = (df >= min_df) & (df <= max_df)
        if v.max_features is not None and keep.sum() > v.max_features:
            tf = np.bincount(inv, minlength=len(uniq)).astype(float)
            tf[~keep] = -1
            top = np.argsort(-tf, kind="stable")[: v.max_features]
            keep = np.zeros_like(keep)
            keep[top] = True
        vocab_keys, df = uniq[keep], df[keep]
        v.vocabulary_ = {_decode(int(k)): i for i, k in enumerate(vocab_keys)}
        v.fixed_vocabulary_ = False
        tfidf = TfidfTransformer(norm=v.norm, use_idf=v.use_idf, smooth_idf=v.smooth_idf, sublinear_tf=v.sublinear_tf)
        tfidf.fit(sparse.csr_matrix((1, len(vocab_keys)), dtype=np.float64))
        if v.use_idf:
            s = int(v.smooth_idf)
            tfidf.idf_ = np.log((n_docs + s) / (df + s)) + 1.0
        v._tfidf = tfidf
        self._vocab_keys = vocab_keys

    # -- transforming --------------------------------------------------------------------------------------
    def _tfidf(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Rows exactly as vectorizer.transform would give them (texts already normalised)."""
        if self._vocab_keys is None:
            return sparse.csr_matrix(self.vectorizer.transform(list(texts)), dtype=np.float32)
        if self._table is None:
            self._table = _KeyTable(self._vocab_keys)
        v = self.vectorizer
        keys, docs = self._keys(texts)
        cols = self._table.lookup(keys)
        found = cols >= 0
        counts = sparse.coo_matrix(
            (np.ones(int(found.sum()), dtype=np.float64), (docs[found], cols[found])),
            shape=(len(texts), len(self._vocab_keys)),
        ).tocsr()
        counts.sum_duplicates()
        if v.binary:
            counts.data[:] = 1.0
        if v.sublinear_tf:
            counts.data = np.log(counts.data) + 1.0
        if v.use_idf:
            counts.data *= v.idf_[counts.indices]
        if v.norm is not None:
            counts = normalize(counts, norm=v.norm, copy=False)
        return counts.astype(np.float32)

    def transform_docs(self, titles: Sequence[str], texts: Sequence[str]) -> sparse.csr_matrix:
        """Document rows: title and body mixed, at most max_terms terms each, L2-normalised."""
        blocks = []
        for lo in range(0, len(titles), _CHUNK):
            t = self._tfidf([self._title(s) for s in titles[lo : lo + _CHUNK]])
            b = self._tfidf([self._body(s) for s in texts[lo : lo + _CHUNK]])
            blocks.append(self._prune(sparse.csr_matrix(t * np.float32(self.title_weight) + b)))
        if not blocks:
            return sparse.csr_matrix((0, self.n_features), dtype=np.float32)
        return sparse.csr_matrix(sparse.vstack(blocks, format="csr"), dtype=np.float32)

    def transform_queries(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Profile text rows (not pruned: they are short and precision matters there)."""
        return sparse.csr_matrix(self._tfidf([normalize_text(t or "") for t in texts]), dtype=np.float32)

    def _prune(self, x: sparse.csr_matrix) -> sparse.csr_matrix:
        """Keep each row's max_terms heaviest terms (ties kept), then re-normalise."""
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
            keep = x.data >= np.repeat(row_thr, lens)
            rows = np.repeat(np.arange(len(lens)), lens)[keep]
            x = sparse.csr_matrix((x.data[keep], (rows, x.indices[keep])), shape=x.shape)
        x = normalize(x, norm="l2", copy=False)
        x.sort_indices()
        return x

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_table"] = None  # rebuilt lazily from the vocabulary keys
        return state
