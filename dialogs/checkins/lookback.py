"""The weekly look-back: the participant's own week in one message. Only they see it.

It covers the seven days before the chosen day: on how many days they checked in, their evening mood as
a row of faces (a dot where there is no answer, which means nothing), and how many morning plans
happened. A week without any check-in sends nothing: there is nothing to reproach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dialogs.checkins.checkin import FORM
from dialogs.checkins.planning import may_send, zone_of
from dialogs.core.turn import Turn
from dialogs.questionnaires import questionnaire
from storage import checkins, schedules
from storage.checkins import Checkin
from storage.due import DueItem

NO_ANSWER = "·"


@dataclass(frozen=True)
class Week:
    first: date
    last: date
    days_checked_in: int
    moods: list[str]  # one symbol per day, first to last
    plans: int  # plans with an evening answer
    kept: int
    partly: int


def summarise(rows: list[Checkin], first: date) -> Week:
    """Pure: the figures of a week of answered check-ins starting at `first`."""
    form = questionnaire.named(FORM)
    mood_item = form.part("evening").item("mood")
    by_day: dict[date, dict[str, Checkin]] = {}
    for row in rows:
        by_day.setdefault(row.day, {})[row.slot] = row
    moods: list[str] = []
    plans = kept = partly = 0
    for offset in range(7):
        day = first + timedelta(days=offset)
        evening = by_day.get(day, {}).get("evening")
        mood = evening.answers.get("mood") if evening else None
        if (
            isinstance(mood_item, questionnaire.ScaleItem)
            and isinstance(mood, int)
            and mood in mood_item.values
        ):
            moods.append(mood_item.icon(mood))
        else:
            moods.append(NO_ANSWER)
        answers = evening.answers.get("kept") if evening else None
        if isinstance(answers, dict):
            values = [str(v) for v in answers.values()]
            plans += len(values)
            kept += values.count("yes")
            partly += values.count("partly")
    return Week(first, first + timedelta(days=6), len(by_day), moods, plans, kept, partly)


def render(turn: Turn, week: Week) -> str:
    tr = turn.tr
    lines = [
        tr(
            "Your week from {first} to {last}:",
            first=tr.date(week.first, "medium"),
            last=tr.date(week.last, "medium"),
        ),
        tr.ngettext("You checked in on {n} day.", "You checked in on {n} days.", week.days_checked_in),
    ]
    if any(symbol != NO_ANSWER for symbol in week.moods):
        lines.append(tr("How your days went: {row}", row=" ".join(week.moods)))
    if week.plans:
        lines.append(
            tr(
                "Plans that happened: {kept} of {plans}, partly: {partly}.",
                kept=tr.number(week.kept),
                plans=tr.number(week.plans),
                partly=tr.number(week.partly),
            )
        )
    lines.append(tr("Only you see this. I wish you a good week!"))
    return "\n".join(lines)


async def lookback_due(turn: Turn, item: DueItem) -> None:
    person = turn.person
    schedule = await schedules.get(turn.tx, person.id)
    if schedule.lookback_day is None or not may_send(schedule, zone_of(person.timezone), turn.now):
        return
    day = date.fromisoformat(str(item.payload.get("day")))
    first = day - timedelta(days=7)
    rows = await checkins.answered_between(turn.tx, person.id, first, day - timedelta(days=1))
    if not rows:
        return
    turn.say(render(turn, summarise(rows, first)))
