"""Consent history: every answer is a new row; the latest row per scope is the one in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.database import Tx
from storage.times import from_db, to_db


@dataclass(frozen=True)
class ConsentRecord:
    scope: str
    granted: bool
    text_version: str
    text_sha256: str
    locale: str
    at: datetime


async def record(
    tx: Tx,
    participant_id: int,
    *,
    scope: str,
    granted: bool,
    text_version: str,
    text_sha256: str,
    locale: str,
    now: datetime,
) -> None:
    await tx.execute(
        "INSERT INTO consents (participant_id, scope, granted, text_version, text_sha256, locale, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (participant_id, scope, int(granted), text_version, text_sha256, locale, to_db(now)),
    )


async def history(tx: Tx, participant_id: int) -> list[ConsentRecord]:
    rows = await tx.all(
        "SELECT scope, granted, text_version, text_sha256, locale, at FROM consents"
        " WHERE participant_id = ? ORDER BY id",
        (participant_id,),
    )
    return [
        ConsentRecord(
            r["scope"], bool(r["granted"]), r["text_version"], r["text_sha256"], r["locale"], from_db(r["at"])
        )
        for r in rows
    ]


async def current(tx: Tx, participant_id: int) -> dict[str, ConsentRecord]:
    """The record in force for each scope the participant has ever answered."""
    latest: dict[str, ConsentRecord] = {}
    for entry in await history(tx, participant_id):
        latest[entry.scope] = entry
    return latest
