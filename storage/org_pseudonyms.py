"""The pseudonym each organisation knows a participant by, so two organisations cannot join their records.

The internal pseudonym (`participants.pseudonym`) is for operators and logs only. An organisation's own is
made when it is first needed: at the link, or, for links older than this table, the first time one of its
coaches or its webhook meets the person. Erasure removes them with the participant (foreign key).
"""

from __future__ import annotations

from datetime import datetime

from storage.database import Tx
from storage.participants import new_pseudonym
from storage.times import to_db


async def known(tx: Tx, participant_id: int, organisation_id: int) -> str | None:
    """The organisation's pseudonym for the participant, if one was made."""
    found = await tx.scalar(
        "SELECT pseudonym FROM organisation_pseudonyms WHERE participant_id = ? AND organisation_id = ?",
        (participant_id, organisation_id),
    )
    return None if found is None else str(found)


async def for_organisation(tx: Tx, participant_id: int, organisation_id: int, now: datetime) -> str:
    """The organisation's pseudonym for the participant, made now if there is none yet."""
    found = await known(tx, participant_id, organisation_id)
    if found is not None:
        return found
    pseudonym = await new_pseudonym(tx)
    await tx.execute(
        "INSERT INTO organisation_pseudonyms (participant_id, organisation_id, pseudonym, created_at)"
        " VALUES (?, ?, ?, ?)",
        (participant_id, organisation_id, pseudonym, to_db(now)),
    )
    return pseudonym


async def participant_known_as(tx: Tx, organisation_id: int, pseudonym: str) -> int | None:
    """The participant the organisation knows by this pseudonym; None for any other organisation's."""
    found = await tx.scalar(
        "SELECT participant_id FROM organisation_pseudonyms WHERE organisation_id = ? AND pseudonym = ?",
        (organisation_id, pseudonym.strip().upper()),
    )
    return None if found is None else int(found)


async def participant_of(tx: Tx, pseudonym: str) -> int | None:
    """The participant behind any organisation's pseudonym (for operators, who see every organisation)."""
    found = await tx.scalar(
        "SELECT participant_id FROM organisation_pseudonyms WHERE pseudonym = ?", (pseudonym.strip().upper(),)
    )
    return None if found is None else int(found)


async def all_of(tx: Tx, participant_id: int) -> list[str]:
    """Every pseudonym organisations know the participant by (for their audit entries)."""
    rows = await tx.all(
        "SELECT pseudonym FROM organisation_pseudonyms WHERE participant_id = ? ORDER BY organisation_id",
        (participant_id,),
    )
    return [str(row[0]) for row in rows]
