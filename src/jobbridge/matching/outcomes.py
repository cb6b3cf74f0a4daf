"""Learning from outcomes: views, interest, dismissals and hires with their signals, and the weekly refit."""

from __future__ import annotations

import logging
import math
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import inspect
from sqlmodel import Session, col, select

from jobbridge.accounts.models import User
from jobbridge.db import utcnow
from jobbridge.employers.models import Interest
from jobbridge.matching.model import Profile, Weights
from jobbridge.matching.models import MatchEvent, MatchWeightComparison, MatchWeightSet
from jobbridge.matching.profiles import own_profile, person_keys, profile_for, to_profile
from jobbridge.vocab import Role

__all__ = [
    "capture_interest_outcomes",
    "dismissed_ids",
    "record_dismissal",
    "record_event",
    "record_view",
    "refit_match_weights",
    "training_examples",
    "weight_history",
]

log = logging.getLogger(__name__)
HIRED = "已录用"
VIEW_REPEAT = timedelta(hours=12)  # one view per person and vacancy in this window is enough to learn from
# A view is taken as "not interested" only after the person had time to register interest.
VIEW_SETTLE = timedelta(days=3)
HELD_OUT_SHARE = 5  # one person in five is held out to judge new weights
SEEKER_ROLES = {Role.JOBSEEKER, Role.GRADUATE}


def _signals(*, session: Session, profile: Profile, vacancy_id: int) -> tuple[dict | None, float | None, str]:
    """(signals, score, index version) of one pair from this worker's index; Nones when it is not loaded."""
    from jobbridge.matching.holder import holder_for

    holder = holder_for(session)
    if not holder.ready or holder.index is None:
        return None, None, ""
    with holder.lock:
        index = holder.index
        if index is None or vacancy_id not in index:
            return None, None, ""
        matches = index.score_pairs(profile, [vacancy_id])
        version = index.version
    if not matches:
        return None, None, ""
    m = matches[0]
    return {k: float(v) for k, v in m.signals.items()}, float(m.score), version


def record_event(*, session: Session, kind: str, vacancy_id: int, user_id: int | None = None,
                 profile_id: int | None = None, profile: Profile | None = None) -> MatchEvent | None:
    """File one outcome with the pair's signals as ranked now (not flushed: the request or job commits)."""
    keys = person_keys(user_id=user_id, profile_id=profile_id)
    if not keys:
        return None
    signals, score, version = (None, None, "")
    try:
        with session.no_autoflush:
            profile = profile or profile_for(session=session, user_id=user_id, profile_id=profile_id)
            signals, score, version = _signals(session=session, profile=profile, vacancy_id=vacancy_id)
    except Exception:  # noqa: BLE001 - an outcome is worth keeping even when its signals cannot be computed now
        log.warning("signals for a %s event on vacancy %s failed", kind, vacancy_id, exc_info=True)
    event = MatchEvent(kind=kind, vacancy_id=vacancy_id, person_key=keys[0], user_id=user_id, profile_id=profile_id,
                       signals=signals, score=score, index_version=version)
    session.add(event)
    return event


def _seeker(*, session: Session, user_id: int | None) -> tuple[int | None, int | None]:
    """(user id, profile id) of a signed-in jobseeker or graduate; Nones for anyone else."""
    if user_id is None:
        return None, None
    user = session.get(User, user_id)
    if user is None or user.role not in SEEKER_ROLES:
        return None, None
    row = own_profile(session=session, user_id=user_id)
    return user_id, row.id if row else None


def record_view(*, session: Session, user_id: int | None, vacancy_id: int) -> None:
    """A signed-in jobseeker opened a vacancy (repeat views within a few hours count once); never raises."""
    try:
        uid, pid = _seeker(session=session, user_id=user_id)
        if uid is None:
            return
        since = utcnow() - VIEW_REPEAT
        seen = session.exec(select(MatchEvent.id).where(
            MatchEvent.person_key == f"u:{uid}", MatchEvent.vacancy_id == vacancy_id, MatchEvent.kind == "view",
            col(MatchEvent.created_at) >= since)).first()
        if seen is None:
            record_event(session=session, kind="view", vacancy_id=vacancy_id, user_id=uid, profile_id=pid)
    except Exception:  # noqa: BLE001 - a vacancy page must render even if recording the view fails
        log.warning("recording a view of vacancy %s failed", vacancy_id, exc_info=True)


def record_dismissal(*, session: Session, user_id: int, vacancy_id: int) -> bool:
    """The person said 不感兴趣: the vacancy leaves their recommendations; False when already dismissed."""
    uid, pid = _seeker(session=session, user_id=user_id)
    if uid is None:
        return False
    if vacancy_id in dismissed_ids(session=session, user_id=uid):
        return False
    record_event(session=session, kind="dismiss", vacancy_id=vacancy_id, user_id=uid, profile_id=pid)
    session.flush()
    return True


def dismissed_ids(*, session: Session, user_id: int) -> set[int]:
    """Vacancies the person marked 不感兴趣."""
    return set(session.exec(select(MatchEvent.vacancy_id).where(
        MatchEvent.person_key == f"u:{user_id}", MatchEvent.kind == "dismiss")).all())


