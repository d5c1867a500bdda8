"""Connecting a participant with a coach's organisation, and offering what it could also see.

Someone who joins with a coach's invitation is linked once their consent is complete. A participant who
already takes part and opens another coach's invitation is asked whether to connect (the `link` flow):
only their yes links them, and what that organisation may see is then asked as for anyone joining (the
consent flow in its `link` mode). After linking, the optional things the organisation could also see are
offered with lasting `orgscope` buttons; each opens its question in /privacy.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import StrEnum

from dialogs import consent_texts
from dialogs.coaching.alerts import connection_ending, connection_made, withdraw_waiting
from dialogs.coaching.coach_chat import coach_translator, send_to_coach, tell_coach
from dialogs.coaching.enrolment import PARTICIPANT_NOT_COACH
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import Handover, Next, Step, StepFlow, closed, start
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from dialogs.participation.consent_answers import (
    ConsentMode,
    answer,
    asking,
    organisation_name,
    record_given,
    withdraw,
)
from dialogs.participation.menu import show_menu
from storage import audit, coaches, consents, invitations, start_attempts
from storage.coaches import Coach
from storage.invitations import CodeState
from storage.participants import Participant, Status

log = logging.getLogger(__name__)

OFFER_LASTING = timedelta(days=30)
LINK_SPENT = N_("This link does not work any more: it was used or has expired. Nothing has changed.")
LINKED = N_("🟢 {pseudonym} is now connected with you. /case {pseudonym} shows what you may see.")
UNLINKED = N_("⚪ {pseudonym} ended the connection with your organisation.")


async def offer_link(turn: Turn, code: str) -> bool:
    """An active participant opened a coach's invitation: ask whether to connect. False when the code is
    no coach's invitation (the caller then says they take part already)."""
    if await coaches.check_code(turn.tx, code, turn.now) is not None:
        turn.say(turn.tr(PARTICIPANT_NOT_COACH))
        await show_menu(turn)
        return True
    invitation = await invitations.check(turn.tx, code, turn.now)
    coach_id = await invitations.coach_of(turn.tx, invitation.id) if invitation else None
    if invitation is None or coach_id is None:
        if invitation is None:
            await start_attempts.record_failure(turn.tx, turn.chat_id, turn.now)
        return False
    coach = await coaches.by_id(turn.tx, coach_id)
    if coach is None or not coach.active or invitation.state is not CodeState.VALID:
        turn.say(turn.tr(LINK_SPENT))
        await show_menu(turn)
        return True
    if await coaches.is_linked(turn.tx, coach.id, turn.person.id):
        turn.say(
            turn.tr(
                "You are already connected with {coach} from {organisation}.",
                coach=coach.name,
                organisation=coach.organisation,
            )
        )
        await show_menu(turn)
        return True
    await start(
        turn,
        LINK.name,
        LinkStep.ASK,
        invitation_id=invitation.id,
        coach_id=coach.id,
        organisation_id=coach.organisation_id,
    )
    return True


class LinkStep(StrEnum):
    ASK = "ask"  # data: invitation_id, coach_id, organisation_id


def _question(turn: Turn, coach: Coach) -> str:
    return consent_texts.question(turn.tr, consent_texts.LINK_SCOPE, coach.organisation, coach.name)


async def _show_ask(turn: Turn) -> Next | None:
    coach = await coaches.by_id(turn.tx, int(turn.data.get("coach_id") or 0))
    if coach is None:
        return Handover("menu")
    turn.say(
        _question(turn, coach),
        [[Choice(turn.tr("Yes, connect"), act("yes")), Choice(turn.tr("No"), act("no"))]],
    )
    return None


async def _no(turn: Turn, action: Action) -> Next:
    turn.say(turn.tr("Okay. Nothing has changed."))
    return Handover("menu")


async def _yes(turn: Turn, action: Action) -> Next:
    participant = turn.person
    coach = await linkable_coach(turn)
    if coach is None:
        return Handover("menu")
    link_key = consent_texts.key_for(consent_texts.LINK, coach.organisation_id)
    link_answer = answer(turn, granted=True, sha256=consent_texts.text_sha256(_question(turn, coach)))
    known = {org for org, _ in await coaches.organisations_of(turn.tx, participant.id)}
    if coach.organisation_id in known:
        # Another coach of the same organisation: what it may see stays as chosen.
        await record_given(turn, participant.id, link_key, link_answer)
        turn.say(
            turn.tr(
                "Connected. What {organisation} may see stays as you chose it. You can change it in "
                "/privacy.",
                organisation=coach.organisation,
            )
        )
        await linked(turn, participant, coach.id)
        return Handover("menu")
    keys = [consent_texts.key_for(scope, coach.organisation_id) for scope in consent_texts.ASKED_ON_LINK]
    consent = asking(
        turn,
        ConsentMode.LINK,
        keys,
        invitation_id=turn.data["invitation_id"],
        coach_id=coach.id,
        organisation_id=coach.organisation_id,
        answers={link_key: link_answer},
    )
    return Handover("consent", data=consent)


