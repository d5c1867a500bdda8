"""/privacy: see and change each consent, per organisation, end a connection, see the history.

Turning something off acts at once and takes back what still waits for it (in the outbox, or planned).
Turning something on first shows its full question again (`CONFIRM`, also opened by the extras offered
after linking and by the crisis card, which then passes the contact request on). What the pages show:
`dialogs/privacy/overview.py`.
"""

from __future__ import annotations

from enum import StrEnum

from dialogs import consent_texts
from dialogs.coaching.alerts import withdraw_waiting
from dialogs.core import outgoing
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import DONE, STAY, Go, Handover, Next, Step, StepFlow, start
from dialogs.core.turn import Turn
from dialogs.crisis.card import request_contact
from dialogs.participation.consent_answers import organisation_name, record_answer
from dialogs.participation.linking import unlink
from dialogs.participation.menu import MENU, MenuStep
from dialogs.privacy import overview
from storage import coaches, consents, due
from storage.participants import Status

CONTACT = "contact"  # `then`: asked from the crisis card, the answer passes the contact request on


class PrivacyStep(StrEnum):
    OVERVIEW = "overview"
    ORGANISATION = "org"  # one organisation's page; data: organisation_id
    CONFIRM = "confirm"  # the question before turning a scope on; data: key (`sharing@3`), then
    UNLINK = "unlink"  # ending the connection with an organisation; data: organisation_id


OLD_CONFIRM = "confirm:"  # before the upgrade the key was part of the step's name: `confirm:sharing@3`


async def privacy_command(turn: Turn, args: str) -> None:
    await start(turn, PRIVACY.name, PrivacyStep.OVERVIEW)


def _active(turn: Turn) -> bool:
    return turn.person.status is Status.ACTIVE


def _organisation(turn: Turn) -> int | None:
    value = turn.data.get("organisation_id")
    return value if isinstance(value, int) else None


async def _linked(turn: Turn) -> dict[int, str]:
    return dict(await coaches.organisations_of(turn.tx, turn.person.id))


async def _show_overview(turn: Turn) -> None:
    turn.say(*await overview.overview(turn, await coaches.organisations_of(turn.tx, turn.person.id)))


async def _show_organisation(turn: Turn) -> Next | None:
    chosen, names = _organisation(turn), await _linked(turn)
    if chosen not in names:
        return Go(PrivacyStep.OVERVIEW)
    turn.say(*await overview.organisation_page(turn, chosen, names[chosen]))
    return None


async def _show_confirm(turn: Turn) -> Next | None:
    try:
        scope, organisation_id = consent_texts.split_key(str(turn.data.get("key", "")))
    except (KeyError, ValueError):
        return Go(PrivacyStep.OVERVIEW)
    name = await organisation_name(turn, organisation_id)
    turn.say(
        consent_texts.question(turn.tr, scope, name),
        [[Choice(turn.tr("Yes"), act("grant")), Choice(turn.tr("No"), act("overview"))]],
    )
    return None


async def _show_unlink(turn: Turn) -> Next | None:
    organisation_id = _organisation(turn)
    if organisation_id is None:
        return Go(PrivacyStep.OVERVIEW)
    turn.say(
        turn.tr(
            "Do you want to end the connection with {organisation}? They will learn only that it "
            "ended, and see nothing about you any more.",
            organisation=await organisation_name(turn, organisation_id) or "",
        ),
        [[Choice(turn.tr("Yes, end it"), act("unlink")), Choice(turn.tr("No"), act("overview"))]],
    )
    return None


async def _to_menu(turn: Turn, action: Action) -> Next:
    return Handover("menu")


async def _to_overview(turn: Turn, action: Action) -> Next:
    return Go(PrivacyStep.OVERVIEW)


async def _to_rules(turn: Turn, action: Action) -> Next:
    return Handover("rules", "list") if _active(turn) else Go(PrivacyStep.OVERVIEW)


async def _history(turn: Turn, action: Action) -> Next:
    turn.say(await overview.history(turn))
    return STAY


async def _to_organisation(turn: Turn, action: Action) -> Next:
    return Go(PrivacyStep.ORGANISATION, {"organisation_id": action.number()})


async def _ask_unlink(turn: Turn, action: Action) -> Next:
    if not _active(turn):
        return Go(PrivacyStep.OVERVIEW)
    return Go(PrivacyStep.UNLINK, {"organisation_id": action.number()})


async def _may_change(turn: Turn, key: str) -> bool:
    """A key names a participant scope that is not required, or a scope of a linked organisation."""
    try:
        scope, organisation_id = consent_texts.split_key(key)
    except (KeyError, ValueError):
        return False
    if scope.key == consent_texts.LINK or scope.required:
        return False
    return organisation_id is None or organisation_id in await _linked(turn)


