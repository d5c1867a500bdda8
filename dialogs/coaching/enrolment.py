"""Becoming a coach (a code from `companion coach add`), and linking participants to coaches.

A coach's code and a participant's invitation both arrive as `/start CODE`; which one it is, the lookup
says. One chat is never both: a participant's chat cannot open a coach code, and a coach's chat cannot
join as a participant. A participant who already takes part and opens a coach's invitation is asked
whether to connect with that coach's organisation; only their yes links them, and what the organisation
may see is asked as for anyone joining.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from dialogs import consent_texts
from dialogs.coaching.alerts import coach_translator, known_as, plan_digests, send_to_coach
from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import Flow, closed, show_current
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from dialogs.participation.menu import show_menu
from storage import audit, coaches, consents, invitations, start_attempts
from storage.invitations import CodeState
from storage.participants import Participant, Status

log = logging.getLogger(__name__)

OFFER_LASTING = timedelta(days=30)
COACH_CODE_SPENT = N_(
    "This coach link has already been used or has expired. Please ask your administrator for a new one."
)
PARTICIPANT_NOT_COACH = N_(
    "This chat takes part as a participant, so it cannot become a coach's chat. "
    "Please open the coach link from your own work account."
)
LINK_SPENT = N_("This link does not work any more: it was used or has expired. Nothing has changed.")


async def redeem_coach_code(turn: Turn, code: str) -> bool:
    """`/start CODE` from a chat that is not a participant: True when CODE was a coach's code."""
    check = await coaches.check_code(turn.tx, code, turn.now)
    if check is None:
        return False
    if turn.participant is not None or turn.flow == "consent":
        turn.say(turn.tr(PARTICIPANT_NOT_COACH))
        await show_current(turn)
        return True
    if not check.valid:
        await start_attempts.record_failure(turn.tx, turn.chat_id, turn.now)
        turn.say(turn.tr(COACH_CODE_SPENT))
        return True
    if turn.coach is not None:
        # A coach who was removed and is added again: the new row takes over the chat.
        await turn.tx.execute("UPDATE coaches SET chat_id = NULL WHERE id = ?", (turn.coach.id,))
    await coaches.activate(turn.tx, check.coach_id, turn.chat_id, turn.now)
    coach = await coaches.by_id(turn.tx, check.coach_id)
    assert coach is not None
    turn.coach = coach
    turn.retranslate()
    await plan_digests(turn.tx, coach, turn.now)
    log.info("coach %s enrolled", coach.id)
    turn.say(
        turn.tr(
            "Welcome, {name}! This chat is now your coach access for {organisation}. You will only see "
            "what participants allow your organisation to see.",
            name=coach.name,
            organisation=coach.organisation,
        )
    )
    from dialogs.coaching.commands import show_coach_menu

    await show_coach_menu(turn)
    return True


async def coach_start(turn: Turn, code: str) -> None:
    """`/start` in a coach's chat."""
    assert turn.coach is not None
    if code and await coaches.check_code(turn.tx, code, turn.now) is not None:
        turn.say(turn.tr("This chat is already your coach access."))
    elif code:
        if not await code_exists(turn, code):
            await start_attempts.record_failure(turn.tx, turn.chat_id, turn.now)
        turn.say(
            turn.tr(
                "This is a coach's chat, so it cannot join as a participant. "
                "Participants open their invitation in their own Telegram."
            )
        )
    else:
        turn.say(
            turn.tr("You are registered as a coach of {organisation}.", organisation=turn.coach.organisation)
        )
    from dialogs.coaching.commands import show_coach_menu

    await show_coach_menu(turn)


async def code_exists(turn: Turn, code: str) -> bool:
    """Whether `code` was ever issued, as an invitation or a coach's code (used or expired ones too)."""
    return (
        await coaches.check_code(turn.tx, code, turn.now) is not None
        or await invitations.check(turn.tx, code, turn.now) is not None
    )


async def offer_link(turn: Turn, code: str) -> bool:
    """An active participant opened a coach's invitation: ask whether to connect. False when the code is
    no coach's invitation (the caller then says they take part already)."""
    assert turn.participant is not None
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
    if await coaches.is_linked(turn.tx, coach.id, turn.participant.id):
        turn.say(
            turn.tr(
                "You are already connected with {coach} from {organisation}.",
                coach=coach.name,
                organisation=coach.organisation,
            )
        )
        await show_menu(turn)
        return True
    turn.reset(
        "link", "ask", invitation_id=invitation.id, coach_id=coach.id, organisation_id=coach.organisation_id
    )
    await show_current(turn)
    return True


