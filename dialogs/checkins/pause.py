"""/pause for 1-60 days (a clinic stay, a holiday) and /resume. A pause ends by itself.

A pause covers whole local days: `/pause 3` on a Monday means no check-ins Monday to Wednesday and a
welcome back on Thursday morning. The end of the pause is stored (`schedules.paused_until`), so planning
and every handler respect it even if the welcome-back row were lost; that row is only the message.
"""

from __future__ import annotations

from datetime import time, timedelta
from enum import StrEnum

from dialogs.checkins.planning import resume_time, zone_of
from dialogs.checkins.settings.saving import plan_from_settings
from dialogs.core.actions import Action, act, item_number
from dialogs.core.events import Choice
from dialogs.core.flow import DONE, STAY, Go, Handover, Next, Step, StepFlow, start
from dialogs.core.turn import Turn
from dialogs.local_time import local_day, local_to_utc
from dialogs.participation.menu import BACK_TO_MENU, show_menu, sos_choice
from dialogs.signals.raising import raise_signal
from dialogs.signals.rules import pause_ended
from storage import due, report_counts, schedules
from storage.due import DueItem

MAX_DAYS = 60
PRESET_DAYS = (1, 3, 7, 14, 30)
# Everything that would speak during a pause.
SILENCED = ("checkin:", "nudge:", "lookback:", "resume:")


async def pause_command(turn: Turn, args: str) -> None:
    wanted = args.strip()
    if wanted:
        days = _days(wanted)
        if days is not None:
            await pause(turn, days)
            return
        turn.say(turn.tr("Please choose a number of days from 1 to 60."))
    schedule = await schedules.get(turn.tx, turn.person.id)
    await start(turn, "pause", PauseStep.PAUSED if schedule.paused_at(turn.now) else PauseStep.ASK)


async def resume_command(turn: Turn, args: str) -> None:
    schedule = await schedules.get(turn.tx, turn.person.id)
    if not schedule.paused_at(turn.now):
        turn.say(turn.tr("Your check-ins are not paused."))
        await show_menu(turn)
        return
    await _end_pause(turn)
    turn.say(turn.tr("Welcome back! Your check-ins start again."))
    await show_menu(turn)


def _days(text: str) -> int | None:
    days = item_number(text.strip())  # not `isdigit`: it takes "²", which `int` refuses
    return days if days is not None and 1 <= days <= MAX_DAYS else None


async def pause(turn: Turn, days: int) -> None:
    pid, zone = turn.person.id, zone_of(turn.person.timezone)
    back_on = local_day(turn.now, zone) + timedelta(days=days)
    if not (await schedules.get(turn.tx, pid)).paused_at(turn.now):  # a new pause, not a changed one
        await report_counts.count(turn.tx, pid, report_counts.PAUSE_BEGUN, turn.now)
    schedule = await schedules.update(
        turn.tx, pid, turn.now, paused_until=local_to_utc(back_on, time(0), zone)
    )
    for prefix in SILENCED:
        await due.drop_pending(turn.tx, pid, key_prefix=prefix)
    await due.schedule(
        turn.tx,
        participant_id=pid,
        kind="resume",
        key=f"resume:{back_on}:{turn.now.timestamp():.0f}",
        due_at=local_to_utc(back_on, resume_time(schedule), zone),
        now=turn.now,
        grace=timedelta(hours=12),  # a late welcome back is still welcome; the pause ends regardless
        payload={"day": str(back_on)},
    )
    await plan_from_settings(turn)
    await raise_signal(turn, "paused", str(back_on))
    turn.say(
        turn.tr(
            "Okay, I am pausing your check-ins. I will write to you again on {date}. "
            "To end the pause earlier, write /resume.",
            date=turn.tr.date(back_on, "full"),
        )
    )
    await show_menu(turn)


async def _end_pause(turn: Turn, *, drop_welcome: bool = True) -> None:
    pid = turn.person.id
    await schedules.update(turn.tx, pid, turn.now, paused_until=None)
    await pause_ended(turn.tx, pid, turn.now)
    if drop_welcome:  # never from the welcome's own handler: the engine settles that row afterwards
        await due.drop_pending(turn.tx, pid, key_prefix="resume:")
    await plan_from_settings(turn)


async def resume_due(turn: Turn, item: DueItem) -> None:
    """The pause is over: say welcome back (unless the pause was changed meanwhile)."""
    schedule = await schedules.get(turn.tx, turn.person.id)
    if schedule.paused_until is None or schedule.paused_at(turn.now):
        return
    await _end_pause(turn, drop_welcome=False)
    turn.say(turn.tr("Welcome back! The pause is over, and your check-ins start again."))


class PauseStep(StrEnum):
    ASK = "ask"
    PAUSED = "paused"


async def _show_paused(turn: Turn) -> Next | None:
    tr = turn.tr
    schedule = await schedules.get(turn.tx, turn.person.id)
    if schedule.paused_until is None:
        return Go(PauseStep.ASK)
    back_on = local_day(schedule.paused_until, zone_of(turn.person.timezone))
    turn.say(
        tr("Your check-ins are paused. I will write to you again on {date}.", date=tr.date(back_on, "full")),
        [
            [sos_choice(turn)],
            [Choice(tr("▶️ Resume now"), act("cmd", "resume"))],
            [Choice(tr("Pause for a different time"), act("change"))],
            [Choice(tr("Back to the menu"), act("menu"))],
        ],
    )
    return None


async def _show_ask(turn: Turn) -> None:
    tr = turn.tr
    presets = [Choice(tr.ngettext("{n} day", "{n} days", days), act("days", days)) for days in PRESET_DAYS]
    turn.say(
        tr(
            "For how many days should I pause your check-ins? During a pause I send you no check-ins. "
            "You can also write a number from 1 to 60."
        ),
        [presets[:3], presets[3:], [Choice(tr("Cancel"), act("menu"))]],
    )


async def _days_chosen(turn: Turn, action: Action) -> Next:
    days = _days(action.arg())
    if days is None:
        return Handover("menu")
    await pause(turn, days)
    return DONE


async def _days_written(turn: Turn, text: str) -> Next:
    days = _days(text)
    if days is None:
        return await _not_a_number(turn, text)
    await pause(turn, days)
    return DONE


async def _not_a_number(turn: Turn, text: str) -> Next:
    turn.say(turn.tr("Please write a number of days from 1 to 60, or tap a button."))
    return STAY


async def _change(turn: Turn, action: Action) -> Next:
    return Go(PauseStep.ASK)


async def _to_menu(turn: Turn, action: Action) -> Next:
    return BACK_TO_MENU


PAUSE = StepFlow(
    "pause",
    {
        PauseStep.ASK: Step(_show_ask, choices={"days": _days_chosen}, text=_days_written),
        PauseStep.PAUSED: Step(_show_paused, choices={"change": _change}, text=_not_a_number),
    },
    first=PauseStep.ASK,
    everywhere={"menu": _to_menu},
    hands_over_to={"menu"},
)
