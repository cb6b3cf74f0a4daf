"""The fair calendar as an iCalendar feed (RFC 5545), written by hand: CRLF lines folded at 75 octets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from jobbridge.fairs.models import FAIR_KINDS, Fair

TZID = "Asia/Shanghai"
_VTIMEZONE = (
    "BEGIN:VTIMEZONE", f"TZID:{TZID}", "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800", "TZNAME:CST", "END:STANDARD", "END:VTIMEZONE",
)


def escape_text(value: str) -> str:
    """Escape a TEXT value (backslash, semicolon, comma, newline)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a UTF-8 character."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        width = len(ch.encode())
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75  # continuation lines start with one space, counted in the 75
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(fair: Fair, *, base_url: str, domain: str) -> list[str]:
    summary = fair.title + ("（日期待确认）" if not fair.date_confirmed else "")
    if fair.status == "cancelled":
        summary = "【已取消】" + summary
    lines = ["BEGIN:VEVENT", f"UID:fair-{fair.id}@{domain}", f"DTSTAMP:{_stamp(fair.updated_at)}"]
    if fair.end_date != fair.fair_date:
        # A multi-day online fair is an all-day event; DTEND is exclusive.
        lines += [f"DTSTART;VALUE=DATE:{fair.fair_date:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{fair.end_date + timedelta(days=1):%Y%m%d}"]
    else:
        lines += [f"DTSTART;TZID={TZID}:{fair.fair_date:%Y%m%d}T{fair.start_time:%H%M%S}",
                  f"DTEND;TZID={TZID}:{fair.fair_date:%Y%m%d}T{fair.end_time:%H%M%S}"]
    description = FAIR_KINDS.get(fair.kind, "") + ("。" + fair.date_reason if fair.date_reason else "")
    if fair.description:
        description += "\n" + fair.description
    lines += [
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(fair.venue or '线上')}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{base_url}/fairs/{fair.id}",
        "STATUS:" + ("CANCELLED" if fair.status == "cancelled" else "TENTATIVE" if not fair.date_confirmed
                     else "CONFIRMED"),
        f"LAST-MODIFIED:{_stamp(fair.updated_at)}",
        "END:VEVENT",
    ]
    return lines


def fairs_ical(fairs: Iterable[Fair], *, base_url: str, calendar_name: str = "文登区招聘会") -> str:
    """A VCALENDAR of the given fairs with CRLF line endings."""
    domain = base_url.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "jobbridge"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//JobBridge//Wendeng Job Fairs//ZH", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(calendar_name)}", f"X-WR-TIMEZONE:{TZID}", *_VTIMEZONE]
    for fair in fairs:
        lines += _event(fair, base_url=base_url, domain=domain)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def since(today: date, days: int = 60) -> date:
    """Oldest fair date worth keeping in the feed."""
    return today - timedelta(days=days)
