"""Crisis help in the conversation: /sos, the lasting help button and crisis words all show the card.

Showing the card tells nobody anything: a word in a message never reports to a coach on its own. A
participant linked to organisations is asked "Shall I ask {organisation} to contact you today?", with one
lasting button per organisation; only that tap raises `contact_requested`, for that organisation alone.
Where the participant does not share signals with it yet, the tap first asks for that consent (the
privacy flow's confirm step, which then passes the request on). There is no "no thanks" or "close": a
mistaken tap must never be read as "I am fine". The card itself needs no database
(`dialogs.crisis.detection`); the transports send it directly when the engine cannot answer (see
`bot.crisis_fallback`).

Lasting buttons (they stay in people's chats for 30 days, so older ones keep working):
`crisis:contact:<organisation>` (the card's button now, and the caring answers' "ask my coach"),
`crisis:contact` (the card's button before; the card of someone linked to nobody now says so instead) and
`crisis:share:<organisation>` (offered after `crisis:contact` when signals were off).
"""

from __future__ import annotations

from datetime import timedelta

from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import closed, start
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from dialogs.crisis.detection import crisis_card, local_help
from dialogs.signals.catalogue import SHARING
from dialogs.signals.raising import organisations_allowed, raise_signal
from storage import coaches
from storage.participants import Status

CRISIS, CONTACT, SHARE = "crisis", "contact", "share"  # the card's lasting buttons: `crisis:contact:12`
CONTACT_LASTING = timedelta(days=30)
# One request, one signal: repeated taps for the same organisation within this window are not stored again.
REPEAT_WINDOW = timedelta(hours=1)


def card_text(turn: Turn) -> str:
    region = turn.participant.region if turn.participant else None
    return crisis_card(turn.tr, local_help(turn.tr, turn.config.info_root, region))


def _active(turn: Turn) -> bool:
    return turn.participant is not None and turn.participant.status is Status.ACTIVE


def contact_choice(label: str, organisation_id: int) -> list[Choice]:
    """A lasting button that asks this organisation, and no other, to contact the participant."""
    return [Choice(label, act(CRISIS, CONTACT, organisation_id), lasting=CONTACT_LASTING)]


def _offer(turn: Turn, organisations: list[tuple[int, str]]) -> tuple[str, list[list[Choice]]]:
    """The card's question and its buttons, one per organisation."""
    if len(organisations) == 1:
        name = organisations[0][1]
        question = turn.tr("Shall I ask {organisation} to contact you today?", organisation=name)
    else:
        question = turn.tr("Shall I ask someone to contact you today?")
    choices = [
        contact_choice(turn.tr("📞 Please contact me ({organisation})", organisation=name), organisation_id)
        for organisation_id, name in organisations
    ]
    return question, choices


async def show_crisis(turn: Turn) -> None:
    """The card; for a participant, the offer to ask for contact. It raises no signal."""
    parts = [card_text(turn)]
    choices: list[list[Choice]] = []
    if _active(turn):
        organisations = await coaches.organisations_of(turn.tx, turn.person.id)
        if organisations:
            question, choices = _offer(turn, organisations)
            parts.append(question)
        else:  # no button that cannot be kept: nobody could be asked; say what the person can do
            parts.append(turn.tr(NOT_CONNECTED))
    turn.say("\n\n".join(parts), choices, crisis=True)


async def crisis_words(turn: Turn, text: str) -> None:
    """Crisis words arrived. A question waiting for free text still gets its answer, then the card."""
    flow = turn.registry.flows.get(turn.flow)
    if flow is not None and flow.takes_text and _active(turn):
        await flow.on_text(turn, text)
    await show_crisis(turn)


NOT_CONNECTED = N_(
    "You are not connected with a coach in this companion, so I cannot tell anyone. "
    "Please call your coach yourself. If you are in danger now, please call 112."
)


async def ask_organisation(turn: Turn, organisation_id: int) -> None:
    """The participant tapped "please contact me" for this organisation: ask it, and only it. Without
    the sharing consent for it, that consent is asked first (and "no" tells nobody)."""
    names = dict(await coaches.organisations_of(turn.tx, turn.person.id))
    if organisation_id not in names:
        await closed(turn)
        return
    if await raise_signal(
        turn, "contact_requested", unless_within=REPEAT_WINDOW, organisation_id=organisation_id
    ):
        turn.say(
            turn.tr(
                "Thank you. I will let {organisation} know that you would like to be contacted. "
                "They are not an emergency service and may need some time. "
                "If you are in danger now, please call 112.",
                organisation=names[organisation_id],
            )
        )
        return
    await start(turn, "privacy", "confirm", key=f"sharing@{organisation_id}", then="contact")


async def request_contact(turn: Turn, organisation_id: int | None = None) -> None:
    """A contact request without a named organisation (`crisis:contact`, and the privacy flow after
    "yes" to sharing): with one organisation it is that one; with several, the participant chooses."""
    if organisation_id is not None:
        await ask_organisation(turn, organisation_id)
        return
    organisations = await coaches.organisations_of(turn.tx, turn.person.id)
    if not organisations:
        turn.say(turn.tr(NOT_CONNECTED))
        return
    if len(organisations) > 1:
        question, choices = _offer(turn, organisations)
        turn.say(question, choices)
        return
    only, _ = organisations[0]
    if only in await organisations_allowed(turn.tx, turn.person.id, SHARING):
        await ask_organisation(turn, only)
        return
    turn.say(
        turn.tr(
            "Right now your coach will not be told, because short signals for your coach are turned off. "
            "You can call your coach yourself. Or turn the signals on now, and I will tell them."
        ),
        [
            [
                Choice(
                    turn.tr("Turn on signals and tell my coach"),
                    act(CRISIS, SHARE, only),
                    lasting=CONTACT_LASTING,
                )
            ]
        ],
    )


async def crisis_item(turn: Turn, action: Action) -> None:
    """The card's lasting buttons: `crisis:contact`, `crisis:contact:<organisation>` and
    `crisis:share:<organisation>` (the last two do the same now)."""
    if not _active(turn):
        await closed(turn)
        return
    named = len(action.args) == 2 and action.arg(0) in (CONTACT, SHARE)
    organisation_id = action.number(1) if named else None
    if action.args == (CONTACT,):
        await request_contact(turn)
    elif organisation_id is not None:
        await ask_organisation(turn, organisation_id)
    else:
        await closed(turn)
