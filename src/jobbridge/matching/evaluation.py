"""Offline evaluation of the ranking core on real job-view data (protocol fixed in the data's SOURCE.txt).

Everything is ranked by MatchIndex — the same code that serves the product — through a small adapter:
jobs become VacancyDoc (title/position → title, company/industry → text, "City, ST" → city) and test users
become Profile (titles of their training views, experience position names and positions of interest as text;
training views as extra_doc_ids; city of the newest training view as city). The held-out view is never read
when building profiles, popularity or learned weights.

Run: python -m jobbridge.matching.evaluation /work/shared/data/jobrec_views [--variants]
"""

from __future__ import annotations

import csv
import math
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from jobbridge.matching.index import MatchIndex
from jobbridge.matching.learning import compare_weights, fit_weights
from jobbridge.matching.model import Geography, Profile, VacancyDoc, Weights
from jobbridge.matching.text import char_tfidf

__all__ = ["EvalData", "evaluate", "load_data", "run_evaluation", "run_variants"]


def _clean(value: str | None) -> str:
    return "" if value in (None, "NA") else value.strip()


def _when(value: str) -> datetime:
    return datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass
class EvalData:
    """The protocol's split: documents, per-user training views (time order) and the held-out view."""

    docs: list[VacancyDoc]
    geography: Geography
    train: dict[str, list[int]]  # every applicant's training views, oldest first
    train_time: dict[str, datetime]  # time of each test user's newest training view
    held_out: dict[str, int]  # test user → held-out job id
    experience: dict[str, list[str]]
    interests: dict[str, list[str]]


def load_data(data_dir: Path) -> EvalData:
    """Read the CSVs and apply the fixed protocol (sort, de-duplicate, hold out each test user's last view)."""
    views = _read(data_dir / "Job_Views.csv")
    views.sort(key=lambda r: r["Created.At"])  # stable: equal times keep file order
    seen: set[tuple[str, str]] = set()
    by_user: dict[str, list[dict[str, str]]] = defaultdict(list)
    jobs: dict[str, dict[str, str]] = {}
    for r in views:
        key = (r["Applicant.ID"], r["Job.ID"])
        if key in seen:
            continue
        seen.add(key)
        by_user[r["Applicant.ID"]].append(r)
        jobs.setdefault(r["Job.ID"], r)
    held_out, train, train_time = {}, {}, {}
    for user, rows in by_user.items():
        if len(rows) >= 2:
            held_out[user] = int(rows[-1]["Job.ID"])
            rows = rows[:-1]
            train_time[user] = _when(rows[-1]["Created.At"])
        train[user] = [int(r["Job.ID"]) for r in rows]
    docs, regions = [], {}
    for job_id, r in jobs.items():
        city = _city(r)
        if city:
            regions[city] = _clean(r["State.Code"]) or _clean(r["State.Name"])
        title = _clean(r["Position"]) or _clean(r["Title"])
        docs.append(
            VacancyDoc(
                id=int(job_id), title=title, text=f"{_clean(r['Company'])} {_clean(r['Industry'])}", city=city
            )
        )
    experience: dict[str, list[str]] = defaultdict(list)
    for r in _read(data_dir / "Experience.csv"):
        if _clean(r["Position.Name"]):
            experience[r["Applicant.ID"]].append(_clean(r["Position.Name"]))
    interests: dict[str, list[str]] = defaultdict(list)
    for r in _read(data_dir / "Positions_Of_Interest.csv"):
        if _clean(r["Position.Of.Interest"]):
            interests[r["Applicant.ID"]].append(_clean(r["Position.Of.Interest"]))
    return EvalData(
        docs, Geography(region_of_city=regions), train, train_time, held_out, experience, interests
    )


def _city(r: dict[str, str]) -> str | None:
    """ "City, ST" (city names repeat across states, so the state is part of the key)."""
    city, state = _clean(r["City"]).title(), _clean(r["State.Code"]).upper()
    return f"{city}, {state}" if city else None


