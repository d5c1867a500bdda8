"""Joining: `/start CODE`, the language, the consent read in short messages and answered per scope.

Until the last answer nothing about the person exists but this chat's conversation row; declining the
required scope deletes that too, and the invitation stays usable until it expires. The same flow asks
again when a consent text has changed, and when someone who stopped wants to take part again.

An invitation from a coach's /invite links the new participant to that coach: the sharing questions then
name the coach's organisation and are recorded for it. A participant who already takes part and opens
such a link is asked whether to connect with that organisation (`link` mode). A coach's enrolment code
(from `companion coach add`) opened here makes the chat a coach's chat; one chat is never both.
"""

from __future__ import annotations

import re

from dialogs import consent_texts
from dialogs.checkins.settings import begin_setup, plan_from_settings
from dialogs.coaching import enrolment as coach_enrolment
from dialogs.core import outgoing
from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import Flow, Standing, show_current
from dialogs.core.i18n import N_, native_name, shipped_locales
from dialogs.core.standing import scopes_to_ask, standing_of
from dialogs.core.turn import Turn
from dialogs.participation.consent_answers import organisation_name, shown_sha256_for
from dialogs.participation.menu import show_menu
from storage import coaches, consents, invitations, participants, start_attempts
from storage.invitations import CodeState
from storage.participants import Status

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
ENROL, RENEW, LINK = "enrol", "renew", "link"

NEED_INVITATION = N_(
    "To use this companion you need an invitation link from your coach. Please ask your coach for one."
)
CODE_MESSAGES = {
    CodeState.UNKNOWN: N_("I do not know this invitation code."),
    CodeState.USED: N_("This invitation has already been used."),
    CodeState.EXPIRED: N_("This invitation has expired."),
}


async def start_command(turn: Turn, args: str) -> None:
    code = args.strip()
    if code and await locked_out(turn):
        return
    standing = standing_of(turn)
    if standing is Standing.COACH:
        await coach_enrolment.coach_start(turn, code)
        return
    if standing is Standing.ACTIVE:
        if code and await coach_enrolment.offer_link(turn, code):
            return
        turn.say(turn.tr("You are already taking part. Good to see you!"))
        await show_menu(turn)
        return
    if standing is Standing.STOPPED:
        if code and not await coach_enrolment.code_exists(turn, code):
            await start_attempts.record_failure(turn.tx, turn.chat_id, turn.now)
            turn.say(turn.tr(CODE_MESSAGES[CodeState.UNKNOWN]))
        begin_consent(turn, RENEW, await all_scope_keys(turn))
        turn.say(turn.tr("Welcome back! Please read and answer these questions again."))
        await show_current(turn)
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
    if CODE_PATTERN.fullmatch(code) and await coach_enrolment.redeem_coach_code(turn, code):
        return
    invitation = await invitations.check(tx, code, now) if CODE_PATTERN.fullmatch(code) else None
    state = invitation.state if invitation else CodeState.UNKNOWN
    coach_id = await invitations.coach_of(tx, invitation.id) if invitation else None
    coach = await coaches.by_id(tx, coach_id) if coach_id is not None else None
    if invitation is not None and state is CodeState.VALID and coach is not None and not coach.active:
        state = CodeState.EXPIRED  # the coach who made it has left: it links to nobody
    if invitation is None or state is not CodeState.VALID:
        await start_attempts.record_failure(tx, turn.chat_id, now)
        turn.say(turn.tr(CODE_MESSAGES[state]) + " " + turn.tr(NEED_INVITATION))
        if turn.conversation is not None:
            await show_current(turn)
        return
    turn.reset(
        "consent",
        "language",
        mode=ENROL,
        invitation_id=invitation.id,
        locale=turn.locale,
        organisation_id=coach.organisation_id if coach else None,
        coach_id=coach.id if coach else None,
    )
    await show_current(turn)


def enrol_scope_keys(organisation_id: int | None) -> list[str]:
    """What joining asks: the participant's own scopes, then the organisation's (if a coach invited)."""
    keys = [scope.key for scope in consent_texts.PARTICIPANT_SCOPES]
    if organisation_id is not None:
        keys += [consent_texts.key_for(scope, organisation_id) for scope in consent_texts.ASKED_ON_LINK]
    return keys


