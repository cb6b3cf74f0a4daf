"""Learning the signal weights from outcomes, and deciding whether a new set of weights may replace the old.

Pure functions: callers pass signal vectors (Match.signals / PersonMatch.signals) with 0/1 outcomes
(applied, hired, contacted …) and store the returned Weights next to the model version they came from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from jobbridge.matching.model import SIGNALS, Weights

__all__ = ["MIN_NEGATIVES", "MIN_POSITIVES", "Comparison", "compare_weights", "fit_weights"]

# Below these counts a fitted model mostly reflects noise, so the hand-set weights stay.
MIN_POSITIVES = 30
MIN_NEGATIVES = 30

Example = tuple[Mapping[str, float], int] | tuple[Mapping[str, float], int, object]


@dataclass(frozen=True)
class Comparison:
    """Held-out quality of the current and the candidate weights; adopt only when the candidate is better."""

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


def _hit_rate(scores: np.ndarray, y: np.ndarray, groups: Sequence[object], k: int) -> float:
    """Share of groups (e.g. one person's candidate list) with a positive in the top k."""
    by_group: dict[object, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    hits = total = 0
    for idx in by_group.values():
        idx_arr = np.array(idx)
        if not y[idx_arr].any():
            continue
        total += 1
        # Stable order: on equal scores the example listed first wins, as in a ranked list.
        top = idx_arr[np.argsort(-scores[idx_arr], kind="stable")[:k]]
        hits += bool(y[top].any())
    return hits / total if total else math.nan


def compare_weights(
    *,
    current: Weights,
    candidate: Weights,
    held_out: Sequence[Example],
    metric: str = "auc",
    k: int = 10,
    min_gain: float = 0.0,
) -> Comparison:
    """Score both weight sets on held-out outcomes ("auc", or "hit_rate" over (signals, label, group) triples)."""
    x, y = _matrix(held_out)
    if metric == "auc":
        if len(set(y.tolist())) < 2:
            return Comparison(metric, math.nan, math.nan, len(y), False)
        cur = float(roc_auc_score(y, _scores(x, current)))
        cand = float(roc_auc_score(y, _scores(x, candidate)))
    elif metric == "hit_rate":
        groups = [e[2] if len(e) > 2 else 0 for e in held_out]
        cur = _hit_rate(_scores(x, current), y, groups, k)
        cand = _hit_rate(_scores(x, candidate), y, groups, k)
    else:
        raise ValueError(f"unknown metric {metric!r} (auc or hit_rate)")
    adopt = not math.isnan(cand) and (math.isnan(cur) or cand > cur + min_gain)
    return Comparison(metric, cur, cand, len(y), adopt)