def make_profile(
    data: EvalData, user: str, *, views: Sequence[int], doc_by_id: dict[int, VacancyDoc]
) -> Profile:
    """The product's Profile for a user, from the given (training) views and their own CSV rows."""
    titles = [doc_by_id[j].title for j in views]
    text = " ; ".join(titles + data.experience.get(user, []) + data.interests.get(user, []))
    city = doc_by_id[views[-1]].city if views else None
    return Profile(id=None, text=text, city=city, extra_doc_ids=tuple(views))


def _popularity(data: EvalData, *, skip: dict[str, int] | None = None) -> Counter[int]:
    """Training views per job (optionally without each user's view in `skip`)."""
    counts: Counter[int] = Counter()
    for user, views in data.train.items():
        drop = skip.get(user) if skip else None
        counts.update(j for j in views if j != drop)
    return counts


def evaluate(index: MatchIndex, data: EvalData, *, k: int = 10, weights: Weights | None = None) -> dict:
    """HitRate@k, NDCG@k and MRR over the test users, ranking all jobs minus each user's training views."""
    doc_by_id = {d.id: d for d in data.docs}
    hits = ndcg = mrr = 0.0
    started = time.perf_counter()
    for user, target in data.held_out.items():
        views = data.train[user]
        profile = make_profile(data, user, views=views, doc_by_id=doc_by_id)
        now = data.train_time[user]
        top = index.top_k(profile, k=k, now=now, weights=weights, exclude_ids=views)
        ids, scores = index.scores(profile, now=now, weights=weights, exclude_ids=views)
        # Rank as top_k orders: higher score first, then lower id.
        mine = scores[ids == target][0]
        rank = int(np.sum(scores > mine) + np.sum((scores == mine) & (ids < target)))
        if rank < k:
            if top[rank].vacancy_id != target:
                raise RuntimeError(f"top_k and scores disagree for user {user}")
            hits += 1
            ndcg += 1.0 / math.log2(rank + 2)
        mrr += 1.0 / (rank + 1)
    n = len(data.held_out)
    return {
        "users": n,
        f"hit_rate@{k}": hits / n,
        f"ndcg@{k}": ndcg / n,
        "mrr": mrr / n,
        "seconds": time.perf_counter() - started,
    }


def build_index(data: EvalData, *, vectorizer: TfidfVectorizer | None = None) -> MatchIndex:
    """The index over all jobs with popularity from training views only."""
    index = MatchIndex.build(data.docs, geography=data.geography, vectorizer=vectorizer)
    index.set_popularity(_popularity(data))
    return index


