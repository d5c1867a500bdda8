"""Crisis help in the conversation: /sos, the lasting help button and crisis words all show the card.

The card offers one button, "please contact me". There is no "no thanks" or "close": a mistaken tap must
never be read as "I am fine". Whether the coach is told depends on the participant's consent, and the
answer says so honestly. The card itself needs no database (`dialogs.crisis.detection`); the transports
send it directly when the engine cannot answer (see `bot.crisis_fallback`).
"""

from __future__ import annotations

from datetime import timedelta

from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import closed, start
from dialogs.core.turn import Turn
from dialogs.crisis.detection import crisis_card, local_help
from dialogs.signals.raising import raise_signal
from storage import coaches
from storage.participants import Status

CRISIS, CONTACT, SHARE = "crisis", "contact", "share"  # the card's lasting buttons: `crisis:share:12`
CONTACT_LASTING = timedelta(days=30)
# One crisis, one signal: repeats within this window are not stored again.
REPEAT_WINDOW = timedelta(hours=1)


def card_text(turn: Turn) -> str:
    region = turn.participant.region if turn.participant else None
    return crisis_card(turn.tr, local_help(turn.tr, turn.config.info_root, region))


def _active(turn: Turn) -> bool:
    return turn.participant is not None and turn.participant.status is Status.ACTIVE


async def show_crisis(turn: Turn) -> None:
    """The card, with the contact button for participants; the crisis signal if they allowed it."""
    parts = [card_text(turn)]
    choices: list[list[Choice]] = []
    if _active(turn):
        choices.append(
            [Choice(turn.tr("📞 Please contact me"), act(CRISIS, CONTACT), lasting=CONTACT_LASTING)]
        )
        if await raise_signal(turn, "crisis_help_used", unless_within=REPEAT_WINDOW):
            parts.append(
                turn.tr(
                    "As you allowed, your coach's organisation will learn that you used the crisis help. "
                    "They will not learn what you wrote."
                )
            )
    turn.say("\n\n".join(parts), choices, crisis=True)


async def crisis_words(turn: Turn, text: str) -> None:
    """Crisis words arrived. A question waiting for free text still gets its answer, then the card."""
    flow = turn.registry.flows.get(turn.flow)
    if flow is not None and flow.takes_text and _active(turn):
        await flow.on_text(turn, text)
    await show_crisis(turn)


async def request_contact(turn: Turn) -> None:
    if await raise_signal(turn, "contact_requested", unless_within=REPEAT_WINDOW):
        turn.say(
            turn.tr(
                "Thank you. I will let your coach's organisation know that you would like to be contacted. "
                "They are not an emergency service and may need some time. "
                "If you are in danger now, please call 112."
            )
        )
        return
    organisations = await coaches.organisations_of(turn.tx, turn.person.id)
    if not organisations:
        turn.say(
            turn.tr(
                "You are not connected with a coach in this companion, so I cannot tell anyone. "
                "Please call your coach yourself. If you are in danger now, please call 112."
            )
        )
        return
    alone = len(organisations) == 1
    choices = [
        [
            Choice(
                turn.tr("Turn on signals and tell my coach")
                if alone
                else turn.tr("Tell {organisation}", organisation=name),
                act(CRISIS, SHARE, organisation_id),
                lasting=CONTACT_LASTING,
            )
        ]
        for organisation_id, name in organisations
    ]
    turn.say(
        turn.tr(
            "Right now your coach will not be told, because short signals for your coach are turned off. "
            "You can call your coach yourself. Or turn the signals on now, and I will tell them."
        ),
        choices,
    )


async def crisis_item(turn: Turn, action: Action) -> None:
    """The card's lasting buttons: `crisis:contact`, and `crisis:share:<organisation>` offered after it."""
    if not _active(turn):
        await closed(turn)
        return
    organisation_id = action.number(1) if len(action.args) == 2 and action.arg(0) == SHARE else None
    if action.args == (CONTACT,):
        await request_contact(turn)
    elif organisation_id is not None:
        await _ask_to_share(turn, organisation_id)
    else:
        await closed(turn)


async def _ask_to_share(turn: Turn, organisation_id: int) -> None:
    """Sharing with the organisation is asked in /privacy, with its consent text; then the contact goes."""
    if organisation_id not in dict(await coaches.organisations_of(turn.tx, turn.person.id)):
        await closed(turn)
        return
    await start(turn, "privacy", "confirm", key=f"sharing@{organisation_id}", then="contact")
