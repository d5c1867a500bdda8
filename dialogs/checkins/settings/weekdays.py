"""Which weekdays: the days with check-ins (toggled, then "Done") and the day of the weekly look-back."""

from __future__ import annotations

from datetime import date

from dialogs.checkins.settings.saving import save
from dialogs.checkins.settings.steps import ScheduleStep, back_choice, in_rows, schedule_of
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import STAY, Go, Next, Step
from dialogs.core.i18n import Translator
from dialogs.core.turn import Turn
from storage.schedules import EVERY_DAY, Schedule

A_MONDAY = date(2026, 11, 23)
DRAFT = "days"  # the conversation's data: the days toggled so far, until "Done"


def weekday_name(tr: Translator, iso_day: int, width: str = "EEEE") -> str:
    """The locale's name of an ISO weekday (1 = Monday); `EEE` for the short form."""
    return tr.date(A_MONDAY.replace(day=A_MONDAY.day + iso_day - 1), width)


def days_text(tr: Translator, days: frozenset[int]) -> str:
    if days == EVERY_DAY:
        return tr("every day")
    return ", ".join(weekday_name(tr, d, "EEE") for d in sorted(days))


def _chosen_days(turn: Turn, schedule: Schedule) -> frozenset[int]:
    """The days toggled so far in this step, or the saved ones before the first tap."""
    if isinstance(turn.data.get(DRAFT), list):
        return frozenset(int(d) for d in turn.data[DRAFT])
    return schedule.weekdays


async def _show_days(turn: Turn) -> None:
    tr = turn.tr
    chosen = _chosen_days(turn, await schedule_of(turn))
    toggles = [
        Choice(("✓ " if d in chosen else "") + weekday_name(tr, d), act("day", d)) for d in sorted(EVERY_DAY)
    ]
    rows = in_rows(toggles, 2)
    rows.append([Choice(tr("Every day"), "everyday"), Choice("✅ " + tr("Done"), "done")])
    rows.append([back_choice(turn)])
    turn.say(tr("On which days would you like check-ins? Tap to choose, then tap Done."), rows)


async def _toggle(turn: Turn, action: Action) -> Next:
    day = action.number()
    if day is None or day not in EVERY_DAY:
        return STAY
    chosen = set(_chosen_days(turn, await schedule_of(turn))) ^ {day}
    return Go(ScheduleStep.DAYS, {DRAFT: sorted(chosen)})


async def _every_day(turn: Turn, action: Action) -> Next:
    return await save(turn, weekdays=EVERY_DAY)


async def _done(turn: Turn, action: Action) -> Next:
    chosen = _chosen_days(turn, await schedule_of(turn))
    if not chosen:
        turn.say(turn.tr("Please choose at least one day. To have no check-ins, turn off the times."))
        return STAY
    return await save(turn, weekdays=frozenset(chosen))


async def _show_lookback(turn: Turn) -> None:
    tr = turn.tr
    days = [Choice(weekday_name(tr, d), act("lookback", d)) for d in sorted(EVERY_DAY)]
    rows = in_rows(days, 2)
    rows.append([Choice(tr("No look-back"), act("lookback", "off"))])
    rows.append([back_choice(turn)])
    turn.say(
        tr(
            "Once a week I can show you a short look back on your week. Only you see it. "
            "On which day would you like it?"
        ),
        rows,
    )


async def _lookback_chosen(turn: Turn, action: Action) -> Next:
    if action.arg() == "off":
        return await save(turn, lookback_day=None)
    day = action.number()
    return STAY if day is None or day not in EVERY_DAY else await save(turn, lookback_day=day)


DAYS = Step(
    _show_days,
    choices={"day": _toggle, "everyday": _every_day, "done": _done},
    back=ScheduleStep.OVERVIEW,
)
LOOKBACK = Step(_show_lookback, choices={"lookback": _lookback_chosen}, back=ScheduleStep.OVERVIEW)
