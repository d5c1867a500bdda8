"""Rules a participant set for what their coach is told ("if I have not checked in for 3 days")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.database import Row, Tx
from storage.times import from_db, maybe_from_db, to_db


@dataclass(frozen=True)
class Rule:
    participant_id: int
    kind: str
    days: int | None
    since: datetime
    fired_at: datetime | None


def _rule(row: Row) -> Rule:
    return Rule(
        row["participant_id"], row["kind"], row["days"], from_db(row["since"]), maybe_from_db(row["fired_at"])
    )


async def set_rule(tx: Tx, participant_id: int, kind: str, days: int | None, now: datetime) -> None:
    """Add or change a rule; a changed rule starts afresh (it has not fired since)."""
    await tx.execute(
        "INSERT INTO signal_rules (participant_id, kind, days, since, fired_at) VALUES (?, ?, ?, ?, NULL)"
        " ON CONFLICT (participant_id, kind) DO UPDATE SET days = excluded.days, since = excluded.since,"
        " fired_at = NULL",
        (participant_id, kind, days, to_db(now)),
    )


async def remove(tx: Tx, participant_id: int, kind: str) -> bool:
    changed = await tx.execute(
        "DELETE FROM signal_rules WHERE participant_id = ? AND kind = ?", (participant_id, kind)
    )
    return changed == 1


async def for_participant(tx: Tx, participant_id: int) -> dict[str, Rule]:
    rows = await tx.all(
        "SELECT * FROM signal_rules WHERE participant_id = ? ORDER BY kind", (participant_id,)
    )
    return {row["kind"]: _rule(row) for row in rows}


async def of_kind(tx: Tx, kind: str) -> list[Rule]:
    """Every rule of this kind whose participant is active."""
    rows = await tx.all(
        "SELECT signal_rules.* FROM signal_rules JOIN participants ON participants.id = participant_id"
        " WHERE kind = ? AND participants.status = 'active' ORDER BY participant_id",
        (kind,),
    )
    return [_rule(row) for row in rows]


async def count_from(tx: Tx, participant_id: int, kind: str, now: datetime) -> None:
    """Count the rule's silence from `now` on (after a pause); whether it fired stays as it was."""
    await tx.execute(
        "UPDATE signal_rules SET since = ? WHERE participant_id = ? AND kind = ? AND since < ?",
        (to_db(now), participant_id, kind, to_db(now)),
    )


async def mark_fired(tx: Tx, participant_id: int, kind: str, now: datetime) -> None:
    await tx.execute(
        "UPDATE signal_rules SET fired_at = ? WHERE participant_id = ? AND kind = ?",
        (to_db(now), participant_id, kind),
    )
