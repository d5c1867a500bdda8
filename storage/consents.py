"""Consent history: every answer is a new row; the latest row per scope is the one in force.

Scopes that concern only the participant (check-ins, storing self-reports) have no organisation. Sharing
scopes are answered per organisation (`organisation_id`): each organisation learns only what the
participant allowed it.
"""

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
    organisation_id: int | None = None


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
    organisation_id: int | None = None,
) -> None:
    await tx.execute(
        "INSERT INTO consents (participant_id, scope, granted, text_version, text_sha256, locale, at,"
        " organisation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (participant_id, scope, int(granted), text_version, text_sha256, locale, to_db(now), organisation_id),
    )


def granted_sql(participant_id: str, scope: str) -> str:
    """An SQL condition: the participant's own consent `scope` is granted now (both are SQL expressions,
    column names or placeholders; never values)."""
    return (
        "COALESCE((SELECT consents.granted FROM consents"  # noqa: S608 (expressions given by the code)
        f" WHERE consents.participant_id = {participant_id} AND consents.scope = {scope}"
        " AND consents.organisation_id IS NULL ORDER BY consents.id DESC LIMIT 1), 0) = 1"
    )


async def is_granted(tx: Tx, participant_id: int, scope: str) -> bool:
    """Whether the participant's own consent `scope` is granted now."""
    return bool(await tx.scalar(f"SELECT {granted_sql('?', '?')}", (participant_id, scope)))


async def history(tx: Tx, participant_id: int) -> list[ConsentRecord]:
    rows = await tx.all(
        "SELECT scope, granted, text_version, text_sha256, locale, at, organisation_id FROM consents"
        " WHERE participant_id = ? ORDER BY id",
        (participant_id,),
    )
    return [
        ConsentRecord(
            r["scope"],
            bool(r["granted"]),
            r["text_version"],
            r["text_sha256"],
            r["locale"],
            from_db(r["at"]),
            r["organisation_id"],
        )
        for r in rows
    ]


async def current(tx: Tx, participant_id: int) -> dict[str, ConsentRecord]:
    """The record in force for each participant-only scope (no organisation) ever answered."""
    return {
        scope: record
        for (scope, org), record in (await everything(tx, participant_id)).items()
        if org is None
    }


async def everything(tx: Tx, participant_id: int) -> dict[tuple[str, int | None], ConsentRecord]:
    """The record in force for each (scope, organisation) ever answered."""
    latest: dict[tuple[str, int | None], ConsentRecord] = {}
    for entry in await history(tx, participant_id):
        latest[(entry.scope, entry.organisation_id)] = entry
    return latest


async def for_organisation(tx: Tx, participant_id: int, organisation_id: int) -> dict[str, ConsentRecord]:
    """The record in force for each scope answered for one organisation."""
    return {
        scope: record
        for (scope, org), record in (await everything(tx, participant_id)).items()
        if org == organisation_id
    }


async def granted_to(tx: Tx, participant_id: int, organisation_id: int) -> frozenset[str]:
    """The scopes the participant allows the organisation right now."""
    records = await for_organisation(tx, participant_id, organisation_id)
    return frozenset(scope for scope, record in records.items() if record.granted)