LINK = StepFlow(
    "link",
    {LinkStep.ASK: Step(_show_ask, choices={"yes": _yes, "no": _no})},
    first=LinkStep.ASK,
    hands_over_to={"menu", "consent"},
)


async def linkable_coach(turn: Turn) -> Coach | None:
    """The coach of the conversation's invitation, when the invitation still works and the coach is still
    there; otherwise None, and the participant is told (the caller goes on to the menu)."""
    coach = await coaches.by_id(turn.tx, int(turn.data.get("coach_id") or 0))
    usable = await invitations.is_usable(turn.tx, int(turn.data.get("invitation_id") or 0), turn.now)
    if coach is not None and coach.active and usable:
        return coach
    turn.say(turn.tr(LINK_SPENT))
    return None


async def linked(turn: Turn, participant: Participant, coach_id: int) -> None:
    """Link the participant to the coach (their yes was just recorded), tell the coach, warn about the
    caseload size, and offer the participant the optional things the organisation could also see."""
    coach = await coaches.by_id(turn.tx, coach_id)
    if coach is None or not coach.active:
        return
    await coaches.link(turn.tx, participant.id, coach.id, turn.now)
    invitation_id = turn.data.get("invitation_id")
    if invitation_id is not None and turn.data.get("mode") != ConsentMode.ENROL:
        await invitations.mark_linked(turn.tx, int(invitation_id), participant.id, turn.now)
    await connection_made(turn.tx, participant.id, coach.organisation_id, turn.now)
    await tell_coach(turn.tx, coach, participant.id, audit.LINKED, LINKED, turn.now)
    await warn_caseload(turn, coach.id)
    await offer_more(turn, participant, coach.organisation_id, coach.organisation)


async def unlink(turn: Turn, organisation_id: int) -> str | None:
    """End the connection with one organisation: every consent for it off, what waits for it taken back,
    its coaches told. Returns the organisation's name, or None when the participant was not linked to it."""
    participant = turn.person
    if organisation_id not in dict(await coaches.organisations_of(turn.tx, participant.id)):
        return None
    await withdraw_waiting(turn.tx, participant.id, organisation_id)
    for scope, record in (await consents.for_organisation(turn.tx, participant.id, organisation_id)).items():
        await withdraw(turn, scope, organisation_id, record)
    told = [
        c for c in await coaches.coaches_of(turn.tx, participant.id) if c.organisation_id == organisation_id
    ]
    await connection_ending(turn.tx, participant.id, organisation_id, turn.now)
    await coaches.unlink_organisation(turn.tx, participant.id, organisation_id)
    for coach in told:
        await tell_coach(turn.tx, coach, participant.id, audit.UNLINKED, UNLINKED, turn.now)
    return await organisation_name(turn, organisation_id) or ""


async def warn_caseload(turn: Turn, coach_id: int) -> None:
    coach = await coaches.by_id(turn.tx, coach_id)
    if coach is None:
        return
    size, limit = await coaches.caseload_size(turn.tx, coach.id), turn.config.caseload_limit
    if size <= limit:
        return
    log.warning("coach %s is over the caseload limit: %d of %d", coach.id, size, limit)
    await send_to_coach(
        turn.tx,
        coach,
        coach_translator(coach).ngettext(
            "Your caseload now has {n} person, more than the limit of {limit}. Please talk to your team.",
            "Your caseload now has {n} people, more than the limit of {limit}. Please talk to your team.",
            size,
            limit=limit,
        ),
        turn.now,
    )


async def offer_more(turn: Turn, participant: Participant, organisation_id: int, organisation: str) -> None:
    """The optional scopes not asked while joining: one message, a lasting button for each."""
    granted = await consents.granted_to(turn.tx, participant.id, organisation_id)
    choices = [
        [
            Choice(
                "➕ " + turn.tr(consent_texts.SCOPE_BY_KEY[scope].title),
                act("orgscope", consent_texts.key_for(scope, organisation_id)),
                lasting=OFFER_LASTING,
            )
        ]
        for scope in consent_texts.OFFERED_AFTER_LINK
        if scope not in granted
    ]
    if not choices:
        return
    turn.say(
        turn.tr(
            "{organisation} could also see the things below. Each is optional. Tap one to read more and "
            "decide. You can change this any time in /privacy.",
            organisation=organisation,
        ),
        choices,
    )


async def offered_scope(turn: Turn, action: Action) -> None:
    """A button from `offer_more`: show that scope's question, as /privacy does."""
    participant = turn.participant
    try:
        scope, organisation_id = consent_texts.split_key(action.arg())
    except (KeyError, ValueError):
        await closed(turn)
        return
    if (
        participant is None
        or participant.status is not Status.ACTIVE
        or organisation_id is None
        or organisation_id not in {org for org, _ in await coaches.organisations_of(turn.tx, participant.id)}
    ):
        await closed(turn)
        return
    # /privacy's question before turning a scope on (dialogs/privacy/choices.py, PrivacyStep.CONFIRM).
    await start(turn, "privacy", "confirm", key=consent_texts.key_for(scope.key, organisation_id))
