"""Learning the signal weights from outcomes, and deciding whether a new set of weights may replace the old.

Pure functions: callers pass signal vectors (Match.signals / PersonMatch.signals) with 0/1 outcomes
(applied, hired, contacted …) and store the returned Weights next to the model version they came from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
from scipy.stats import binomtest, rankdata
from sklearn.linear_model import LogisticRegression

from jobbridge.matching.model import SIGNALS, Weights

__all__ = ["MIN_NEGATIVES", "MIN_POSITIVES", "Comparison", "compare_weights", "fit_weights"]

# Below these counts a fitted model mostly reflects noise, so the hand-set weights stay.
MIN_POSITIVES = 30
MIN_NEGATIVES = 30

Example = tuple[Mapping[str, float], int] | tuple[Mapping[str, float], int, object]


@dataclass(frozen=True)
class Comparison:
    """Held-out quality of the current and the candidate weights; adopt only when the candidate is surely better."""

    metric: str
    current: float
    candidate: float
    n: int
    adopt: bool


def _matrix(examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[float(e[0].get(name, 0.0)) for name in SIGNALS] for e in examples], dtype=np.float64)
    y = np.array([1 if e[1] else 0 for e in examples], dtype=np.int64)
    return x, y


def fit_weights(
    examples: Sequence[Example],
    *,
    base: Weights | None = None,
    min_positives: int = MIN_POSITIVES,
    min_negatives: int = MIN_NEGATIVES,
) -> Weights | None:
    """Logistic-regression weights for the signals, or None when there are too few outcomes of either kind.

    Coefficients are clipped at zero (every reason must stand for a positive contribution), signals that
    never varied keep the base weight (nothing was learned about them), and the result is rescaled to the
    base's total so the demotion penalty keeps its meaning.
    """
    base = base or Weights()
    if not examples:
        return None
    x, y = _matrix(examples)
    positives = int(y.sum())
    if positives < min_positives or len(y) - positives < min_negatives:
        return None
    varied = x.std(axis=0) > 0
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    model.fit(x[:, varied], y)
    coef = np.zeros(len(SIGNALS))
    coef[varied] = np.clip(model.coef_[0], 0.0, None)
    if coef.sum() <= 0:
        return None
    base_mass = sum(base.of(name) for name, v in zip(SIGNALS, varied, strict=True) if v)
    coef *= base_mass / coef.sum()
    learned = {name: (float(coef[i]) if varied[i] else base.of(name)) for i, name in enumerate(SIGNALS)}
    rest = {f.name: getattr(base, f.name) for f in fields(Weights) if f.name not in learned}
    return Weights(**learned, **rest)


def _scores(x: np.ndarray, weights: Weights) -> np.ndarray:
    return x @ np.array([weights.of(name) for name in SIGNALS])


def _auc(y: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC as the Mann–Whitney statistic (ties count half), without sklearn's per-call checks."""
    positives = int(y.sum())
    negatives = len(y) - positives
    ranks = rankdata(scores)
    return float((ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _group_hits(scores: np.ndarray, y: np.ndarray, groups: Sequence[object], k: int) -> np.ndarray:
    """Per group with a positive (e.g. one person's candidate list): whether a positive is in the top k."""
    by_group: dict[object, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    hits = []
    for idx in by_group.values():
        idx_arr = np.array(idx)
        if y[idx_arr].any():
            # Stable order: on equal scores the example listed first wins, as in a ranked list.
            top = idx_arr[np.argsort(-scores[idx_arr], kind="stable")[:k]]
            hits.append(bool(y[top].any()))
    return np.array(hits, dtype=bool)


def compare_weights(
    *,
    current: Weights,
    candidate: Weights,
    held_out: Sequence[Example],
    metric: str = "auc",
    k: int = 10,
    min_gain: float = 0.0,
    confidence: float = 0.95,
    seed: int = 0,
) -> Comparison:
    """Score both weight sets on held-out outcomes; adopt only a gain unlikely to be noise.

    metric "auc" (bootstrap over examples) or "hit_rate" (top-k hit per group of (signals, label, group)
    triples, paired sign test over the groups where the two disagree).
    """
    x, y = _matrix(held_out)
    s_cur, s_cand = _scores(x, current), _scores(x, candidate)
    if metric == "auc":
        if len(set(y.tolist())) < 2:
            return Comparison(metric, math.nan, math.nan, len(y), False)
        cur, cand = _auc(y, s_cur), _auc(y, s_cand)
        rng = np.random.default_rng(seed)
        wins = []
        for _ in range(200):
            pick = rng.integers(0, len(y), len(y))
            if 0 < y[pick].sum() < len(pick):
                wins.append(_auc(y[pick], s_cand[pick]) > _auc(y[pick], s_cur[pick]))
        sure = bool(wins) and float(np.mean(wins)) >= confidence
    elif metric == "hit_rate":
        groups = [e[2] if len(e) > 2 else 0 for e in held_out]
        h_cur, h_cand = _group_hits(s_cur, y, groups, k), _group_hits(s_cand, y, groups, k)
        if not len(h_cur):
            return Comparison(metric, math.nan, math.nan, len(y), False)
        cur, cand = float(h_cur.mean()), float(h_cand.mean())
        better, worse = int((h_cand & ~h_cur).sum()), int((h_cur & ~h_cand).sum())
        sure = (
            better + worse > 0
            and binomtest(better, better + worse, 0.5, alternative="greater").pvalue <= 1 - confidence
        )
    else:
        raise ValueError(f"unknown metric {metric!r} (auc or hit_rate)")
    return Comparison(metric, cur, cand, len(y), bool(sure and cand > cur + min_gain))
