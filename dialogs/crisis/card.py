"""Crisis help in the conversation: /sos, the lasting help button and crisis words all show the card.

The card offers one button, "please contact me". There is no "no thanks" or "close": a mistaken tap must
never be read as "I am fine". Whether the coach is told depends on the participant's consent, and the
answer says so honestly. The card itself needs no database (`dialogs.crisis.detection`); the transports
send it directly when the engine cannot answer (see `bot.crisis_fallback`).
"""

from __future__ import annotations

from datetime import timedelta

from dialogs.core.actions import Action, item_number
from dialogs.core.events import Choice
from dialogs.core.flow import closed
from dialogs.core.turn import Turn
from dialogs.crisis.detection import crisis_card, local_help
from dialogs.signals.raising import raise_signal
from storage import coaches
from storage.participants import Status

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
        choices.append([Choice(turn.tr("📞 Please contact me"), "crisis:contact", lasting=CONTACT_LASTING)])
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
    assert turn.participant is not None
    organisations = await coaches.organisations_of(turn.tx, turn.participant.id)
    if not organisations:
        turn.say(
            turn.tr(
                "You are not connected with a coach in this companion, so I cannot tell anyone. "
                "Please call your coach yourself. If you are in danger now, please call 112."
            )
        )
        return
    if len(organisations) == 1:
        choices = [
            [
                Choice(
                    turn.tr("Turn on signals and tell my coach"),
                    f"crisis:share:{organisations[0][0]}",
                    lasting=CONTACT_LASTING,
                )
            ]
        ]
    else:
        choices = [
            [
                Choice(
                    turn.tr("Tell {organisation}", organisation=name),
                    f"crisis:share:{org}",
                    lasting=CONTACT_LASTING,
                )
            ]
            for org, name in organisations
        ]
    turn.say(
        turn.tr(
            "Right now your coach will not be told, because short signals for your coach are turned off. "
            "You can call your coach yourself. Or turn the signals on now, and I will tell them."
        ),
        choices,
    )


async def crisis_item(turn: Turn, choice: Action) -> None:
    action = str(choice)
    if not _active(turn):
        await closed(turn)
        return
    if action == "crisis:contact":
        await request_contact(turn)
    elif action.startswith("crisis:share:") and item_number(action.removeprefix("crisis:share:")) is not None:
        assert turn.participant is not None
        organisation_id = int(action.removeprefix("crisis:share:"))
        if organisation_id not in dict(await coaches.organisations_of(turn.tx, turn.participant.id)):
            await closed(turn)
            return
        turn.reset("privacy", f"confirm:sharing@{organisation_id}", then="contact")
        await turn.registry.flow("privacy").show(turn)
    else:
        await closed(turn)
