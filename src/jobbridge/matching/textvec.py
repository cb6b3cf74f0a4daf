"""Vacancy and profile text → pruned, L2-normalised TF-IDF rows, with a vectorised path for character n-grams."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

from jobbridge.matching.text import char_tfidf, normalize_text

__all__ = ["DocVectorizer", "l2_rows", "light_normalize"]

# Same pattern sklearn applies before cutting character n-grams (runs of 2+ whitespace become one space).
_WHITE_SPACES = re.compile(r"\s\s+")
_BITS = 21  # every Unicode code point (+1) fits in 21 bits, so three characters pack into one int64
_LOW = (1 << _BITS) - 1
_HASH_MULT = np.uint64(0x9E3779B97F4A7C15)
_CHUNK = 4096
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
_LUT: np.ndarray | None = None


def l2_rows(x: sparse.csr_matrix) -> sparse.csr_matrix:
    """Scale each row to unit length in place (sklearn's normalize costs ~1 ms of checks per call)."""
    lens = np.diff(x.indptr)
    norms = np.sqrt(np.bincount(np.repeat(np.arange(x.shape[0]), lens), weights=np.square(x.data, dtype=np.float64),
                                minlength=x.shape[0]))
    norms[norms == 0] = 1.0
    x.data = (x.data / np.repeat(norms, lens)).astype(x.dtype, copy=False)
    return x


def light_normalize(text: str) -> str:
    """Fast normalisation for long descriptions: lowercase, fold widths, whitespace and punctuation to spaces."""
    return text.lower().translate(_FOLD_TABLE)


def _lut() -> np.ndarray:
    """Code point → code point table equal to light_normalize's translate table (built on first use)."""
    global _LUT
    if _LUT is None:
        lut = np.arange(0x110000, dtype=np.int64)
        lut[np.fromiter(_FOLD.keys(), dtype=np.int64)] = np.fromiter(_FOLD.values(), dtype=np.int64)
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
    # The fast path gets "raw" strings and applies light_normalize itself in numpy; the sklearn path gets
    # light_normalize(raw) — both therefore see exactly the same characters.
    def _raw_title(self, title: str) -> str:
        return normalize_text(title or "")

    def _raw_body(self, text: str) -> str:
        return (text or "")[: self.text_chars]

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
    def _keys(self, raw: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(key, document index) of every n-gram sklearn's analyzer emits for light_normalize(raw)."""
        lowered = [t.lower() for t in raw]
        lens = np.fromiter((len(t) + 1 for t in lowered), dtype=np.int64, count=len(lowered))
        # One space after each document keeps words and n-grams inside their document.
        text = " ".join(lowered) + " "
        codes = _lut()[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)]
        doc_of = np.repeat(np.arange(len(lowered), dtype=np.int32), lens)
        space = codes == 0x20
        prev_space = np.concatenate(([True], space[:-1]))
        if self.vectorizer.analyzer == "char_wb":
            seg_start = ~space & prev_space
            keep = ~space
            pad = 1  # each word is padded with one space on either side
        else:
            # Runs of spaces collapse to one; the separator after each document is then dropped.
            doc_start = np.zeros(len(codes), dtype=bool)
            doc_start[np.cumsum(lens) - lens] = True
            keep = ~(space & prev_space & ~doc_start)
            keep[np.cumsum(lens) - 1] = False
            seg_start = doc_start & keep
            pad = 0
        pos = np.flatnonzero(keep)
        seg_id = np.cumsum(seg_start)[pos] - 1
        seg_len = np.bincount(seg_id).astype(np.int64) + 2 * pad if pos.size else np.empty(0, np.int64)
        if seg_len.size == 0:
            return np.empty(0, np.int64), np.empty(0, np.int32)
        first = np.cumsum(seg_len) - seg_len
        out = np.full(int(seg_len.sum()), 0x20 + 1, dtype=np.int64)
        offset = np.arange(len(pos)) - np.repeat(np.cumsum(seg_len - 2 * pad) - (seg_len - 2 * pad), seg_len - 2 * pad)
        out[first[seg_id] + pad + offset] = codes[pos] + 1
        seg_doc = doc_of[np.flatnonzero(seg_start)]
        seg = np.repeat(np.arange(len(seg_len)), seg_len)
        in_seg = np.arange(len(out)) - np.repeat(first, seg_len)
        keys_out, docs_out = [], []
        lo, hi = self.vectorizer.ngram_range
        for n in range(lo, hi + 1):
            start = np.flatnonzero(in_seg <= seg_len[seg] - n)
            key = out[start]
            for j in range(1, n):
                key = (key << _BITS) | out[start + j]
            keys_out.append(key)
            docs_out.append(seg_doc[seg[start]])
        return np.concatenate(keys_out), np.concatenate(docs_out)

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
        tfidf = TfidfTransformer(norm=v.norm, use_idf=v.use_idf, smooth_idf=v.smooth_idf, sublinear_tf=v.sublinear_tf)
        tfidf.fit(sparse.csr_matrix((1, len(vocabulary)), dtype=np.float64))
        if idf is not None:
            tfidf.idf_ = idf
        v._tfidf = tfidf

    def _fast_fit(self, strings: list[str]) -> None:
        v = self.vectorizer
        # Chunked so the n-gram key arrays never hold more than a few thousand documents at once.
        chunk_keys, chunk_df, chunk_tf = [], [], []
        for lo in range(0, len(strings), _CHUNK):
            keys, docs = self._keys(strings[lo : lo + _CHUNK])
            if keys.size == 0:
                continue
            srt = np.sort(keys)  # sorting beats np.unique here (its hash path is very slow on these keys)
            uniq = srt[np.concatenate(([True], srt[1:] != srt[:-1]))]
            kid = _KeyTable(uniq).lookup(keys)
            pairs = sparse.coo_matrix((np.ones(len(keys), np.float32), (docs, kid)), shape=(int(docs.max()) + 1, len(uniq)))
            pairs = pairs.tocsr()
            pairs.sum_duplicates()
            chunk_keys.append(uniq)
            chunk_df.append(np.bincount(pairs.indices, minlength=len(uniq)))
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
            return sparse.csr_matrix(self.vectorizer.transform([light_normalize(t) for t in raw]), dtype=np.float32)
        if self._table is None:
            self._table = _KeyTable(self._vocab_keys)
        v = self.vectorizer
        keys, docs = self._keys(raw)
        cols = self._table.lookup(keys)
        found = cols >= 0
        counts = sparse.coo_matrix(
            (np.ones(int(found.sum()), dtype=np.float64), (docs[found], cols[found])),
            shape=(len(raw), len(self._vocab_keys)),
        ).tocsr()
        counts.sum_duplicates()
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
        blocks = []
        for lo in range(0, len(titles), _CHUNK):
            t = self._tfidf([self._raw_title(s) for s in titles[lo : lo + _CHUNK]])
            b = self._tfidf([self._raw_body(s) for s in texts[lo : lo + _CHUNK]])
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
        x = l2_rows(x)
        x.sort_indices()
        return x

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_table"] = None  # rebuilt lazily from the vocabulary keys
        return state
