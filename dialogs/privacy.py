"""/privacy (see and change each consent, see the history) and /stop (withdraw, at once)."""

from __future__ import annotations

from dialogs import consent_texts
from dialogs.crisis_help import request_contact
from dialogs.events import Choice
from dialogs.flow import ALL_STANDINGS, FLOWS, PARTICIPANTS, Flow, Standing, command, flow
from dialogs.i18n import N_
from dialogs.menu import show_menu
from dialogs.rules import rule_lines
from dialogs.standing import standing_of
from dialogs.turn import Turn
from storage import consents, outbox, participants
from storage.participants import Status


@command("privacy", N_("See and change what you allowed"), PARTICIPANTS)
async def privacy_command(turn: Turn, args: str) -> None:
    turn.reset("privacy", "overview")
    await PrivacyFlow().show(turn)


@command("stop", N_("Stop taking part"), ALL_STANDINGS - {Standing.STRANGER})
async def stop_command(turn: Turn, args: str) -> None:
    standing = standing_of(turn)
    if standing is Standing.ENROLLING:
        from dialogs.enrolment import cancel_enrolment

        await cancel_enrolment(turn)
        return
    if standing is Standing.STOPPED:
        turn.say(
            turn.tr(
                "You have already stopped. I send you nothing. "
                "/start lets you take part again, /delete deletes your data."
            )
        )
        return
    await stop_participation(turn)


async def stop_participation(turn: Turn) -> None:
    """Withdraw every consent and cancel everything not yet sent."""
    assert turn.participant is not None
    tx, now, participant = turn.tx, turn.now, turn.participant
    for key, record in (await consents.current(tx, participant.id)).items():
        if record.granted:
            await consents.record(
                tx,
                participant.id,
                scope=key,
                granted=False,
                text_version=record.text_version,
                text_sha256=record.text_sha256,
                locale=record.locale,
                now=now,
            )
    await participants.set_status(tx, participant.id, Status.STOPPED, now)
    turn.participant = await participants.by_id(tx, participant.id)
    await outbox.cancel_pending(tx, turn.chat_id)
    turn.reset("menu", "stopped")
    turn.say(
        turn.tr(
            "You have stopped. I will not send you anything anymore. This changes nothing about "
            "your benefits."
        )
    )
    turn.say(
        turn.tr(
            "Your data stays until you delete it with /delete. /mydata shows it. "
            "If you want to take part again, write /start."
        )
    )


def _mark(granted: bool) -> str:
    return "✅" if granted else "⬜"


@flow
class PrivacyFlow(Flow):
    name = "privacy"

    async def show(self, turn: Turn) -> None:
        assert turn.participant is not None
        if turn.step.startswith("confirm:"):
            scope = consent_texts.SCOPE_BY_KEY[turn.step.removeprefix("confirm:")]
            turn.say(
                consent_texts.question(turn.tr, scope, None),
                [[Choice(turn.tr("Yes"), "grant"), Choice(turn.tr("No"), "overview")]],
            )
            return
        current = await consents.current(turn.tx, turn.participant.id)
        lines = [turn.tr("Your choices:")]
        choices: list[list[Choice]] = []
        for scope in consent_texts.SCOPES:
            granted = current.get(scope.key) is not None and current[scope.key].granted
            lines.append(f"{_mark(granted)} {turn.tr(scope.title)}")
            if scope.required or turn.participant.status is not Status.ACTIVE:
                continue
            label = (
                turn.tr("Turn off: {name}", name=turn.tr(scope.title))
                if granted
                else turn.tr("Turn on: {name}", name=turn.tr(scope.title))
            )
            choices.append([Choice(label, f"toggle:{scope.key}")])
        lines.append("")
        lines.append(turn.tr("Rules for telling your coach:"))
        lines += await rule_lines(turn) or [turn.tr("You have not set any rules.")]
        lines.append("")
        lines.append(turn.tr("Your pseudonym: {pseudonym}", pseudonym=turn.participant.pseudonym))
        if turn.participant.status is Status.ACTIVE:
            choices.append([Choice(turn.tr("🔔 Change the rules for my coach"), "rules")])
        choices.append([Choice(turn.tr("Show my consent history"), "history")])
        if turn.participant.status is Status.ACTIVE:
            choices.append([Choice(turn.tr("Stop taking part"), "cmd:stop")])
        choices.append([Choice(turn.tr("Back to the menu"), "menu")])
        turn.say("\n".join(lines), choices)

    async def on_choice(self, turn: Turn, action: str) -> None:
        assert turn.participant is not None
        if action == "menu":
            await show_menu(turn)
            return
        if action == "rules" and turn.participant.status is Status.ACTIVE:
            turn.reset("rules", "list")
            await FLOWS["rules"].show(turn)
            return
        if turn.data.get("then") == "contact" and turn.step == "confirm:sharing":
            await self._crisis_answer(turn, granted=action == "grant")
            return
        if action == "history":
            await self._history(turn)
            await self.show(turn)
            return
        if action.startswith("toggle:") and turn.participant.status is Status.ACTIVE:
            key = action.removeprefix("toggle:")
            scope = consent_texts.SCOPE_BY_KEY.get(key)
            if scope is None or scope.required:
                await self.show(turn)
                return
            current = (await consents.current(turn.tx, turn.participant.id)).get(key)
            if current is not None and current.granted:
                await self._record(turn, key, granted=False)
                turn.say(turn.tr("Done. “{name}” is now off.", name=turn.tr(scope.title)))
                turn.goto("privacy", "overview")
            else:
                turn.goto("privacy", f"confirm:{key}")
            await self.show(turn)
            return
        if action == "grant" and turn.step.startswith("confirm:"):
            key = turn.step.removeprefix("confirm:")
            await self._record(turn, key, granted=True)
            turn.say(
                turn.tr("Done. “{name}” is now on.", name=turn.tr(consent_texts.SCOPE_BY_KEY[key].title))
            )
        turn.goto("privacy", "overview")
        await self.show(turn)

    async def _crisis_answer(self, turn: Turn, *, granted: bool) -> None:
        """Asked from the crisis card: turn sharing on and pass the contact request, or say it stays off."""
        turn.reset("menu", "idle")
        if granted:
            await self._record(turn, consent_texts.SHARING, granted=True)
            await request_contact(turn)
            return
        turn.say(turn.tr("Okay. Your coach will not be told. The crisis numbers above always work."))
        await show_menu(turn)

    async def _record(self, turn: Turn, key: str, *, granted: bool) -> None:
        assert turn.participant is not None
        scope = consent_texts.SCOPE_BY_KEY[key]
        text = consent_texts.shown_text(turn.tr, scope, None, turn.config.retention_days)
        await consents.record(
            turn.tx,
            turn.participant.id,
            scope=key,
            granted=granted,
            text_version=consent_texts.TEXT_VERSION,
            text_sha256=consent_texts.text_sha256(text),
            locale=turn.tr.locale,
            now=turn.now,
        )

    async def _history(self, turn: Turn) -> None:
        assert turn.participant is not None
        lines = [turn.tr("Your consent history:")]
        for record in await consents.history(turn.tx, turn.participant.id):
            scope = consent_texts.SCOPE_BY_KEY.get(record.scope)
            name = turn.tr(scope.title) if scope else record.scope
            answer = turn.tr("yes") if record.granted else turn.tr("no")
            lines.append(f"{turn.tr.datetime(record.at, 'short')}: {name} – {answer}")
        turn.say("\n".join(lines))
