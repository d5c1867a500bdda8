"""Recording consent answers, for the participant's own scopes and per organisation."""

from __future__ import annotations

from dialogs import consent_texts
from dialogs.core.turn import Turn
from storage import consents, organisations


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


async def record_answer(turn: Turn, key: str, *, granted: bool) -> None:
    """Record a yes or no for a flow key (`selfreports`, `sharing@3`) with the hash of its text."""
    assert turn.participant is not None
    scope, organisation_id = consent_texts.split_key(key)
    await consents.record(
        turn.tx,
        turn.participant.id,
        scope=scope.key,
        granted=granted,
        text_version=consent_texts.TEXT_VERSION,
        text_sha256=await shown_sha256_for(turn, key),
        locale=turn.tr.locale,
        now=turn.now,
        organisation_id=organisation_id,
    )
