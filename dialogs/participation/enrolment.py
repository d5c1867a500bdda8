"""Joining and coming back: `/start CODE`, too many wrong codes, and asking a changed consent again.

`/start CODE` means different things by who writes it. From someone new, CODE is an invitation (then the
consent is asked, `dialogs/participation/consent.py`) or a coach's enrolment code (`dialogs/coaching/
enrolment.py`; one chat is never both). From a participant, a coach's invitation asks whether to connect
with that organisation (`dialogs/participation/linking.py`). Someone who stopped answers the consent
again. A coach's chat is told it is one.
"""

from __future__ import annotations

from dialogs import consent_texts
from dialogs.coaching.enrolment import coach_start, code_exists, redeem_coach_code
from dialogs.core.flow import Standing, show_current, start
from dialogs.core.standing import scopes_to_ask, standing_of
from dialogs.core.turn import Turn
from dialogs.participation.codes import CODE_MESSAGES, CODE_PATTERN, refuse
from dialogs.participation.codes import NEED_INVITATION as NEED_INVITATION  # the engine says it too
from dialogs.participation.consent import CONSENT, ConsentStep
from dialogs.participation.consent_answers import ConsentMode, asking
from dialogs.participation.linking import offer_link
from dialogs.participation.menu import show_menu
from storage import coaches, invitations, start_attempts
from storage.invitations import CodeState
from storage.participants import Status


async def start_command(turn: Turn, args: str) -> None:
    code = args.strip()
    if code and await locked_out(turn):
        return
    standing = standing_of(turn)
    if standing is Standing.COACH:
        await coach_start(turn, code)
        return
    if standing is Standing.ACTIVE:
        if code and await offer_link(turn, code):
            return
        turn.say(turn.tr("You are already taking part. Good to see you!"))
        await show_menu(turn)
        return
    if standing is Standing.STOPPED:
        if code and not await code_exists(turn, code):
            await start_attempts.record_failure(turn.tx, turn.chat_id, turn.now)
            turn.say(turn.tr(CODE_MESSAGES[CodeState.UNKNOWN]))
        turn.say(turn.tr("Welcome back! Please read and answer these questions again."))
        await start(
            turn, CONSENT.name, ConsentStep.SCOPE, **asking(turn, ConsentMode.RENEW, await _everything(turn))
        )
        return
    await _redeem(turn, code)


async def locked_out(turn: Turn) -> bool:
    """Too many wrong codes within the hour, in any state: say until when no code is accepted and what
    works meanwhile. Crisis words never get here: the engine answers them first."""
    until = await start_attempts.locked_until(turn.tx, turn.chat_id, turn.now, turn.config.max_wrong_codes)
    if until is None:
        return False
    if turn.coach is not None:
        turn.say(
            turn.tr(
                "You have tried too many codes. I do not accept any code until {time}. Until then, please "
                "ask your administrator. Everything else works as usual.",
                time=turn.tr.time(until),
            )
        )
        return True
    turn.say(
        turn.tr(
            "You have tried too many codes. I do not accept any code until {time}. Until then, your coach "
            "can help you. /sos and /help work as always.",
            time=turn.tr.time(until),
        )
    )
    if turn.conversation is not None:
        await show_current(turn)
    return True


async def _redeem(turn: Turn, code: str) -> None:
    tx, now = turn.tx, turn.now
    if not code:
        turn.say(turn.tr(NEED_INVITATION))
        return
    if CODE_PATTERN.fullmatch(code) and await redeem_coach_code(turn, code):
        return
    invitation = await invitations.check(tx, code, now) if CODE_PATTERN.fullmatch(code) else None
    state = invitation.state if invitation else CodeState.UNKNOWN
    coach_id = await invitations.coach_of(tx, invitation.id) if invitation else None
    coach = await coaches.by_id(tx, coach_id) if coach_id is not None else None
    if invitation is not None and state is CodeState.VALID and coach is not None and not coach.active:
        state = CodeState.EXPIRED  # the coach who made it has left: it links to nobody
    if invitation is None or state is not CodeState.VALID:
        await start_attempts.record_failure(tx, turn.chat_id, now)
        refuse(turn, state)
        if turn.conversation is not None:
            await show_current(turn)
        return
    await start(
        turn,
        CONSENT.name,
        ConsentStep.LANGUAGE,
        mode=ConsentMode.ENROL,
        invitation_id=invitation.id,
        locale=turn.locale,
        organisation_id=coach.organisation_id if coach else None,
        coach_id=coach.id if coach else None,
    )


async def _everything(turn: Turn) -> list[str]:
    """Everything asked again when someone comes back after /stop: their own scopes, and the sharing
    questions for each organisation they are linked to."""
    keys = [scope.key for scope in consent_texts.PARTICIPANT_SCOPES]
    for organisation_id, _ in await coaches.organisations_of(turn.tx, turn.person.id):
        keys += [consent_texts.key_for(scope, organisation_id) for scope in consent_texts.ASKED_ON_LINK]
    return keys


async def renew_if_needed(turn: Turn) -> bool:
    """Ask again for changed or new consent texts before anything else; True when it did."""
    if turn.participant is None or turn.participant.status is not Status.ACTIVE or turn.flow == CONSENT.name:
        return False
    scopes = await scopes_to_ask(turn)
    if not scopes:
        return False
    turn.say(turn.tr("Something in my privacy information has changed. Please read it and answer again."))
    await start(turn, CONSENT.name, ConsentStep.SCOPE, **asking(turn, ConsentMode.RENEW, scopes))
    return True
