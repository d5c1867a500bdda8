"""How fast a team took and closed urgent items, counted in the organisation's working hours.

The working hours are the ones escalation uses (`dialogs.coaching.inbox.escalation.working_spans`): a
contact request that arrives on Friday at 15:00 and is taken on Monday at 09:00, with hours 08:00 to 16:00
on weekdays, took two working hours. A median or a 90th percentile is not a count and is not added up: it is
shown only when it is worked out from at least `MIN_ITEMS` items of the period (or month) asked for, and
never for fewer, so no single item's time is ever printed on its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from dialogs.coaching.inbox.escalation import working_spans
from storage.inbox import TeamSettings
from storage.report import UrgentItem

MIN_ITEMS = 10  # a median or a 90th percentile is shown only when worked out from at least this many items


def working_time(start: datetime, end: datetime, settings: TeamSettings) -> timedelta:
    """The organisation's working time between `start` and `end` (the whole time when it has no working
    hours at all)."""
    total = timedelta(0)
    cursor = start
    while cursor < end:
        last = None
        for begin, closes in working_spans(cursor, settings):
            if begin >= end:
                return total
            total += min(closes, end) - begin
            last = closes
        if last is None:  # no working day in the whole look-ahead: no working hours at all
            return end - start
        cursor = last
    return total


def percentile(values: Sequence[timedelta], share: float) -> timedelta:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def shown_time(values: Sequence[timedelta], share: float) -> timedelta | None:
    """The percentile when there are at least MIN_ITEMS values, else None (not shown)."""
    return percentile(values, share) if len(values) >= MIN_ITEMS else None


def counted(item: UrgentItem) -> bool:
    """Withdrawn items (the participant took back the consent) are left out of every response figure."""
    return item.status != "withdrawn"


def time_to_take(item: UrgentItem, settings: TeamSettings) -> timedelta | None:
    if not counted(item) or item.taken_at is None:
        return None
    return working_time(item.created_at, item.taken_at, settings)


def time_to_close(item: UrgentItem, settings: TeamSettings) -> timedelta | None:
    if not counted(item) or item.closed_at is None or item.status != "closed":
        return None
    return working_time(item.created_at, item.closed_at, settings)


def hours_minutes(value: timedelta | None) -> str:
    """'2:05' (hours:minutes); '' for a time not shown."""
    if value is None:
        return ""
    minutes = round(value.total_seconds() / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"
