"""Where a chat stands (stranger, enrolling, active, stopped, asked to renew a consent)."""

from __future__ import annotations

from dialogs import consent_texts
from dialogs.core.flow import Standing
from dialogs.core.i18n import Translator
from dialogs.core.turn import Turn
from storage import coaches, consents
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
    """The participant's own scopes never answered, the questions asked when linking (sharing, crisis) never
    answered for a linked organisation (a scope added later), and every granted scope whose text has
    changed since it was shown. The optional extras never answered stay off unasked."""
    assert turn.participant is not None
    everything = await consents.everything(turn.tx, turn.participant.id)
    names = dict(await coaches.organisations_of(turn.tx, turn.participant.id))
    ask = []
    for own in consent_texts.PARTICIPANT_SCOPES:
        if (own.key, None) not in everything:
            ask.append(own.key)
    for linked in names:
        for asked in consent_texts.ASKED_ON_LINK:
            if (asked, linked) not in everything:
                ask.append(consent_texts.key_for(asked, linked))
    for (key, organisation_id), record in everything.items():
        scope = consent_texts.SCOPE_BY_KEY.get(key)
        if scope is None or scope.key == consent_texts.LINK or not record.granted:
            continue
        if organisation_id is not None and organisation_id not in names:
            continue  # no longer connected: nothing is shared, nothing to ask
        tr = Translator(record.locale, turn.config.fallback_locale, turn.participant.timezone)
        name = names.get(organisation_id) if organisation_id is not None else None
        if consent_texts.shown_sha256(tr, scope, name, turn.config.retention_days) != record.text_sha256:
            ask.append(consent_texts.key_for(key, organisation_id))
    return ask