def capture_interest_outcomes(session: Session) -> None:
    """Before a flush: file new interest registrations and hires (set on the interest) as outcome events."""
    interests = [o for o in session.new if isinstance(o, Interest)]
    hires = [o for o in interests if o.status == HIRED]
    hires += [o for o in session.dirty if isinstance(o, Interest) and o.status == HIRED
              and inspect(o).attrs.status.history.added]
    if not interests and not hires:
        return
    with session.no_autoflush:
        for interest in interests:
            _file_interest(session=session, interest=interest, kind="interest")
        for interest in hires:
            _file_interest(session=session, interest=interest, kind="hire")


def _file_interest(*, session: Session, interest: Interest, kind: str) -> None:
    from jobbridge.matching.models import JobseekerProfile

    try:
        user_id, profile_id = interest.user_id, None
        row = own_profile(session=session, user_id=user_id) if user_id else session.exec(
            select(JobseekerProfile).where(JobseekerProfile.phone == interest.phone)).first()
        if row is not None:
            profile_id, user_id = row.id, user_id or row.user_id
        if user_id is None and profile_id is None:
            return  # nobody matching knows: nothing to learn from
        profile = to_profile(row) if row is not None else Profile()
        record_event(session=session, kind=kind, vacancy_id=interest.vacancy_id, user_id=user_id,
                     profile_id=profile_id, profile=profile)
    except Exception:  # noqa: BLE001 - a registration must never fail because of learning
        log.warning("filing a %s outcome failed", kind, exc_info=True)


# -- learning ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """One (person, vacancy) outcome: the signals when first seen and whether it led to interest or a hire."""

    person_key: str
    vacancy_id: int
    signals: dict
    label: int


def training_examples(*, session: Session, now: datetime | None = None) -> list[Example]:
    """One example per person and vacancy: positive on interest or hire, negative on dismissal or a settled view."""
    now = now or utcnow()
    by_pair: dict[tuple[str, int], dict] = {}
    for event in session.exec(select(MatchEvent).order_by(col(MatchEvent.id))):
        pair = by_pair.setdefault((event.person_key, event.vacancy_id), {"kinds": set(), "signals": None,
                                                                         "first": event.created_at})
        pair["kinds"].add(event.kind)
        if pair["signals"] is None and event.signals:
            pair["signals"] = event.signals
    out = []
    for (key, vacancy_id), pair in by_pair.items():
        if pair["signals"] is None:
            continue
        kinds = pair["kinds"]
        if kinds & {"interest", "hire"}:
            label = 1
        elif "dismiss" in kinds or now - pair["first"] >= VIEW_SETTLE:
            label = 0
        else:
            continue  # a recent view may still turn into interest
        out.append(Example(key, vacancy_id, pair["signals"], label))
    return out


def _held_out(key: str) -> bool:
    """Stable split by person, so one person's outcomes never sit on both sides."""
    return zlib.crc32(key.encode()) % HELD_OUT_SHARE == 0


def _num(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def refit_match_weights(*, session: Session, now: datetime | None = None) -> dict:
    """Weekly: fit weights on outcomes, adopt them only if they beat the current ones on held-out people."""
    from jobbridge.matching.holder import current_weights
    from jobbridge.matching.learning import compare_weights, fit_weights

    examples = training_examples(session=session, now=now)
    train = [(e.signals, e.label) for e in examples if not _held_out(e.person_key)]
    held = [(e.signals, e.label) for e in examples if _held_out(e.person_key)]
    counts = {"examples": len(examples), "positives": sum(e.label for e in examples), "compared": 0, "adopted": 0}
    current = current_weights(session=session)
    candidate = fit_weights(train, base=current)
    if candidate is None:
        return counts  # too few outcomes of one kind: the current weights stay, nothing to compare
    result = compare_weights(current=current, candidate=candidate, held_out=held, metric="auc")
    note = "" if result.adopt else ("留出数据不足" if math.isnan(result.current) else "未显著优于现用权重")
    comparison = MatchWeightComparison(
        metric=result.metric, current_score=_num(result.current), candidate_score=_num(result.candidate),
        n_train=len(train), n_held_out=len(held), adopted=result.adopt, current_weights=current.to_dict(),
        candidate_weights=candidate.to_dict(), note=note)
    session.add(comparison)
    session.flush()
    counts["compared"] = 1
    if result.adopt:
        session.add(MatchWeightSet(weights=candidate.to_dict(), source="learned", comparison_id=comparison.id))
        session.flush()
        from jobbridge.matching.service import rebuild_match_index

        # Every worker picks the new weights up with the next artifact.
        counts["rebuild"] = rebuild_match_index(session=session).get("artifact", 0)
        counts["adopted"] = 1
    return counts


def weight_history(*, session: Session, limit: int = 50) -> list[MatchWeightComparison]:
    """The newest comparisons, for staff."""
    return list(session.exec(select(MatchWeightComparison).order_by(col(MatchWeightComparison.id).desc())
                             .limit(limit)))


def weights_in_use(*, session: Session) -> tuple[Weights, MatchWeightSet | None]:
    """The weights ranking uses now and the row they came from (None: hand-set defaults)."""
    row = session.exec(select(MatchWeightSet).order_by(col(MatchWeightSet.id).desc()).limit(1)).first()
    return (Weights.from_dict(row.weights) if row else Weights()), row