def learn_weights(
    index: MatchIndex,
    data: EvalData,
    *,
    k: int = 10,
    candidates: int = 30,
    random_negatives: int = 30,
    seed: int = 0,
) -> tuple[Weights, dict]:
    """Weights learned from training views only (each test user's newest training view as the outcome).

    Half of the users train the model; the other half decide, as the product would, whether it beats the
    current weights. Their lists are the union of both weight sets' top k plus the outcome, so the hit rate
    compare_weights sees equals the hit rate over the full ranking (a list pre-selected by one model alone
    flatters whatever that model did not look at). Popularity is recomputed without the outcomes.
    """
    doc_by_id = {d.id: d for d in data.docs}
    pseudo = {u: v[-1] for u, v in data.train.items() if u in data.held_out and len(v) >= 2}
    index.set_popularity({d.id: 0 for d in data.docs} | dict(_popularity(data, skip=pseudo)))
    rng = np.random.default_rng(seed)
    all_ids = [d.id for d in data.docs]
    users = {0: [], 1: []}
    for user in pseudo:
        users[int(rng.integers(2))].append(user)

    def profile_of(user: str) -> tuple[Profile, list[int], datetime]:
        views = data.train[user][:-1]
        return make_profile(data, user, views=views, doc_by_id=doc_by_id), views, data.train_time[user]

    train = []
    for user in users[0]:
        profile, views, now = profile_of(user)
        shown = [m.vacancy_id for m in index.top_k(profile, k=candidates, now=now, exclude_ids=views)]
        # Random negatives too: top-ranked ones alone teach the model to distrust whatever put them there.
        extra = [all_ids[i] for i in rng.choice(len(all_ids), random_negatives, replace=False)]
        pool = list(dict.fromkeys(i for i in shown + extra if i != pseudo[user] and i not in views))
        for m in index.score_pairs(profile, pool + [pseudo[user]], now=now):
            train.append((m.signals, int(m.vacancy_id == pseudo[user])))
    learned = fit_weights(train, base=index.weights)
    info: dict = {"train_examples": len(train), "validation_users": len(users[1])}
    if learned is None:
        index.set_popularity(_popularity(data))
        return index.weights, info | {"adopted": False}
    held_out = []
    for user in users[1]:
        profile, views, now = profile_of(user)
        tops = [
            index.top_k(profile, k=k, now=now, weights=w, exclude_ids=views) for w in (index.weights, learned)
        ]
        pool = list(dict.fromkeys(m.vacancy_id for top in tops for m in top))
        pool = [i for i in pool if i != pseudo[user]] + [pseudo[user]]
        for m in index.score_pairs(profile, pool, now=now):
            held_out.append((m.signals, int(m.vacancy_id == pseudo[user]), user))
    index.set_popularity(_popularity(data))
    verdict = compare_weights(
        current=index.weights, candidate=learned, held_out=held_out, metric="hit_rate", k=k
    )
    info |= {
        "current_hit_rate": verdict.current,
        "candidate_hit_rate": verdict.candidate,
        "adopted": verdict.adopt,
    }
    return (learned if verdict.adopt else index.weights), info | {"weights": learned.to_dict()}


def run_evaluation(*, data_dir: Path, k: int = 10) -> dict:
    """The project's reported figures: default product index and weights on the fixed protocol."""
    started = time.perf_counter()
    data = load_data(Path(data_dir))
    index = build_index(data)
    result = evaluate(index, data, k=k)
    return {
        "users": result["users"],
        "hit_rate@10": result[f"hit_rate@{k}"],
        "ndcg@10": result[f"ndcg@{k}"],
        "mrr": result["mrr"],
        "seconds": time.perf_counter() - started,
    }


def run_variants(*, data_dir: Path, k: int = 10) -> list[tuple[str, dict]]:
    """Variants of text model and weights, each run through the same core (for the report)."""
    data = load_data(Path(data_dir))
    out = []
    vectorizers = {
        "char_wb 1-3 (default)": None,
        "char_wb 2-4": char_tfidf(preprocessor=None, ngram_range=(2, 4)),
        "word 1-2": TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
    }
    for name, vec in vectorizers.items():
        out.append((f"{name}, default weights", evaluate(build_index(data, vectorizer=vec), data, k=k)))
    index = build_index(data)
    base = index.weights
    for label, change in [
        ("no history", {"history": 0.0}),
        ("no city", {"city": 0.0}),
        ("no popularity", {"popularity": 0.0}),
        ("text only", {n: 0.0 for n in ("history", "city", "popularity")}),
    ]:
        out.append((f"default text, {label}", evaluate(index, data, k=k, weights=replace(base, **change))))
    learned, info = learn_weights(index, data)
    out.append(
        (
            f"default text, learned weights (adopted={info['adopted']})",
            evaluate(index, data, k=k, weights=learned) | {"learning": info},
        )
    )
    return out


def main(argv: Sequence[str]) -> int:
    """Print the evaluation figures (and the variants with --variants)."""
    data_dir = Path(argv[0]) if argv else Path("/work/shared/data/jobrec_views")
    for key, value in run_evaluation(data_dir=data_dir).items():
        print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    if "--variants" in argv:
        for name, r in run_variants(data_dir=data_dir):
            print(
                f"{name:55s} HR@10 {r['hit_rate@10']:.4f}  NDCG@10 {r['ndcg@10']:.4f}  MRR {r['mrr']:.4f}  {r['seconds']:.1f}s"
            )
            if "learning" in r:
                print("    ", r["learning"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
