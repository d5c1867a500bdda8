""" "I need help to get there": a toggle list of what would help (✅ marks what is chosen) and Done.

Nothing is stored or passed on before Done: the choice so far travels in the lasting buttons themselves
(`appt:<id>:pick:<a+b>` shows the list again with that choice, `appt:<id>:needs:<a+b>` is Done), so a tap on
an older copy of the list is harmless. Done notes each new kind of help on the appointment and, with the
sharing consent, raises one `help_to_get_there` signal per kind; Done with nothing chosen says what to do.
Kinds asked for before are named above the list and not offered again.
"""

from __future__ import annotations

from dialogs.appointments.answer_buttons import ANSWER_WINDOW, button_action, lasting, not_shared
from dialogs.appointments.wording import HELP_LABELS, help_list
from dialogs.core.events import Choice
from dialogs.core.flow import closed
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from dialogs.signals.raising import raise_signal
from storage import appointments
from storage.appointments import Appointment

DONE = N_("Done")
NOTHING_CHOSEN = N_("You have not chosen anything yet. Tap what would help you (it then shows ✅).")


async def ask_help(
    turn: Turn, appointment: Appointment, chosen: tuple[str, ...] = (), prompt: str = ""
) -> None:
    """The help question: a toggle list (✅ marks what is chosen so far) and Done. Nothing is stored or
    sent before Done; the choice so far travels in the buttons themselves (`pick:<a+b>`, `needs:<a+b>`)."""
    tr, ttl = turn.tr, lasting(turn, appointment, ANSWER_WINDOW)
    asked = [category for category in HELP_LABELS if category in appointment.help_needs]
    if len(asked) == len(HELP_LABELS):
        turn.say(tr("You have already asked for this: {help}.", help=help_list(tr, asked)))
        return
    choices = [
        [
            Choice(
                ("✅ " if category in chosen else "") + tr(label),
                button_action(appointment, "pick", _joined(set(chosen) ^ {category})),
                lasting=ttl,
            )
        ]
        for category, label in HELP_LABELS.items()
        if category not in asked
    ]
    choices.append([Choice(tr(DONE), button_action(appointment, "needs", _joined(set(chosen))), lasting=ttl)])
    lines = [prompt or tr("What would help you get there? You can choose more than one.")]
    if asked:
        lines.append(tr("You have already asked for: {help}.", help=help_list(tr, asked)))
    lines.append(tr("Tap everything that fits, then tap Done."))
    turn.say("\n".join(lines), choices)


def _joined(categories: set[str]) -> str:
    return "+".join(category for category in HELP_LABELS if category in categories)


def _chosen(detail: str) -> tuple[str, ...] | None:
    """The categories a `pick`/`needs` button carries, or None for a forged one."""
    chosen = tuple(part for part in detail.split("+") if part)
    return chosen if all(part in HELP_LABELS for part in chosen) else None


async def chosen_help(turn: Turn, appointment: Appointment, verb: str, detail: str) -> None:
    chosen = _chosen(detail)
    if chosen is None:
        await closed(turn)
    elif verb == "pick":
        await ask_help(turn, appointment, chosen)
    elif not chosen:
        await ask_help(turn, appointment, prompt=turn.tr(NOTHING_CHOSEN))
    else:
        await help_needed(turn, appointment, list(chosen))


async def help_needed(turn: Turn, appointment: Appointment, categories: list[str]) -> None:
    tr = turn.tr
    new = [category for category in categories if category not in appointment.help_needs]
    if not new:
        turn.say(tr("You have already asked for this: {help}.", help=help_list(tr, categories)))
        return
    shared = False
    for category in new:
        await appointments.add_help_need(turn.tx, appointment.id, category, turn.now)
        shared = await raise_signal(turn, "help_to_get_there", category) or shared
    wanted = help_list(tr, new)
    if shared:
        turn.say(
            tr(
                "Thank you. Your coach gets a short signal that you need help to get there: {help}.",
                help=wanted,
            )
        )
    else:
        turn.say(
            tr(
                "Thank you for telling me. Please ask your coach or the office for this help: {help}.",
                help=wanted,
            )
            + " "
            + await not_shared(turn)
        )
