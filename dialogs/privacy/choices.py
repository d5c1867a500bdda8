"""/privacy (see and change each consent, per organisation; see the history) and /stop (withdraw, at once).

The participant's own scopes come first. Then each organisation they are linked to, with what it may see;
with one organisation its switches are right in the overview, with several each has its own page. Turning
something off acts at once and takes back what still waits in the outbox for that organisation.
"""

from __future__ import annotations

from dialogs import consent_texts
from dialogs.coaching.alerts import (
    coach_translator,
    known_as,
    participation_ended,
    send_to_coach,
    withdraw_waiting,
)
from dialogs.core import outgoing
from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import Flow, Standing
from dialogs.core.i18n import N_
from dialogs.core.standing import standing_of
from dialogs.core.turn import Turn
from dialogs.crisis.card import request_contact
from dialogs.participation.consent_answers import organisation_name, record_answer
from dialogs.participation.menu import show_menu
from dialogs.signals.rules import rule_lines
from storage import audit, coaches, consents, due, org_pseudonyms, participants
from storage.participants import Status

UNLINKED = N_("⚪ {pseudonym} ended the connection with your organisation.")


async def privacy_command(turn: Turn, args: str) -> None:
    turn.reset("privacy", "overview")
    await PrivacyFlow().show(turn)


async def stop_command(turn: Turn, args: str) -> None:
    standing = standing_of(turn)
    if standing is Standing.ENROLLING:
        from dialogs.participation.enrolment import cancel_enrolment

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


async def withdraw_everything(turn: Turn) -> None:
    """Record a "no" for every consent in force, the organisations' included."""
    assert turn.participant is not None
    for (key, organisation_id), record in (await consents.everything(turn.tx, turn.participant.id)).items():
        if record.granted:
            await consents.record(
                turn.tx,
                turn.participant.id,
                scope=key,
                granted=False,
                text_version=record.text_version,
                text_sha256=record.text_sha256,
                locale=record.locale,
                now=turn.now,
                organisation_id=organisation_id,
            )


async def take_back_scope(turn: Turn, scope: str) -> None:
    """A participant's own scope was withdrawn: what is planned or queued that needs it goes at once."""
    assert turn.participant is not None
    kinds = [kind for kind, spec in turn.registry.due.items() if spec.scope == scope]
    await due.drop_kinds(turn.tx, turn.participant.id, kinds)
    await outgoing.cancel_scope(turn.tx, turn.participant.id, scope)


async def stop_participation(turn: Turn) -> None:
    """Withdraw every consent and cancel everything not yet sent; the coaches learn only that it ended."""
    assert turn.participant is not None
    tx, now, participant = turn.tx, turn.now, turn.participant
    await participation_ended(tx, participant, now)
    await withdraw_everything(turn)
    await participants.set_status(tx, participant.id, Status.STOPPED, now)
    turn.participant = await participants.by_id(tx, participant.id)
    await outgoing.cancel_for_chat(tx, turn.chat_id)
    await due.drop_pending(tx, participant.id)  # nothing planned stays; coming back plans afresh
    turn.reset("menu", "stopped")
    turn.say(
        turn.tr(
            "You have stopped. I will not send you anything anymore. This changes nothing about "
            "your benefits."
        )
    )
    turn.say(
        turn.tr(
            "Your data is kept until {date} and then deleted by itself. You can delete it sooner with "
            "/delete; /mydata shows it. If you want to take part again, write /start.",
            date=turn.tr.date(turn.config.erasure_at(now)),
        )
    )


def _mark(granted: bool) -> str:
    return "✅" if granted else "⬜"


async def _known_as_line(turn: Turn, organisation_id: int, name: str) -> str:
    """Which pseudonym the organisation knows the participant by (each has its own, so none can join)."""
    assert turn.participant is not None
    known = await org_pseudonyms.for_organisation(turn.tx, turn.participant.id, organisation_id, turn.now)
    return turn.tr(
        "{organisation} knows you as {pseudonym}, and whether you take part.",
        organisation=name,
        pseudonym=known,
    )


