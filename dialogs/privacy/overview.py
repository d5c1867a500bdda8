"""What /privacy shows: every consent with its switch, each organisation and what it may see, the rules for
telling a coach, and the history of every answer.

The participant's own scopes come first. With one organisation its switches are right in the overview,
with several each has its own page. Someone who stopped sees the same, without switches.
"""

from __future__ import annotations

from dialogs import consent_texts
from dialogs.core.actions import act
from dialogs.core.events import Choice
from dialogs.core.turn import Turn
from dialogs.participation.consent_answers import organisation_name
from dialogs.participation.menu import sos_choice
from dialogs.signals.rules import rule_lines
from storage import coaches, consents, org_pseudonyms
from storage.participants import Status

Page = tuple[str, list[list[Choice]]]


def _mark(granted: bool) -> str:
    return "✅" if granted else "⬜"


def _toggle(turn: Turn, scope: consent_texts.Scope, key: str, granted: bool) -> list[Choice]:
    name = turn.tr(scope.title)
    label = turn.tr("Turn off: {name}", name=name) if granted else turn.tr("Turn on: {name}", name=name)
    return [Choice(label, act("toggle", key))]


def _unlink(turn: Turn, organisation_id: int, name: str) -> list[Choice]:
    label = turn.tr("End the connection with {organisation}", organisation=name)
    return [Choice(label, act("ask_unlink", organisation_id))]


async def _known_as_line(turn: Turn, organisation_id: int, name: str) -> str:
    """Which pseudonym the organisation knows the participant by (each has its own, so none can join)."""
    known = await org_pseudonyms.for_organisation(turn.tx, turn.person.id, organisation_id, turn.now)
    return turn.tr(
        "{organisation} knows you as {pseudonym}, and whether you take part.",
        organisation=name,
        pseudonym=known,
    )


async def _organisation_lines(
    turn: Turn, organisation_id: int, name: str, choices: list[list[Choice]]
) -> list[str]:
    """What one organisation may see, a switch for each (while taking part) and the end of the link."""
    granted = await consents.granted_to(turn.tx, turn.person.id, organisation_id)
    lines = ["", turn.tr("{organisation} may see:", organisation=name)]
    active = turn.person.status is Status.ACTIVE
    for scope in consent_texts.ORGANISATION_SCOPES:
        lines.append(f"{_mark(scope.key in granted)} {turn.tr(scope.title)}")
        if active:
            key = consent_texts.key_for(scope.key, organisation_id)
            choices.append(_toggle(turn, scope, key, scope.key in granted))
    lines.append(await _known_as_line(turn, organisation_id, name))
    if active:
        choices.append(_unlink(turn, organisation_id, name))
    return lines


async def overview(turn: Turn, organisations: list[tuple[int, str]]) -> Page:
    participant = turn.person
    current = await consents.current(turn.tx, participant.id)
    active = participant.status is Status.ACTIVE
    lines = [turn.tr("Your choices:")]
    choices: list[list[Choice]] = [[sos_choice(turn)]]  # help now, first, as on every menu
    for scope in consent_texts.PARTICIPANT_SCOPES:
        granted = current.get(scope.key) is not None and current[scope.key].granted
        lines.append(f"{_mark(granted)} {turn.tr(scope.title)}")
        if not scope.required and active:
            choices.append(_toggle(turn, scope, scope.key, granted))
    if not organisations:
        lines += [
            "",
            turn.tr("You are not connected with a coach's organisation, so nobody sees anything."),
        ]
    elif len(organisations) == 1:
        organisation_id, name = organisations[0]
        lines += await _organisation_lines(turn, organisation_id, name, choices)
    else:
        for organisation_id, name in organisations:
            allowed = await consents.granted_to(turn.tx, participant.id, organisation_id)
            titles = [turn.tr(s.title) for s in consent_texts.ORGANISATION_SCOPES if s.key in allowed]
            lines += ["", turn.tr("{organisation} may see:", organisation=name)]
            lines.append(", ".join(titles) if titles else turn.tr("Only whether you take part."))
            lines.append(await _known_as_line(turn, organisation_id, name))
            label = turn.tr("Change: {organisation}", organisation=name)
            choices.append([Choice(label, act("org", organisation_id))])
    lines.append("")
    lines.append(turn.tr("Rules for telling your coach:"))
    lines += await rule_lines(turn) or [turn.tr("You have not set any rules.")]
    lines.append("")
    lines.append(turn.tr("Your pseudonym: {pseudonym}", pseudonym=participant.pseudonym))
    if active and organisations:
        choices.append([Choice(turn.tr("🔔 Change the rules for my coach"), act("rules"))])
    choices.append([Choice(turn.tr("Show my consent history"), act("history"))])
    if active:
        choices.append([Choice(turn.tr("Stop taking part"), act("cmd", "stop"))])
    choices.append([Choice(turn.tr("Back to the menu"), act("menu"))])
    return "\n".join(lines), choices


async def organisation_page(turn: Turn, organisation_id: int, name: str) -> Page:
    choices: list[list[Choice]] = []
    lines = await _organisation_lines(turn, organisation_id, name, choices)
    choices.append([Choice(turn.tr("Back"), act("overview"))])
    return "\n".join(lines[1:]), choices


async def history(turn: Turn) -> str:
    """Every answer ever recorded, oldest first, with the organisation it was for."""
    names = dict(await coaches.organisations_of(turn.tx, turn.person.id))
    lines = [turn.tr("Your consent history:")]
    for record in await consents.history(turn.tx, turn.person.id):
        scope = consent_texts.SCOPE_BY_KEY.get(record.scope)
        name = turn.tr(scope.title) if scope else record.scope
        if record.organisation_id is not None:
            organisation = names.get(record.organisation_id) or await organisation_name(
                turn, record.organisation_id
            )
            name = turn.tr("{scope} ({organisation})", scope=name, organisation=organisation or "?")
        answer = turn.tr("yes") if record.granted else turn.tr("no")
        lines.append(f"{turn.tr.datetime(record.at, 'short')}: {name} – {answer}")
    return "\n".join(lines)
