"""Joining: `/start CODE`, the language, the consent read in short messages and answered per scope.

Until the last answer nothing about the person exists but this chat's conversation row; declining the
required scope deletes that too, and the invitation stays usable until it expires. The same flow asks
again when a consent text has changed, and when someone who stopped wants to take part again.
"""

from __future__ import annotations

import re

from dialogs import consent_texts
from dialogs.events import Choice
from dialogs.flow import ALL_STANDINGS, Flow, Standing, command, flow, show_current
from dialogs.i18n import N_, native_name, shipped_locales
from dialogs.menu import show_menu
from dialogs.schedule_settings import begin_setup, replan
from dialogs.standing import scopes_to_ask, standing_of
from dialogs.turn import Turn
from storage import consents, invitations, outbox, participants, start_attempts
from storage.invitations import CodeState
from storage.participants import Status

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
ENROL, RENEW = "enrol", "renew"

NEED_INVITATION = N_(
    "To use this companion you need an invitation link from your coach. Please ask your coach for one."
)
CODE_MESSAGES = {
    CodeState.UNKNOWN: N_("I do not know this invitation code."),
    CodeState.USED: N_("This invitation has already been used."),
    CodeState.EXPIRED: N_("This invitation has expired."),
}


@command("start", N_("Start or take part again"), ALL_STANDINGS, in_menu=False)
async def start_command(turn: Turn, args: str) -> None:
    standing = standing_of(turn)
    if standing is Standing.ACTIVE:
        turn.say(turn.tr("You are already taking part. Good to see you!"))
        await show_menu(turn)
        return
    if standing is Standing.STOPPED:
        begin_consent(turn, RENEW, [scope.key for scope in consent_texts.SCOPES])
        turn.say(turn.tr("Welcome back! Please read and answer these questions again."))
        await show_current(turn)
        return
    await _redeem(turn, args.strip())


async def _redeem(turn: Turn, code: str) -> None:
    tx, now = turn.tx, turn.now
    if not code:
        turn.say(turn.tr(NEED_INVITATION))
        return
    if await start_attempts.recent_failures(tx, turn.chat_id, now) >= turn.config.max_wrong_codes:
        turn.say(
            turn.tr(
                "You have tried too many codes. Please wait one hour and try again, "
                "or ask your coach for a new link."
            )
        )
        return
    invitation = await invitations.check(tx, code, now) if CODE_PATTERN.fullmatch(code) else None
    state = invitation.state if invitation else CodeState.UNKNOWN
    if invitation is None or state is not CodeState.VALID:
        await start_attempts.record_failure(tx, turn.chat_id, now)
        turn.say(turn.tr(CODE_MESSAGES[state]) + " " + turn.tr(NEED_INVITATION))
        if turn.conversation is not None:
            await show_current(turn)
        return
    turn.reset("consent", "language", mode=ENROL, invitation_id=invitation.id, locale=turn.locale)
    await show_current(turn)


def begin_consent(turn: Turn, mode: str, scopes: list[str]) -> None:
    turn.reset(
        "consent",
        f"scope:{scopes[0]}",
        mode=mode,
        scopes=scopes,
        answers={},
        intro_shown=False,
        locale=turn.locale,
    )


@flow
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
        scope = consent_texts.SCOPE_BY_KEY[turn.step.removeprefix("scope:")]
        if scope.required and not turn.data.get("intro_shown"):
            for text in consent_texts.introduction(turn.tr, turn.config.retention_days):
                turn.say(text)
            turn.data["intro_shown"] = True
        yes = turn.tr("Yes, I agree") if scope.required else turn.tr("Yes")
        no = turn.tr("No, thanks") if scope.required else turn.tr("No")
        turn.say(consent_texts.question(turn.tr, scope, None), [[Choice(yes, "yes"), Choice(no, "no")]])

    async def on_choice(self, turn: Turn, action: str) -> None:
        if turn.step == "language" and action.startswith("lang:"):
            locale = action.removeprefix("lang:")
            if locale not in shipped_locales():
                await self.show(turn)
                return
            turn.data["locale"] = locale
            turn.retranslate()
            first = consent_texts.SCOPES[0].key
            turn.goto(
                "consent",
                f"scope:{first}",
                scopes=[s.key for s in consent_texts.SCOPES],
                answers={},
                intro_shown=False,
            )
            await self.show(turn)
            return
        if not turn.step.startswith("scope:") or action not in ("yes", "no"):
            await self.show(turn)
            return
        await self._answer(turn, turn.step.removeprefix("scope:"), action == "yes")

    async def _answer(self, turn: Turn, key: str, granted: bool) -> None:
        scope = consent_texts.SCOPE_BY_KEY[key]
        text = consent_texts.shown_text(turn.tr, scope, None, turn.config.retention_days)
        answers = dict(turn.data.get("answers", {}))
        answers[key] = {
            "granted": granted,
            "sha256": consent_texts.text_sha256(text),
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
        from dialogs.privacy import stop_participation

        await stop_participation(turn)

    async def _complete(self, turn: Turn) -> None:
        tx, now = turn.tx, turn.now
        if turn.data.get("mode") == ENROL:
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
                "Welcome! Your pseudonym is {pseudonym}. Your coach knows you by this name only.",
                pseudonym=participant.pseudonym,
            )
        else:
            assert turn.participant is not None
            participant = turn.participant
            if participant.status is not Status.ACTIVE:
                await participants.set_status(tx, participant.id, Status.ACTIVE, now)
                turn.participant = await participants.by_id(tx, participant.id)
            welcome = turn.tr("Thank you. Your choices are saved.")
        for key, answer in dict(turn.data.get("answers", {})).items():
            await consents.record(
                tx,
                participant.id,
                scope=key,
                granted=bool(answer["granted"]),
                text_version=consent_texts.TEXT_VERSION,
                text_sha256=str(answer["sha256"]),
                locale=str(answer["locale"]),
                now=now,
            )
        turn.say(welcome)
        await after_consent(turn)


async def after_consent(turn: Turn) -> None:
    """Once consent is settled: a new participant sets up check-in times (or "later"); someone who
    answered again (a changed text, coming back after /stop) returns to the menu with their schedule
    planned again."""
    if turn.data.get("mode") == ENROL:
        await begin_setup(turn)
        return
    if turn.participant is not None and turn.participant.status is Status.ACTIVE:
        await replan(turn)
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
    await outbox.cancel_pending(turn.tx, turn.chat_id)
    turn.forget_conversation()
    turn.say(turn.tr("Okay, I stopped. I have stored nothing about you."))