class LinkFlow(Flow):
    """Connect with a coach's organisation: one yes or no, then that organisation's questions."""

    name = "link"

    async def show(self, turn: Turn) -> None:
        coach = await coaches.by_id(turn.tx, int(turn.data.get("coach_id") or 0))
        if coach is None:
            await show_menu(turn)
            return
        turn.say(
            consent_texts.question(turn.tr, consent_texts.LINK_SCOPE, coach.organisation, coach.name),
            [[Choice(turn.tr("Yes, connect"), "yes"), Choice(turn.tr("No"), "no")]],
        )

    async def on_choice(self, turn: Turn, choice: Action) -> None:
        action = str(choice)
        assert turn.participant is not None
        if action != "yes":
            turn.say(turn.tr("Okay. Nothing has changed."))
            await show_menu(turn)
            return
        if not await link_still_possible(turn):
            return
        coach = await coaches.by_id(turn.tx, int(turn.data["coach_id"]))
        assert coach is not None
        text = consent_texts.question(turn.tr, consent_texts.LINK_SCOPE, coach.organisation, coach.name)
        link_answer = {"granted": True, "sha256": consent_texts.text_sha256(text), "locale": turn.tr.locale}
        link_key = consent_texts.key_for(consent_texts.LINK, coach.organisation_id)
        known = {org for org, _ in await coaches.organisations_of(turn.tx, turn.participant.id)}
        if coach.organisation_id in known:
            # Another coach of the same organisation: what it may see stays as chosen.
            await consents.record(
                turn.tx,
                turn.participant.id,
                scope=consent_texts.LINK,
                granted=True,
                text_version=consent_texts.TEXT_VERSION,
                text_sha256=str(link_answer["sha256"]),
                locale=turn.tr.locale,
                now=turn.now,
                organisation_id=coach.organisation_id,
            )
            turn.say(
                turn.tr(
                    "Connected. What {organisation} may see stays as you chose it. You can change it in "
                    "/privacy.",
                    organisation=coach.organisation,
                )
            )
            await linked(turn, turn.participant, coach.id)
            await show_menu(turn)
            return
        from dialogs.participation.enrolment import LINK, begin_consent

        keys = [consent_texts.key_for(scope, coach.organisation_id) for scope in consent_texts.ASKED_ON_LINK]
        begin_consent(
            turn,
            LINK,
            keys,
            invitation_id=turn.data["invitation_id"],
            coach_id=coach.id,
            organisation_id=coach.organisation_id,
        )
        turn.data["answers"] = {link_key: link_answer}
        await show_current(turn)


async def link_still_possible(turn: Turn) -> bool:
    """The invitation still works and its coach is still there; otherwise say so and go to the menu."""
    coach = await coaches.by_id(turn.tx, int(turn.data.get("coach_id") or 0))
    usable = await invitations.is_usable(turn.tx, int(turn.data.get("invitation_id") or 0), turn.now)
    if coach is not None and coach.active and usable:
        return True
    turn.say(turn.tr(LINK_SPENT))
    await show_menu(turn)
    return False


async def linked(turn: Turn, participant: Participant, coach_id: int) -> None:
    """Link the participant to the coach (their yes was just recorded), tell the coach, warn about the
    caseload size, and offer the participant the optional things the organisation could also see."""
    coach = await coaches.by_id(turn.tx, coach_id)
    if coach is None or not coach.active:
        return
    await coaches.link(turn.tx, participant.id, coach.id, turn.now)
    known = await known_as(turn.tx, coach, participant.id, turn.now)
    invitation_id = turn.data.get("invitation_id")
    if invitation_id is not None and turn.data.get("mode") != "enrol":
        await invitations.mark_linked(turn.tx, int(invitation_id), participant.id, turn.now)
    await audit.append(
        turn.tx,
        action=audit.LINKED,
        now=turn.now,
        pseudonym=known,
        coach_id=coach.id,
        coach_name=coach.name,
        organisation=coach.organisation,
    )
    tr = coach_translator(coach)
    await send_to_coach(
        turn.tx,
        coach,
        tr(
            "🟢 {pseudonym} is now connected with you. /case {pseudonym} shows what you may see.",
            pseudonym=known,
        ),
        turn.now,
    )
    await warn_caseload(turn, coach.id)
    await offer_more(turn, participant, coach.organisation_id, coach.organisation)


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
                f"orgscope:{consent_texts.key_for(scope, organisation_id)}",
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


async def offered_scope(turn: Turn, choice: Action) -> None:
    """A button from `offer_more`: show that scope's question, as /privacy does."""
    action = str(choice)
    participant = turn.participant
    key = action.removeprefix("orgscope:")
    try:
        scope, organisation_id = consent_texts.split_key(key)
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
    turn.reset("privacy", f"confirm:{scope.key}@{organisation_id}")
    await turn.registry.flow("privacy").show(turn)
