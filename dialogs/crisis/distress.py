"""Words of distress ("Ich will nicht mehr", "Mir geht es gar nicht gut", 😭) get a warm answer, in any state.

`dialogs.crisis.words.find_distress` recognises them; the engine hands them here through the hook
`Hooks.distress_words` before anything else could answer "I did not understand" or "you need an invitation
link", for strangers, people joining, participants and people who stopped alike (never for coaches). The
answer is short: a kind sentence, someone to talk to, one small next step, and a button that shows the
crisis card. It stores nothing and tells nobody: no signal, no row of its own. A question that waits for
typed words (the self-report's note) still gets them first, as with crisis words.
"""

from __future__ import annotations

from datetime import timedelta

from dialogs.core.events import Choice
from dialogs.core.i18n import N_
from dialogs.core.outgoing import SOS_ACTION
from dialogs.core.turn import Turn
from dialogs.questionnaires.asking import TYPED, QuestionnaireFlow
from storage.participants import Status

WARM = N_("I am sorry you feel this way. You don't have to go through this alone.")
# TelefonSeelsorge: 0800 111 0 111 and 0800 111 0 222, free and anonymous, day and night. Checked
# 2026-12-07 on https://www.domradio.de/glossar/telefonseelsorge-0 ("unter den Nummern 0800/1110111 und
# 0800/1110222 rund um die Uhr kostenfrei und anonym erreichbar").
TALK = N_("Someone to talk to, free, day and night: TelefonSeelsorge {number} or {second}.")
TELEFONSEELSORGE = ("0800 111 0 111", "0800 111 0 222")
NEXT_STEP = N_(
    "One small step for now: drink a glass of water, go outside for a few minutes, "
    "or write to someone you trust."
)
SHOW_CARD = N_("🆘 Help now")  # the same words as the main menu's help button
SHOW_CARD_LASTING = timedelta(days=30)


def _waits_for_text(turn: Turn) -> bool:
    """Whether the participant's current question waits for typed words (a note, a number)."""
    if turn.participant is None or turn.participant.status is not Status.ACTIVE:
        return False
    flow = turn.registry.flows.get(turn.flow)
    if not isinstance(flow, QuestionnaireFlow) or not flow.takes_text:
        return False
    slot = flow.current(turn)
    return slot is not None and slot.item.kind in TYPED


def warm_answer(turn: Turn) -> None:
    number, second = TELEFONSEELSORGE
    text = "\n\n".join((turn.tr(WARM), turn.tr(TALK, number=number, second=second), turn.tr(NEXT_STEP)))
    turn.say(text, [[Choice(turn.tr(SHOW_CARD), SOS_ACTION, lasting=SHOW_CARD_LASTING)]])


async def answer_distress(turn: Turn, text: str) -> None:
    """Distress words arrived: a question waiting for typed words keeps them, then the warm answer."""
    if _waits_for_text(turn):
        flow = turn.registry.flow(turn.flow)
        await flow.on_text(turn, text)
    warm_answer(turn)
