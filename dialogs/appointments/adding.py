"""Adding an appointment step by step: the day (buttons for the next 14 days, or typed), the time (buttons
or typed) and the kind; the place and the note follow in `free_text` when a key is configured. The day and
time questions also serve to change an existing appointment's time (`edit` is "time").

A typed value that cannot be used gets a clear answer and the same question again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, time, timedelta
from typing import TypeVar

from dialogs.appointments.conversation_state import (
    AppointmentStep,
    back_choice,
    back_to_view,
    draft,
    draft_day,
    editing,
    sealer,
    to_list,
    today,
)
from dialogs.appointments.day_words import example
from dialogs.appointments.saving import save_new, save_time
from dialogs.appointments.when import (
    BadInput,
    PastThisYear,
    example_day,
    local_moment,
    parse_clock,
    parse_day,
)
from dialogs.appointments.wording import KIND_ICONS, KIND_LABELS
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import DONE, STAY, Go, Next
from dialogs.core.turn import Turn
from storage.appointments import KINDS

DAY_BUTTONS = 14
TIME_BUTTONS = (
    time(8, 0),
    time(8, 30),
    time(9, 0),
    time(9, 30),
    time(10, 0),
    time(10, 30),
    time(11, 0),
    time(11, 30),
    time(12, 0),
    time(13, 0),
    time(14, 0),
    time(15, 0),
    time(16, 0),
    time(17, 0),
)
T = TypeVar("T")


async def _typed(turn: Turn, read: Callable[[], T], chosen: Callable[[Turn, T], Awaitable[Next]]) -> Next:
    """A typed answer: what `read` makes of it, or why it cannot be used and the same question again."""
    try:
        value = read()
    except BadInput as problem:
        turn.say(turn.tr(problem.message))
        return STAY
    return await chosen(turn, value)


# --- the day -------------------------------------------------------------------------------------------


async def show_day(turn: Turn) -> None:
    tr = turn.tr
    first = today(turn)
    labels = []
    for offset in range(DAY_BUTTONS):
        day = first + timedelta(days=offset)
        if offset == 0:
            label = tr("Today, {date}", date=tr.short_date(day))
        elif offset == 1:
            label = tr("Tomorrow, {date}", date=tr.short_date(day))
        else:
            label = tr.short_date(day)
        labels.append(Choice(label, act("day", day.isoformat())))
    rows = [labels[i : i + 2] for i in range(0, len(labels), 2)]
    rows.append([back_choice(turn)])
    shown = example_day(first)
    turn.say(
        tr(
            "Which day is the appointment? Tap a day, or write it, for example {day}, {day_and_year} or "
            "“tomorrow”.",
            day=tr.digits(example(tr.locale, shown, with_year=False)),
            day_and_year=tr.digits(example(tr.locale, shown, with_year=True)),
        ),
        rows,
    )


async def day_tapped(turn: Turn, action: Action) -> Next:
    first = today(turn)
    try:
        day = date.fromisoformat(action.arg())
    except ValueError:
        return STAY
    offered = draft(turn).pop("next_year", None)
    if not first <= day < first + timedelta(days=DAY_BUTTONS) and day.isoformat() != offered:
        return STAY
    return await _day_chosen(turn, day)


async def day_written(turn: Turn, text: str) -> Next:
    try:
        day = parse_day(text, today(turn), turn.tr.locale)
    except PastThisYear as passed:
        return _ask_next_year(turn, passed.next_year)
    except BadInput as problem:
        turn.say(turn.tr(problem.message))
        return STAY
    return await _day_chosen(turn, day)


def _ask_next_year(turn: Turn, day: date) -> Next:
    """A day without a year that has passed this year: perhaps next year's is meant."""
    tr = turn.tr
    draft(turn)["next_year"] = day.isoformat()
    turn.say(
        tr("That day is already over this year. Do you mean {date}?", date=tr.date(day, "full")),
        [
            [Choice(tr("Yes, {date}", date=tr.date(day, "medium")), act("day", day.isoformat()))],
            [Choice(tr("No, another day"), act("day", "other"))],
        ],
    )
    return DONE


async def _day_chosen(turn: Turn, day: date) -> Next:
    draft(turn)["day"] = day.isoformat()
    return Go(AppointmentStep.TIME)


async def back_from_day(turn: Turn, action: Action) -> Next:
    """Changing a time goes back to the appointment; adding one goes back to the list."""
    return await back_to_view(turn, action) if editing(turn) else to_list()


# --- the time ------------------------------------------------------------------------------------------


async def show_time(turn: Turn) -> Next | None:
    tr = turn.tr
    day = draft_day(turn)
    if day is None:
        return Go(AppointmentStep.DAY)
    offered = []
    for at in TIME_BUTTONS:
        moment = local_moment(day, at, tr.timezone)
        if moment is not None and moment > turn.now:
            offered.append(Choice(tr.time(at), act("time", f"{at:%H}", f"{at:%M}")))
    rows = [offered[i : i + 3] for i in range(0, len(offered), 3)]
    rows.append([back_choice(turn)])
    turn.say(
        tr("At what time on {date}? Tap a time, or write it, for example 14:45.", date=tr.date(day, "full")),
        rows,
    )
    return None


async def time_tapped(turn: Turn, action: Action) -> Next:
    """`time:14:45`: the hour and the minute of a time button."""
    hour, minute = action.number(0), action.number(1)
    if hour is None or minute is None or hour > 23 or minute > 59:
        return STAY
    return await _time_chosen(turn, time(hour, minute))


async def time_written(turn: Turn, text: str) -> Next:
    return await _typed(turn, lambda: parse_clock(text), _time_chosen)


async def _time_chosen(turn: Turn, at: time) -> Next:
    day = draft_day(turn)
    if day is None:
        return Go(AppointmentStep.DAY)
    moment = local_moment(day, at, turn.tr.timezone)
    if moment is None:
        turn.say(
            turn.tr(
                "On this day the clocks change, so {time} does not exist. Please choose another time.",
                time=turn.tr.time(at),
            )
        )
        return STAY
    if moment <= turn.now:
        turn.say(turn.tr("That time has already passed. Please choose a later time."))
        return STAY
    draft(turn)["time"] = at.strftime("%H:%M")
    if editing(turn) == "time":
        return await save_time(turn, moment)
    return Go(AppointmentStep.KIND)


# --- the kind ------------------------------------------------------------------------------------------


async def show_kind(turn: Turn) -> None:
    tr = turn.tr
    options = [Choice(f"{KIND_ICONS[kind]} {tr(KIND_LABELS[kind])}", act("kind", kind)) for kind in KINDS]
    rows = [options[i : i + 2] for i in range(0, len(options), 2)]
    rows.append([back_choice(turn)])
    turn.say(tr("What kind of appointment is it?"), rows)


async def kind_tapped(turn: Turn, action: Action) -> Next:
    kind = action.arg()
    if kind not in KINDS:
        return STAY
    draft(turn)["kind"] = kind
    if sealer(turn) is None:
        return await save_new(turn, None)
    return Go(AppointmentStep.PLACE)
