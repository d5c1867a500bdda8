"""Where a chat stands (stranger, enrolling, active, stopped, asked to renew a consent)."""

from __future__ import annotations

from dialogs import consent_texts
from dialogs.flow import Standing
from dialogs.i18n import Translator
from dialogs.turn import Turn
from storage import consents
from storage.participants import Status


def standing_of(turn: Turn) -> Standing:
    if turn.coach is not None and turn.coach.active:
        return Standing.COACH
    if turn.participant is None:
        return Standing.ENROLLING if turn.flow == "consent" else Standing.STRANGER
    if turn.participant.status is Status.STOPPED:
        return Standing.STOPPED
    return Standing.ACTIVE


async def scopes_to_ask(turn: Turn) -> list[str]:
    """Scopes never answered, and granted scopes whose text has changed since it was shown."""
    assert turn.participant is not None
    current = await consents.current(turn.tx, turn.participant.id)
    ask = []
    for scope in consent_texts.SCOPES:
        record = current.get(scope.key)
        if record is None:
            ask.append(scope.key)
            continue
        if not record.granted:
            continue
        tr = Translator(record.locale, turn.config.fallback_locale, turn.participant.timezone)
        text = consent_texts.shown_text(tr, scope, None, turn.config.retention_days)
        if consent_texts.text_sha256(text) != record.text_sha256:
            ask.append(scope.key)
    return ask
