"""Raw rows for the programme report (`companion report`), per organisation; what is published is decided
in `bot.report` (every count through `dialogs.coaching.disclosure`).

A *unit* is where a row belongs: an organisation (its id and its region), or, for what has no organisation
(an invitation made by the CLI, someone linked to no coach), no organisation in a region (`(None, region)`).
A participant belongs to every organisation one of whose coaches accompanies them (a tandem: to both), and
to `(None, their region)` when there is none. Months are calendar months in UTC ('YYYY-MM').
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.database import Tx
from storage.times import from_db, maybe_from_db, to_db

Unit = tuple[int | None, str | None]  # (organisation id or None, region)
ACTIVE_WINDOW = timedelta(days=28)


@dataclass(frozen=True)
class Organisation:
    id: int
    name: str
    region: str | None


@dataclass(frozen=True)
class Member:
    """A participant as the report sees them: no pseudonym, no chat, only what the figures need."""

    id: int
    units: tuple[Unit, ...]
    enrolled_at: datetime
    stopped_at: datetime | None  # when their status is 'stopped'
    paused_until: datetime | None
    paused_since: datetime | None  # the schedule's last change: the pause began no later than this


@dataclass(frozen=True)
class ConsentRow:
    participant_id: int
    scope: str
    organisation_id: int | None
    granted: bool
    at: datetime


@dataclass(frozen=True)
class UrgentItem:
    organisation_id: int
    kind: str
    status: str
    created_at: datetime
    taken_at: datetime | None
    closed_at: datetime | None


async def organisations(tx: Tx) -> list[Organisation]:
    rows = await tx.all("SELECT id, name, region FROM organisations ORDER BY id")
    return [Organisation(row[0], row[1], row[2]) for row in rows]


_INVITATION_UNIT = (
    "SELECT substr({column}, 1, 7), o.id, CASE WHEN o.id IS NULL THEN i.region ELSE o.region END, COUNT(*)"
    " FROM invitations AS i LEFT JOIN coaches AS c ON c.id = i.coach_id"
    " LEFT JOIN organisations AS o ON o.id = c.organisation_id"
)


async def offered(tx: Tx) -> dict[tuple[Unit, str], int]:
    """Invitations created, by unit (the inviting coach's organisation) and month."""
    rows = await tx.all(_INVITATION_UNIT.format(column="i.created_at") + " GROUP BY 1, 2, 3")
    return {((row[1], row[2]), row[0]): row[3] for row in rows}


async def enrolled(tx: Tx) -> dict[tuple[Unit, str], int]:
    """Invitations used to join (not to connect someone already taking part), by unit and month used."""
    rows = await tx.all(
        _INVITATION_UNIT.format(column="i.used_at")
        + " WHERE i.used_at IS NOT NULL AND i.used_for IS NULL GROUP BY 1, 2, 3"
    )
    return {((row[1], row[2]), row[0]): row[3] for row in rows}


async def members(tx: Tx) -> list[Member]:
    links: dict[int, list[Unit]] = {}
    for row in await tx.all(
        "SELECT DISTINCT l.participant_id, o.id, o.region FROM coach_links AS l"
        " JOIN coaches AS c ON c.id = l.coach_id JOIN organisations AS o ON o.id = c.organisation_id"
        " ORDER BY 1, 2"
    ):
        links.setdefault(row[0], []).append((row[1], row[2]))
    rows = await tx.all(
        "SELECT p.id, p.region, p.enrolled_at, p.status, p.status_at, s.paused_until, s.updated_at"
        " FROM participants AS p LEFT JOIN schedules AS s ON s.participant_id = p.id ORDER BY p.id"
    )
    return [
        Member(
            id=row[0],
            units=tuple(links.get(row[0], [(None, row[1])])),
            enrolled_at=from_db(row[2]),
            stopped_at=from_db(row[4]) if row[3] == "stopped" else None,
            paused_until=maybe_from_db(row[5]),
            paused_since=maybe_from_db(row[6]),
        )
        for row in rows
    ]


async def consents(tx: Tx, before: datetime) -> list[ConsentRow]:
    """Every consent decision made before `before`, oldest first."""
    rows = await tx.all(
        "SELECT participant_id, scope, organisation_id, granted, at FROM consents WHERE at < ? ORDER BY id",
        (to_db(before),),
    )
    return [ConsentRow(row[0], row[1], row[2], bool(row[3]), from_db(row[4])) for row in rows]


async def signals_by_unit(tx: Tx) -> dict[tuple[Unit, str, str], int]:
    """Signals by (unit, month, kind): one per organisation it reached (its inbox item), unless the
    participant withdrew it (the item is shown to nobody); a signal that reached no organisation counts
    for its participant's region without one."""
    found: dict[tuple[Unit, str, str], int] = {}
    for row in await tx.all(
        "SELECT o.id, o.region, substr(s.created_at, 1, 7), s.kind, COUNT(*) FROM inbox_items AS i"
        " JOIN signals AS s ON s.id = i.signal_id JOIN organisations AS o ON o.id = i.organisation_id"
        " WHERE i.status != 'withdrawn' GROUP BY 1, 2, 3, 4"
    ):
        found[((row[0], row[1]), row[2], row[3])] = row[4]
    for row in await tx.all(
        "SELECT p.region, substr(s.created_at, 1, 7), s.kind, COUNT(*) FROM signals AS s"
        " JOIN participants AS p ON p.id = s.participant_id"
        " WHERE NOT EXISTS (SELECT 1 FROM inbox_items AS i WHERE i.signal_id = s.id) GROUP BY 1, 2, 3"
    ):
        found[((None, row[0]), row[1], row[2])] = row[3]
    return found


async def urgent_items(tx: Tx, kinds: tuple[str, ...]) -> list[UrgentItem]:
    marks = ", ".join("?" for _ in kinds)
    rows = await tx.all(
        "SELECT i.organisation_id, s.kind, i.status, i.created_at, i.taken_at, i.closed_at"  # noqa: S608
        " FROM inbox_items AS i JOIN signals AS s ON s.id = i.signal_id"
        f" WHERE s.kind IN ({marks}) ORDER BY i.id",
        kinds,
    )
    return [
        UrgentItem(row[0], row[1], row[2], from_db(row[3]), maybe_from_db(row[4]), maybe_from_db(row[5]))
        for row in rows
    ]


async def first_month(tx: Tx) -> str | None:
    """The month of the first invitation ('YYYY-MM'), where `companion stats` begins by default."""
    value = await tx.scalar("SELECT MIN(substr(created_at, 1, 7)) FROM invitations")
    return None if value is None else str(value)


# Activity: (participant, local day) pairs with a check-in answer or a self-report.
ActivityQuery = Callable[[Tx, datetime, datetime], Awaitable[set[tuple[int, str]]]]


async def checkin_answer_days(tx: Tx, start: datetime, end: datetime) -> set[tuple[int, str]]:
    rows = await tx.all(
        "SELECT DISTINCT participant_id, day FROM checkins"
        " WHERE status = 'answered' AND answered_at >= ? AND answered_at < ?",
        (to_db(start), to_db(end)),
    )
    return {(row[0], row[1]) for row in rows}


async def selfreport_days(tx: Tx, start: datetime, end: datetime) -> set[tuple[int, str]]:
    rows = await tx.all(
        "SELECT DISTINCT participant_id, local_date FROM selfreports"
        " WHERE submitted_at >= ? AND submitted_at < ?",
        (to_db(start), to_db(end)),
    )
    return {(row[0], row[1]) for row in rows}


ACTIVITY_SOURCES: list[ActivityQuery] = [checkin_answer_days, selfreport_days]


async def active_people(tx: Tx, end: datetime) -> set[int]:
    """Participants with a check-in answer or a self-report in the 28 days before `end`."""
    found: set[int] = set()
    for source in ACTIVITY_SOURCES:
        found |= {participant for participant, _ in await source(tx, end - ACTIVE_WINDOW, end)}
    return found
