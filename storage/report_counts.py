"""Counters for the programme report of what is not kept otherwise: appointment reminders sent and answered,
pauses begun. Per unit (an organisation, or a region for people accompanied by none), UTC month and kind; no
participant id. A counter goes up in the transaction that does the counted thing (writes the reminder into
the outbox, records the answer, starts the pause)."""

from __future__ import annotations

from datetime import datetime

from storage.database import Tx

REMINDER_SENT, REMINDER_ANSWERED, PAUSE_BEGUN = "reminder_sent", "reminder_answered", "pause_begun"
NO_ORGANISATION = 0

Unit = tuple[int | None, str | None]  # as in storage.report: (organisation id or None, region)


async def count(tx: Tx, participant_id: int, kind: str, at: datetime) -> None:
    """One more `kind` for each organisation accompanying the participant now (a tandem: both), or for
    their region when there is none."""
    rows = await tx.all(
        "SELECT DISTINCT c.organisation_id FROM coach_links AS l JOIN coaches AS c ON c.id = l.coach_id"
        " JOIN organisations AS o ON o.id = c.organisation_id WHERE l.participant_id = ? ORDER BY 1",
        (participant_id,),
    )
    keys = [(row[0], "") for row in rows]
    if not keys:
        region = await tx.scalar("SELECT region FROM participants WHERE id = ?", (participant_id,))
        keys = [(NO_ORGANISATION, region or "")]
    for organisation_id, region in keys:
        await tx.execute(
            "INSERT INTO report_counts (organisation_id, region, month, kind, count) VALUES (?, ?, ?, ?, 1)"
            " ON CONFLICT DO UPDATE SET count = count + 1",
            (organisation_id, region, at.strftime("%Y-%m"), kind),
        )


async def by_unit(tx: Tx) -> dict[tuple[Unit, str, str], int]:
    """(unit, month, kind) -> count; an organisation's unit carries its region as the report's does."""
    rows = await tx.all(
        "SELECT r.organisation_id, o.region, r.region, r.month, r.kind, r.count FROM report_counts AS r"
        " LEFT JOIN organisations AS o ON o.id = r.organisation_id"
    )
    found: dict[tuple[Unit, str, str], int] = {}
    for organisation_id, org_region, region, month, kind, n in rows:
        unit: Unit = (
            (None, region or None) if organisation_id == NO_ORGANISATION else (organisation_id, org_region)
        )
        found[(unit, month, kind)] = n
    return found
