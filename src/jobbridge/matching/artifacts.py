"""Versioned match-index artifacts in the database, so every worker on every host loads the same one."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from jobbridge.matching.holder import Stamps
from jobbridge.matching.model import Geography
from jobbridge.matching.models import MatchArtifact

if TYPE_CHECKING:
    from jobbridge.matching.index import MatchIndex

__all__ = ["KEEP_ARTIFACTS", "latest_artifact_id", "prune_artifacts", "read_artifact", "write_artifact"]

KEEP_ARTIFACTS = 3
log = logging.getLogger(__name__)


def latest_artifact_id(*, session: Session) -> tuple[int, str] | None:
    """(id, version) of the newest artifact (a primary-key lookup, cheap enough to poll)."""
    newest = session.exec(select(func.max(MatchArtifact.id))).one()
    if newest is None:
        return None
    version = session.exec(select(MatchArtifact.version).where(MatchArtifact.id == newest)).first()
    return (int(newest), version) if version is not None else None


def write_artifact(*, session: Session, index: MatchIndex, data_through: datetime | None,
                   stamps: Stamps | None = None) -> MatchArtifact:
    """Serialise an index into a new artifact row (flushed, not committed)."""
    with tempfile.TemporaryDirectory(prefix="jobbridge-match-") as tmp:
        path = Path(tmp) / "index.pkl"
        index.save(path)
        data = path.read_bytes()
    row = MatchArtifact(version=index.version, doc_count=len(index), size_bytes=len(data),
                        weights=index.weights.to_dict(), data_through=data_through,
                        stamps=(stamps or Stamps()).to_json(), data=data)
    session.add(row)
    session.flush()
    return row


def read_artifact(
    *, session: Session, artifact_id: int, geography: Geography, names: Callable[[str], str | None]
) -> tuple[MatchIndex, str, datetime | None, Stamps] | None:
    """(index, version, data_through, stamps) of an artifact, or None when it is gone or unreadable."""
    from jobbridge.matching.index import MatchIndex

    row = session.get(MatchArtifact, artifact_id)
    if row is None:
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="jobbridge-match-") as tmp:
            path = Path(tmp) / "index.pkl"
            path.write_bytes(row.data)
            index = MatchIndex.load(path, geography=geography, names=names)
    except Exception:  # noqa: BLE001 - an unreadable artifact (older format) must not stop ranking
        log.warning("match artifact %s unreadable; building from the database instead", artifact_id, exc_info=True)
        return None
    finally:
        # The artifact's bytes are large; do not keep them in the session's identity map.
        session.expunge(row)
    return index, row.version, row.data_through, Stamps.from_json(row.stamps)


def prune_artifacts(*, session: Session, keep: int = KEEP_ARTIFACTS) -> int:
    """Delete all but the newest `keep` artifacts; returns how many went."""
    keep_ids = list(session.exec(select(MatchArtifact.id).order_by(col(MatchArtifact.id).desc()).limit(keep)).all())
    if not keep_ids:
        return 0
    result = session.execute(delete(MatchArtifact).where(col(MatchArtifact.id).not_in(keep_ids)))
    return result.rowcount or 0
