"""Local time rules for messages: quiet hours, the day a message counts against, digest periods."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from jobbridge.config import get_settings

QUIET_START = time(21, 0)
QUIET_END = time(8, 0)
DIGEST_TIME = time(19, 0)
# Kinds that wait for morning; a one-time code the person just asked for does not.
QUIET_KINDS = frozenset({"vacancy", "digest", "welcome"})


def local(moment: datetime) -> datetime:
    """A timestamp in the centre's time zone."""
    return moment.astimezone(get_settings().tz)


def in_quiet_hours(moment: datetime) -> bool:
    """Whether it is between 21:00 and 08:00 locally."""
    clock = local(moment).time()
    return clock >= QUIET_START or clock < QUIET_END


def outside_quiet_hours(moment: datetime) -> datetime:
    """The moment itself, or the next 08:00 local when it falls in quiet hours (returned in UTC)."""
    if not in_quiet_hours(moment):
        return moment
    here = local(moment)
    day = here.date() if here.time() < QUIET_END else here.date() + timedelta(days=1)
    return at_local(day, QUIET_END)


def at_local(day: date, clock: time) -> datetime:
    """A local wall-clock time on a day, as UTC."""
    return datetime.combine(day, clock, tzinfo=get_settings().tz).astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The local calendar day of a moment."""
    return local(moment).date()


def digest_period(moment: datetime, *, days: int) -> tuple[date, datetime]:
    """The digest period (first day, send time) that collects a vacancy decided at this moment.

    A daily digest goes out at 19:00; a weekly one on the period's last day at 19:00. Anything decided after
    that time joins the next period, so each person gets at most one digest per period.
    """
    here = local(moment)
    start = here.date() if days == 1 else here.date() - timedelta(days=here.weekday())
    due = at_local(start + timedelta(days=days - 1), DIGEST_TIME)
    if moment >= due:
        start += timedelta(days=days)
        due = at_local(start + timedelta(days=days - 1), DIGEST_TIME)
    return start, due