def _toggle_label(turn: Turn, scope: consent_texts.Scope, granted: bool) -> str:
    name = turn.tr(scope.title)
    return turn.tr("Turn off: {name}", name=name) if granted else turn.tr("Turn on: {name}", name=name)


class PrivacyFlow(Flow):
    name = "privacy"

    async def show(self, turn: Turn) -> None:
        assert turn.participant is not None
        step = turn.step
        if step.startswith("confirm:"):
            await self._show_confirm(turn, step.removeprefix("confirm:"))
            return
        if step.startswith("unlink:") and step.removeprefix("unlink:").isdigit():
            name = await organisation_name(turn, int(step.removeprefix("unlink:"))) or ""
            turn.say(
                turn.tr(
                    "Do you want to end the connection with {organisation}? They will learn only that it "
                    "ended, and see nothing about you any more.",
                    organisation=name,
                ),
                [[Choice(turn.tr("Yes, end it"), "unlink"), Choice(turn.tr("No"), "overview")]],
            )
            return
        organisations = await coaches.organisations_of(turn.tx, turn.participant.id)
        if step.startswith("org:") and step.removeprefix("org:").isdigit():
            chosen = int(step.removeprefix("org:"))
            if chosen in dict(organisations):
                await self._show_organisation(turn, chosen, dict(organisations)[chosen])
                return
        await self._show_overview(turn, organisations)

    async def _show_confirm(self, turn: Turn, key: str) -> None:
        try:
            scope, organisation_id = consent_texts.split_key(key)
        except (KeyError, ValueError):
            turn.goto("privacy", "overview")
            await self.show(turn)
            return
        name = await organisation_name(turn, organisation_id)
        turn.say(
            consent_texts.question(turn.tr, scope, name),
            [[Choice(turn.tr("Yes"), "grant"), Choice(turn.tr("No"), "overview")]],
        )

    async def _organisation_lines(
        self, turn: Turn, organisation_id: int, name: str, choices: list[list[Choice]]
    ) -> list[str]:
        assert turn.participant is not None
        granted = await consents.granted_to(turn.tx, turn.participant.id, organisation_id)
        lines = ["", turn.tr("{organisation} may see:", organisation=name)]
        active = turn.participant.status is Status.ACTIVE
        for scope in consent_texts.ORGANISATION_SCOPES:
            lines.append(f"{_mark(scope.key in granted)} {turn.tr(scope.title)}")
            if active:
                key = consent_texts.key_for(scope.key, organisation_id)
                choices.append([Choice(_toggle_label(turn, scope, scope.key in granted), f"toggle:{key}")])
        lines.append(await _known_as_line(turn, organisation_id, name))
        return lines

    async def _show_overview(self, turn: Turn, organisations: list[tuple[int, str]]) -> None:
        assert turn.participant is not None
        current = await consents.current(turn.tx, turn.participant.id)
        active = turn.participant.status is Status.ACTIVE
        lines = [turn.tr("Your choices:")]
        choices: list[list[Choice]] = []
        for scope in consent_texts.PARTICIPANT_SCOPES:
            granted = current.get(scope.key) is not None and current[scope.key].granted
            lines.append(f"{_mark(granted)} {turn.tr(scope.title)}")
            if not scope.required and active:
                choices.append([Choice(_toggle_label(turn, scope, granted), f"toggle:{scope.key}")])
        if not organisations:
            lines += [
                "",
                turn.tr("You are not connected with a coach's organisation, so nobody sees anything."),
            ]
        elif len(organisations) == 1:
            organisation_id, name = organisations[0]
            lines += await self._organisation_lines(turn, organisation_id, name, choices)
            if active:
                choices.append(
                    [
                        Choice(
                            turn.tr("End the connection with {organisation}", organisation=name),
                            f"ask_unlink:{organisation_id}",
                        )
                    ]
                )
        else:
            for organisation_id, name in organisations:
                allowed = await consents.granted_to(turn.tx, turn.participant.id, organisation_id)
                titles = [turn.tr(s.title) for s in consent_texts.ORGANISATION_SCOPES if s.key in allowed]
                lines += ["", turn.tr("{organisation} may see:", organisation=name)]
                lines.append(", ".join(titles) if titles else turn.tr("Only whether you take part."))
                lines.append(await _known_as_line(turn, organisation_id, name))
                choices.append(
                    [Choice(turn.tr("Change: {organisation}", organisation=name), f"org:{organisation_id}")]
                )
        lines.append("")
        lines.append(turn.tr("Rules for telling your coach:"))
        lines += await rule_lines(turn) or [turn.tr("You have not set any rules.")]
        lines.append("")
        lines.append(turn.tr("Your pseudonym: {pseudonym}", pseudonym=turn.participant.pseudonym))
        if active and organisations:
            choices.append([Choice(turn.tr("🔔 Change the rules for my coach"), "rules")])
        choices.append([Choice(turn.tr("Show my consent history"), "history")])
        if active:
            choices.append([Choice(turn.tr("Stop taking part"), "cmd:stop")])
        choices.append([Choice(turn.tr("Back to the menu"), "menu")])
        turn.say("\n".join(lines), choices)

    async def _show_organisation(self, turn: Turn, organisation_id: int, name: str) -> None:
        assert turn.participant is not None
        choices: list[list[Choice]] = []
        lines = await self._organisation_lines(turn, organisation_id, name, choices)
        if turn.participant.status is Status.ACTIVE:
            choices.append(
                [
                    Choice(
                        turn.tr("End the connection with {organisation}", organisation=name),
                        f"ask_unlink:{organisation_id}",
                    )
                ]
            )
        choices.append([Choice(turn.tr("Back"), "overview")])
        turn.say("\n".join(lines[1:]), choices)

    async def on_choice(self, turn: Turn, choice: Action) -> None:
        action = str(choice)
        assert turn.participant is not None
        active = turn.participant.status is Status.ACTIVE
        if action == "menu":
            await show_menu(turn)
            return
        if action == "rules" and active:
            turn.reset("rules", "list")
            await turn.registry.flow("rules").show(turn)
            return
        if turn.data.get("then") == "contact" and turn.step.startswith("confirm:sharing"):
            await self._crisis_answer(turn, turn.step.removeprefix("confirm:"), granted=action == "grant")
            return
        if action == "history":
            await self._history(turn)
            await self.show(turn)
            return
        if action.startswith("org:"):
            turn.goto("privacy", action)
            await self.show(turn)
            return
        if action.startswith("ask_unlink:") and active:
            turn.goto("privacy", "unlink:" + action.removeprefix("ask_unlink:"))
            await self.show(turn)
            return
        if action == "unlink" and turn.step.startswith("unlink:") and active:
            await self._unlink(turn, int(turn.step.removeprefix("unlink:")))
            turn.goto("privacy", "overview")
            await self.show(turn)
            return
        if action.startswith("toggle:") and active:
            await self._toggle(turn, action.removeprefix("toggle:"))
            return
        if action == "grant" and turn.step.startswith("confirm:") and active:
            key = turn.step.removeprefix("confirm:")
            if await self._may_change(turn, key):
                await record_answer(turn, key, granted=True)
                scope, _ = consent_texts.split_key(key)
                turn.say(turn.tr("Done. “{name}” is now on.", name=turn.tr(scope.title)))
        turn.goto("privacy", "overview")
        await self.show(turn)

    async def _may_change(self, turn: Turn, key: str) -> bool:
        """A key names a participant scope that is not required, or a scope of a linked organisation."""
        assert turn.participant is not None
        try:
            scope, organisation_id = consent_texts.split_key(key)
        except (KeyError, ValueError):
            return False
        if scope.key == consent_texts.LINK or scope.required:
            return False
        if organisation_id is None:
            return True
        linked = {org for org, _ in await coaches.organisations_of(turn.tx, turn.participant.id)}
        return organisation_id in linked

    async def _toggle(self, turn: Turn, key: str) -> None:
        assert turn.participant is not None
        if not await self._may_change(turn, key):
            turn.goto("privacy", "overview")
            await self.show(turn)
            return
        scope, organisation_id = consent_texts.split_key(key)
        if organisation_id is None:
            record = (await consents.current(turn.tx, turn.participant.id)).get(scope.key)
            granted = record is not None and record.granted
        else:
            granted = scope.key in await consents.granted_to(turn.tx, turn.participant.id, organisation_id)
        if not granted:
            turn.goto("privacy", f"confirm:{key}")
            await self.show(turn)
            return
        await record_answer(turn, key, granted=False)
        if organisation_id is not None:
            await withdraw_waiting(turn.tx, turn.participant.id, organisation_id)
        else:
            await take_back_scope(turn, scope.key)
        turn.say(turn.tr("Done. “{name}” is now off.", name=turn.tr(scope.title)))
        back = f"org:{organisation_id}" if turn.step.startswith("org:") else "overview"
        turn.goto("privacy", back)
        await self.show(turn)

    async def _unlink(self, turn: Turn, organisation_id: int) -> None:
        """End the connection with one organisation: every consent for it off, its coaches told."""
        participant = turn.participant
        assert participant is not None
        if organisation_id not in {org for org, _ in await coaches.organisations_of(turn.tx, participant.id)}:
            return
        name = await organisation_name(turn, organisation_id) or ""
        await withdraw_waiting(turn.tx, participant.id, organisation_id)
        for scope, record in (
            await consents.for_organisation(turn.tx, participant.id, organisation_id)
        ).items():
            if record.granted:
                await consents.record(
                    turn.tx,
                    participant.id,
                    scope=scope,
                    granted=False,
                    text_version=record.text_version,
                    text_sha256=record.text_sha256,
                    locale=record.locale,
                    now=turn.now,
                    organisation_id=organisation_id,
                )
        linked = [
            c
            for c in await coaches.coaches_of(turn.tx, participant.id)
            if c.organisation_id == organisation_id
        ]
        await coaches.unlink_organisation(turn.tx, participant.id, organisation_id)
        for coach in linked:
            known = await known_as(turn.tx, coach, participant.id, turn.now)
            await send_to_coach(turn.tx, coach, coach_translator(coach)(UNLINKED, pseudonym=known), turn.now)
            await audit.append(
                turn.tx,
                action=audit.UNLINKED,
                now=turn.now,
                pseudonym=known,
                coach_id=coach.id,
                coach_name=coach.name,
                organisation=coach.organisation,
            )
        turn.say(turn.tr("Done. You are no longer connected with {organisation}.", organisation=name))

    async def _crisis_answer(self, turn: Turn, key: str, *, granted: bool) -> None:
        """Asked from the crisis card: turn sharing on and pass the contact request, or say it stays off."""
        turn.reset("menu", "idle")
        if granted and await self._may_change(turn, key):
            await record_answer(turn, key, granted=True)
            await request_contact(turn)
            return
        turn.say(turn.tr("Okay. Your coach will not be told. The crisis numbers above always work."))
        await show_menu(turn)

    async def _history(self, turn: Turn) -> None:
        assert turn.participant is not None
        names = dict(await coaches.organisations_of(turn.tx, turn.participant.id))
        lines = [turn.tr("Your consent history:")]
        for record in await consents.history(turn.tx, turn.participant.id):
            scope = consent_texts.SCOPE_BY_KEY.get(record.scope)
            name = turn.tr(scope.title) if scope else record.scope
            if record.organisation_id is not None:
                organisation = names.get(record.organisation_id) or await organisation_name(
                    turn, record.organisation_id
                )
                name = turn.tr("{scope} ({organisation})", scope=name, organisation=organisation or "?")
            answer = turn.tr("yes") if record.granted else turn.tr("no")
            lines.append(f"{turn.tr.datetime(record.at, 'short')}: {name} – {answer}")
        turn.say("\n".join(lines))