async def _toggle(turn: Turn, action: Action) -> Next:
    key = action.arg()
    if not _active(turn) or not await _may_change(turn, key):
        return Go(PrivacyStep.OVERVIEW)
    scope, organisation_id = consent_texts.split_key(key)
    if organisation_id is None:
        record = (await consents.current(turn.tx, turn.person.id)).get(scope.key)
        granted = record is not None and record.granted
    else:
        granted = scope.key in await consents.granted_to(turn.tx, turn.person.id, organisation_id)
    if not granted:
        return Go(PrivacyStep.CONFIRM, {"key": key})
    await record_answer(turn, key, granted=False)
    if organisation_id is not None:
        await withdraw_waiting(turn.tx, turn.person.id, organisation_id, turn.now)
    else:
        await take_back_scope(turn, scope.key)
    turn.say(turn.tr("Done. “{name}” is now off.", name=turn.tr(scope.title)))
    if turn.step == PrivacyStep.ORGANISATION:
        return Go(PrivacyStep.ORGANISATION, {"organisation_id": organisation_id})
    return Go(PrivacyStep.OVERVIEW)


async def take_back_scope(turn: Turn, scope: str) -> None:
    """A participant's own scope was withdrawn: what is planned or queued that needs it goes at once."""
    kinds = [kind for kind, spec in turn.registry.due.items() if spec.scope == scope]
    await due.drop_kinds(turn.tx, turn.person.id, kinds)
    await outgoing.cancel_scope(turn.tx, turn.person.id, scope)


def _for_the_crisis_card(turn: Turn) -> bool:
    key = str(turn.data.get("key", ""))
    return turn.data.get("then") == CONTACT and key.partition("@")[0] == consent_texts.SHARING


async def _grant(turn: Turn, action: Action) -> Next:
    key = str(turn.data.get("key", ""))
    if _for_the_crisis_card(turn):
        return await _crisis_answer(turn, key, granted=True)
    if _active(turn) and await _may_change(turn, key):
        await record_answer(turn, key, granted=True)
        scope, _ = consent_texts.split_key(key)
        turn.say(turn.tr("Done. “{name}” is now on.", name=turn.tr(scope.title)))
    return Go(PrivacyStep.OVERVIEW)


async def _keep_off(turn: Turn, action: Action) -> Next:
    if _for_the_crisis_card(turn):
        return await _crisis_answer(turn, str(turn.data.get("key", "")), granted=False)
    return Go(PrivacyStep.OVERVIEW)


async def _crisis_answer(turn: Turn, key: str, *, granted: bool) -> Next:
    """Asked from the crisis card: turn sharing on and pass the contact request, or say it stays off."""
    if granted and await _may_change(turn, key):
        turn.reset(MENU.name, MenuStep.IDLE)
        await record_answer(turn, key, granted=True)
        await request_contact(turn, consent_texts.split_key(key)[1])
        return DONE
    turn.say(turn.tr("Okay. Your coach will not be told. The crisis numbers above always work."))
    return Handover("menu")


async def _unlink_chosen(turn: Turn, action: Action) -> Next:
    organisation_id = _organisation(turn)
    name = await unlink(turn, organisation_id) if _active(turn) and organisation_id is not None else None
    if name is not None:
        turn.say(turn.tr("Done. You are no longer connected with {organisation}.", organisation=name))
    return Go(PrivacyStep.OVERVIEW)


class _PrivacyFlow(StepFlow[PrivacyStep]):
    async def show(self, turn: Turn) -> None:
        if turn.step.startswith(OLD_CONFIRM):  # stored before the upgrade: the same question
            turn.goto(self.name, PrivacyStep.CONFIRM, key=turn.step.removeprefix(OLD_CONFIRM))
        await super().show(turn)


PRIVACY = _PrivacyFlow(
    "privacy",
    {
        PrivacyStep.OVERVIEW: Step(_show_overview),
        PrivacyStep.ORGANISATION: Step(_show_organisation),
        PrivacyStep.CONFIRM: Step(_show_confirm, choices={"grant": _grant, "overview": _keep_off}),
        PrivacyStep.UNLINK: Step(_show_unlink, choices={"unlink": _unlink_chosen}),
    },
    first=PrivacyStep.OVERVIEW,
    everywhere={
        "menu": _to_menu,
        "overview": _to_overview,
        "rules": _to_rules,
        "history": _history,
        "org": _to_organisation,
        "ask_unlink": _ask_unlink,
        "toggle": _toggle,
    },
    hands_over_to={"menu", "rules"},
)
