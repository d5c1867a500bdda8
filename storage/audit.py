"""The append-only audit log: who read which case, and where each signal went.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical JSON (its id
included), so editing, deleting or reordering entries breaks the chain where it happened. SQLite
triggers refuse UPDATE and DELETE; `verify` recomputes the chain for someone who bypassed them by editing
the file. Deleting the newest entries leaves a shorter valid chain: an operator who keeps the head (`head`)
somewhere else catches that too (`verify(anchor=...)`).

Entries name the participant by pseudonym only, so erasure of the participant leaves them standing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.database import Row, Tx
from storage.times import from_db, to_db

GENESIS = "0" * 64

CASE_READ = "case_read"
CASELOAD_READ = "caseload_read"
SIGNAL_DELIVERED = "signal_delivered"
SIGNAL_WITHDRAWN = "signal_withdrawn"
SIGNAL_ACKNOWLEDGED = "signal_acknowledged"
PARTICIPATION_ENDED = "participation_ended"
LINKED = "linked"
UNLINKED = "unlinked"


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    action: str
    pseudonym: str | None
    coach_id: int | None
    coach_name: str | None
    organisation: str | None
    detail: dict[str, Any]


def canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(fields)).encode("utf-8")).hexdigest()


def _fields(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "at": row["at"],
        "action": row["action"],
        "pseudonym": row["pseudonym"],
        "coach_id": row["coach_id"],
        "coach_name": row["coach_name"],
        "organisation": row["organisation"],
        "detail": json.loads(row["detail"]),
    }


async def append(
    tx: Tx,
    *,
    action: str,
    now: datetime,
    pseudonym: str | None = None,
    coach_id: int | None = None,
    coach_name: str | None = None,
    organisation: str | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    last = await tx.one("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
    entry_id = (last["id"] + 1) if last else 1
    prev = last["hash"] if last else GENESIS
    body = detail or {}
    fields: dict[str, Any] = {
        "id": entry_id,
        "at": to_db(now),
        "action": action,
        "pseudonym": pseudonym,
        "coach_id": coach_id,
        "coach_name": coach_name,
        "organisation": organisation,
        "detail": body,
    }
    await tx.execute(
        "INSERT INTO audit_log (id, at, action, pseudonym, coach_id, coach_name, organisation, detail,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry_id,
            fields["at"],
            action,
            pseudonym,
            coach_id,
            coach_name,
            organisation,
            canonical(body),
            prev,
            entry_hash(prev, fields),
        ),
    )
    return entry_id


def _entry(row: Row) -> Entry:
    return Entry(
        row["id"],
        from_db(row["at"]),
        row["action"],
        row["pseudonym"],
        row["coach_id"],
        row["coach_name"],
        row["organisation"],
        json.loads(row["detail"]),
    )


async def about(
    tx: Tx, pseudonyms: tuple[str, ...], *, since: datetime, actions: tuple[str, ...], limit: int = 20
) -> list[Entry]:
    """The newest entries about a participant (named by any of their pseudonyms), of the given actions,
    from `since` on."""
    names = ",".join("?" * len(pseudonyms))
    marks = ",".join("?" * len(actions))
    rows = await tx.all(
        f"SELECT * FROM audit_log WHERE pseudonym IN ({names}) AND at >= ? AND action IN ({marks})"  # noqa: S608
        " ORDER BY id DESC LIMIT ?",
        (*pseudonyms, to_db(since), *actions, limit),
    )
    return [_entry(row) for row in rows]


async def pseudonym_used(tx: Tx, pseudonym: str) -> bool:
    """A pseudonym in the log is never handed out again (the log must not mix two people)."""
    return await tx.scalar("SELECT 1 FROM audit_log WHERE pseudonym = ? LIMIT 1", (pseudonym,)) is not None


async def head(tx: Tx) -> tuple[int, str] | None:
    row = await tx.one("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
    return None if row is None else (int(row["id"]), str(row["hash"]))


@dataclass(frozen=True)
class Verdict:
    entries: int
    problem: str | None = None  # the first break found, in words
    entry_id: int | None = None  # where it is

    @property
    def ok(self) -> bool:
        return self.problem is None


async def verify(tx: Tx, anchor: tuple[int, str] | None = None) -> Verdict:
    """Recompute the chain from the first entry; report the first broken or missing entry."""
    rows = await tx.all("SELECT * FROM audit_log ORDER BY id")
    prev, expected_id = GENESIS, 1
    for row in rows:
        entry_id = int(row["id"])
        if entry_id != expected_id:
            return Verdict(len(rows), f"entry {expected_id} is missing", expected_id)
        if row["prev_hash"] != prev:
            return Verdict(len(rows), f"entry {entry_id} does not follow the entry before it", entry_id)
        try:
            fields = _fields(row)
        except ValueError:
            return Verdict(len(rows), f"entry {entry_id} is unreadable", entry_id)
        if entry_hash(prev, fields) != row["hash"]:
            return Verdict(len(rows), f"entry {entry_id} was changed", entry_id)
        prev, expected_id = row["hash"], entry_id + 1
    if anchor is not None:
        anchor_id, anchor_hash = anchor
        if anchor_id >= expected_id:
            return Verdict(len(rows), f"entry {anchor_id} (the anchor) is missing", anchor_id)
        stored = next(row["hash"] for row in rows if row["id"] == anchor_id)
        if stored != anchor_hash:
            return Verdict(len(rows), f"entry {anchor_id} does not match the anchor", anchor_id)
    return Verdict(len(rows))