async def all_scope_keys(turn: Turn) -> list[str]:
    """Everything asked again when someone comes back after /stop: their own scopes, and the sharing
    questions for each organisation they are linked to."""
    assert turn.participant is not None
    keys = [scope.key for scope in consent_texts.PARTICIPANT_SCOPES]
    for organisation_id, _ in await coaches.organisations_of(turn.tx, turn.participant.id):
        keys += [consent_texts.key_for(scope, organisation_id) for scope in consent_texts.ASKED_ON_LINK]
    return keys


def begin_consent(turn: Turn, mode: str, scopes: list[str], **data: object) -> None:
    turn.reset(
        "consent",
        f"scope:{scopes[0]}",
        mode=mode,
        scopes=scopes,
        answers={},
        intro_shown=False,
        locale=turn.locale,
        **data,
    )


class ConsentFlow(Flow):
    name = "consent"

    async def show(self, turn: Turn) -> None:
        if turn.step == "language":
            preselected = turn.locale
            ordered = sorted(shipped_locales(), key=lambda code: code != preselected)
            labels = [("✓ " if code == preselected else "") + native_name(code) for code in ordered]
            choices = [Choice(label, f"lang:{code}") for label, code in zip(labels, ordered, strict=True)]
            turn.say(
                turn.tr("Please choose your language."),
                [choices[i : i + 2] for i in range(0, len(choices), 2)],
            )
            return
        key = turn.step.removeprefix("scope:")
        scope, organisation_id = consent_texts.split_key(key)
        if scope.required and not turn.data.get("intro_shown"):
            for text in consent_texts.introduction(turn.tr, turn.config.retention_days):
                turn.say(text)
            turn.data["intro_shown"] = True
        name = await organisation_name(turn, organisation_id)
        if organisation_id is not None and turn.data.get("mode") == ENROL and not turn.data.get("link_shown"):
            await self._introduce_link(turn, organisation_id, name or "")
        yes = turn.tr("Yes, I agree") if scope.required else turn.tr("Yes")
        no = turn.tr("No, thanks") if scope.required else turn.tr("No")
        turn.say(consent_texts.question(turn.tr, scope, name), [[Choice(yes, "yes"), Choice(no, "no")]])

    async def _introduce_link(self, turn: Turn, organisation_id: int, name: str) -> None:
        """Joining with a coach's invitation: say who invited and what the organisation knows by that
        alone; it is recorded as the consent to be linked, with the hash of this text."""
        coach = await coaches.by_id(turn.tx, int(turn.data.get("coach_id") or 0))
        text = consent_texts.link_introduction(turn.tr, name, coach.name if coach else "")
        turn.say(text)
        answers = dict(turn.data.get("answers", {}))
        answers[consent_texts.key_for(consent_texts.LINK, organisation_id)] = {
            "granted": True,
            "sha256": consent_texts.text_sha256(text),
            "locale": turn.tr.locale,
        }
        turn.data["answers"] = answers
        turn.data["link_shown"] = True

    async def on_choice(self, turn: Turn, choice: Action) -> None:
        action = str(choice)
        if turn.step == "language" and action.startswith("lang:"):
            locale = action.removeprefix("lang:")
            if locale not in shipped_locales():
                await self.show(turn)
                return
            turn.data["locale"] = locale
            turn.retranslate()
            keys = enrol_scope_keys(turn.data.get("organisation_id"))
            turn.goto(
                "consent",
                f"scope:{keys[0]}",
                scopes=keys,
                answers={},
                intro_shown=False,
                link_shown=False,
            )
            await self.show(turn)
            return
        if not turn.step.startswith("scope:") or action not in ("yes", "no"):
            await self.show(turn)
            return
        await self._answer(turn, turn.step.removeprefix("scope:"), action == "yes")

    async def _answer(self, turn: Turn, key: str, granted: bool) -> None:
        scope, _ = consent_texts.split_key(key)
        answers = dict(turn.data.get("answers", {}))
        answers[key] = {
            "granted": granted,
            "sha256": await shown_sha256_for(turn, key),
            "locale": turn.tr.locale,
        }
        turn.data["answers"] = answers
        if scope.required and not granted:
            await self._declined(turn)
            return
        scopes: list[str] = list(turn.data.get("scopes", []))
        remaining = scopes[scopes.index(key) + 1 :] if key in scopes else []
        if remaining:
            turn.goto("consent", f"scope:{remaining[0]}")
            await self.show(turn)
            return
        await self._complete(turn)

    async def _declined(self, turn: Turn) -> None:
        if turn.data.get("mode") == ENROL:
            expires = await invitations.check_expiry(turn.tx, int(turn.data["invitation_id"]))
            turn.say(turn.tr("That is okay. I have stored nothing about you."))
            if expires is not None:
                turn.say(
                    turn.tr(
                        "If you change your mind, open your invitation link again. It works until {date}.",
                        date=turn.tr.date(expires, "long"),
                    )
                )
            turn.forget_conversation()
            return
        from dialogs.privacy.choices import stop_participation

        await stop_participation(turn)

    async def _complete(self, turn: Turn) -> None:
        tx, now = turn.tx, turn.now
        linked_to = None
        if turn.data.get("mode") == LINK:
            if not await coach_enrolment.link_still_possible(turn):
                return
            assert turn.participant is not None
            participant = turn.participant
            welcome = turn.tr("Thank you. Your choices are saved.")
            linked_to = int(turn.data["coach_id"])
        elif turn.data.get("mode") == ENROL:
            invitation_id = int(turn.data["invitation_id"])
            if not await invitations.is_usable(tx, invitation_id, now):
                turn.say(turn.tr(CODE_MESSAGES[CodeState.EXPIRED]) + " " + turn.tr(NEED_INVITATION))
                turn.forget_conversation()
                return
            participant = await participants.create(
                tx,
                chat_id=turn.chat_id,
                locale=turn.tr.locale,
                timezone=turn.config.default_timezone,
                now=now,
                region=await invitations.region_of(tx, invitation_id),
            )
            await invitations.mark_used(tx, invitation_id, participant.id, now)
            turn.attach_participant(participant)
            welcome = turn.tr(
                "Welcome! Your pseudonym is {pseudonym}. I do not store your name. Each organisation that "
                "works with you knows you by a pseudonym of its own: /privacy shows them.",
                pseudonym=participant.pseudonym,
            )
            linked_to = turn.data.get("coach_id")
        else:
            assert turn.participant is not None
            participant = turn.participant
            if participant.status is not Status.ACTIVE:
                await participants.set_status(tx, participant.id, Status.ACTIVE, now)
                turn.participant = await participants.by_id(tx, participant.id)
            welcome = turn.tr("Thank you. Your choices are saved.")
        for key, answer in dict(turn.data.get("answers", {})).items():
            scope, organisation_id = consent_texts.split_key(key)
            await consents.record(
                tx,
                participant.id,
                scope=scope.key,
                granted=bool(answer["granted"]),
                text_version=consent_texts.TEXT_VERSION,
                text_sha256=str(answer["sha256"]),
                locale=str(answer["locale"]),
                now=now,
                organisation_id=organisation_id,
            )
        turn.say(welcome)
        if linked_to is not None:
            await coach_enrolment.linked(turn, participant, int(linked_to))
        await after_consent(turn)


async def after_consent(turn: Turn) -> None:
    """Once consent is settled: a new participant sets up check-in times (or "later"); someone who
    answered again (a changed text, coming back after /stop) returns to the menu with their schedule
    planned again."""
    if turn.data.get("mode") == ENROL:
        await begin_setup(turn)
        return
    if turn.participant is not None and turn.participant.status is Status.ACTIVE:
        await plan_from_settings(
            turn, appointments_too=True
        )  # after /stop nothing stayed planned, reminders neither
    await show_menu(turn)


async def renew_if_needed(turn: Turn) -> bool:
    """Ask again for changed or new consent texts before anything else; True when it did."""
    if turn.participant is None or turn.participant.status is not Status.ACTIVE or turn.flow == "consent":
        return False
    scopes = await scopes_to_ask(turn)
    if not scopes:
        return False
    begin_consent(turn, RENEW, scopes)
    turn.say(turn.tr("Something in my privacy information has changed. Please read it and answer again."))
    await show_current(turn)
    return True


async def cancel_enrolment(turn: Turn) -> None:
    await outgoing.cancel_for_chat(turn.tx, turn.chat_id)
    turn.forget_conversation()
    turn.say(turn.tr("Okay, I stopped. I have stored nothing about you."))
