"""Consent answers: the modes and the data a consent conversation starts with, and recording a yes or a no
with the exact text it was given for, for the participant's own scopes and per organisation.

Scopes are named by flow keys: `selfreports` for the participant's own, `sharing@3` for an organisation's
(`consent_texts.key_for`). An answer is kept as `{"granted", "sha256", "locale"}` until it is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from dialogs import consent_texts
from dialogs.core.turn import Turn
from storage import consents, organisations
from storage.consents import ConsentRecord


class ConsentMode(StrEnum):
    """Why the consent flow asks: it decides what happens after the last answer."""

    ENROL = "enrol"  # joining with an invitation: nothing is stored until the last answer
    RENEW = "renew"  # a text changed, or someone who stopped comes back
    LINK = "link"  # a participant connects with another coach's organisation


def asking(turn: Turn, mode: ConsentMode, scopes: list[str], **data: Any) -> dict[str, Any]:
    """The data a consent conversation starts with: ask `scopes` in order (`data` may add to it, or give
    answers already made)."""
    return {
        "mode": mode,
        "scopes": scopes,
        "answers": {},
        "intro_shown": False,
        "locale": turn.locale,
        **data,
    }


async def organisation_name(turn: Turn, organisation_id: int | None) -> str | None:
    if organisation_id is None:
        return None
    organisation = await organisations.by_id(turn.tx, organisation_id)
    return organisation.name if organisation else None


async def shown_sha256_for(turn: Turn, key: str) -> str:
    """The hash of the exact text of a flow key's question (the organisation's name included)."""
    scope, organisation_id = consent_texts.split_key(key)
    name = await organisation_name(turn, organisation_id)
    return consent_texts.shown_sha256(turn.tr, scope, name, turn.config.retention_days)


def answer(turn: Turn, *, granted: bool, sha256: str) -> dict[str, Any]:
    """A yes or no to a text with this hash, in the language now spoken, to be recorded."""
    return {"granted": granted, "sha256": sha256, "locale": turn.tr.locale}


async def record_given(turn: Turn, participant_id: int, key: str, given: Mapping[str, Any]) -> None:
    """Record an answer made earlier (`answer`) for a flow key."""
    scope, organisation_id = consent_texts.split_key(key)
    await consents.record(
        turn.tx,
        participant_id,
        scope=scope.key,
        granted=bool(given["granted"]),
        text_version=consent_texts.TEXT_VERSION,
        text_sha256=str(given["sha256"]),
        locale=str(given["locale"]),
        now=turn.now,
        organisation_id=organisation_id,
    )


async def record_answer(turn: Turn, key: str, *, granted: bool) -> None:
    """Record a yes or no for a flow key (`selfreports`, `sharing@3`) with the hash of its text."""
    given = answer(turn, granted=granted, sha256=await shown_sha256_for(turn, key))
    await record_given(turn, turn.person.id, key, given)


async def withdraw(turn: Turn, scope: str, organisation_id: int | None, record: ConsentRecord) -> None:
    """Record a "no" for a consent in force, with the text it was given for."""
    if not record.granted:
        return
    await consents.record(
        turn.tx,
        turn.person.id,
        scope=scope,
        granted=False,
        text_version=record.text_version,
        text_sha256=record.text_sha256,
        locale=record.locale,
        now=turn.now,
        organisation_id=organisation_id,
    )
