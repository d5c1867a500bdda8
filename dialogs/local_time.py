"""Local wall-clock time and the UTC instants the database keeps: one conversion for every feature."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time; gaps move forward, repeated times take the first."""
    # fold=0: a repeated time means its first occurrence; in a gap it uses the offset from before the
    # change, which lands the same distance after the gap (02:30 becomes 03:30).
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).astimezone(UTC)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()
