"""Learning signal weights from outcomes and the adopt-only-if-better comparison."""

from __future__ import annotations

import numpy as np

from jobbridge.matching.learning import compare_weights, fit_weights
from jobbridge.matching.model import SIGNALS, Weights


def outcomes(n: int, *, seed: int = 0) -> list[tuple[dict[str, float], int]]:
    """Synthetic outcomes driven by distance (strongly) and text (weakly); pay is pure noise."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        signals = {
            "distance": float(rng.choice([0.0, 0.15, 0.45, 0.75, 1.0])),
            "text": float(rng.random()),
            "pay": float(rng.choice([0.0, 1.0])),
        }
        logit = 4.0 * signals["distance"] + 1.0 * signals["text"] - 3.0
        out.append((signals, int(rng.random() < 1 / (1 + np.exp(-logit)))))
    return out


def test_fit_weights_needs_enough_positive_and_negative_outcomes():
    few = outcomes(40)
    assert fit_weights(few, min_positives=30, min_negatives=30) is None
    assert fit_weights([]) is None


def test_fit_weights_learns_which_signal_predicts_the_outcome():
    learned = fit_weights(outcomes(3000))
    assert learned is not None
    assert learned.distance > learned.text > learned.pay


def test_learned_weights_are_never_negative_and_untouched_signals_keep_their_base():
    base = Weights()
    learned = fit_weights(outcomes(3000), base=base)
    assert all(learned.of(name) >= 0 for name in SIGNALS)
    assert learned.education == base.education  # never varied in the examples: nothing learned
    assert learned.demote_penalty == base.demote_penalty


def test_compare_weights_adopts_only_a_better_candidate():
    held_out = outcomes(2000, seed=1)
    good = Weights(text=1.0, distance=4.0, pay=0.0)
    bad = Weights(text=0.0, distance=0.0, pay=1.0)
    assert compare_weights(current=bad, candidate=good, held_out=held_out).adopt
    verdict = compare_weights(current=good, candidate=bad, held_out=held_out)
    assert not verdict.adopt and verdict.current > verdict.candidate and verdict.metric == "auc"


def test_compare_weights_by_hit_rate_over_groups():
    def group(name: str) -> list:
        return [({"distance": 1.0}, 1, name), ({"distance": 0.0, "text": 0.9}, 0, name)]

    one_group = group("a") + [({"text": 0.9}, 0, "b"), ({"distance": 0.2}, 1, "b")]
    small = compare_weights(
        current=Weights(), candidate=Weights(text=0.0), held_out=one_group, metric="hit_rate", k=1
    )
    assert small.current == 0.5 and small.candidate == 1.0
    assert not small.adopt  # one group won is no evidence
    many = [e for i in range(30) for e in [({"text": 0.9}, 0, i), ({"distance": 0.2}, 1, i)]]
    verdict = compare_weights(
        current=Weights(), candidate=Weights(text=0.0), held_out=many, metric="hit_rate", k=1
    )
    assert verdict.current == 0.0 and verdict.candidate == 1.0 and verdict.adopt


def test_compare_weights_does_not_adopt_a_gain_within_noise():
    held_out = outcomes(300, seed=2)
    close = Weights(text=1.0, distance=4.0, pay=0.05)
    verdict = compare_weights(
        current=Weights(text=1.0, distance=4.0, pay=0.0), candidate=close, held_out=held_out
    )
    assert not verdict.adopt


def test_compare_weights_without_both_outcomes_never_adopts():
    verdict = compare_weights(current=Weights(), candidate=Weights(text=2.0), held_out=[({"text": 1.0}, 1)])
    assert not verdict.adopt
