"""/myweek: the participant's own last days and weeks as a small text chart. Only they ever see it.

Days come from the raw reports (while they are kept), weeks from the weekly aggregates (kept until the
person leaves). Mood only: a face per day, and per week the face of the middle answer with a bar of
the average. Before the text comes a picture of the last four weeks (`dialogs/pictures/mood_picture.py`):
a face per day's mood and a tick per check-in answered; the text stays for screen readers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dialogs.core.flow import show_current
from dialogs.core.turn import Turn
from dialogs.pictures.mood_picture import DAYS as PICTURE_DAYS
from dialogs.pictures.mood_picture import caption, mood_picture
from dialogs.questionnaires.questionnaire import ScaleItem, named
from dialogs.questionnaires.selfreport import FORM, MOOD, may_store
from storage import checkins, selfreports

DAYS = 7
WEEKS = 8
NO_ANSWER = "·"
FULL, EMPTY = "█", "░"


def _mood_item() -> ScaleItem | None:
    for part in named(FORM).parts.values():
        item = part.item(MOOD)
        if isinstance(item, ScaleItem):
            return item
    return None


def face(value: int) -> str:
    item = _mood_item()
    return item.icon(value) if item is not None and value in item.values else str(value)


def mood_mean(counts: dict[str, float]) -> float | None:
    total = sum(counts.values())
    return sum(int(k) * n for k, n in counts.items()) / total if total else None


def mood_median(counts: dict[str, float]) -> int | None:
    """The middle answer (the lower one of the two middles for an even count)."""
    total = sum(counts.values())
    if not total:
        return None
    seen = 0.0
    for key in sorted(counts, key=int):
        seen += counts[key]
        if seen >= total / 2:
            return int(key)
    return None


def bar(mean: float, top: int = 5) -> str:
    filled = max(0, min(top, round(mean)))
    return FULL * filled + EMPTY * (top - filled)


async def myweek_command(turn: Turn, args: str) -> None:
    tr, pid = turn.tr, turn.person.id
    today = turn.now.astimezone(tr.timezone).date()
    first_day = today - timedelta(days=DAYS - 1)
    picture_day = today - timedelta(days=PICTURE_DAYS - 1)
    start = datetime.combine(picture_day, time(0), tzinfo=tr.timezone)
    by_day: dict[date, int] = {}
    for report in await selfreports.since(turn.tx, pid, start):
        mood = report.answers.get(MOOD)
        if isinstance(mood, int):
            by_day[report.local_date] = mood  # the day's last answer
    weeks = await selfreports.weeks(turn.tx, pid, WEEKS)
    answered = await checkins.answered_between(turn.tx, pid, picture_day, today)
    picture = mood_picture(tr, today, by_day, [checkin.day for checkin in answered])
    if picture is not None:
        turn.say(caption(tr), attachment=picture.attachment())
    checkin_days = len({checkin.day for checkin in answered})
    checkin_line = tr("Days with check-in answers in the last four weeks: {n}", n=checkin_days)
    if not by_day and not weeks:
        text = tr("You have no saved reports yet. With /report you can tell me how you are.")
        turn.say(text + ("\n\n" + checkin_line if checkin_days else ""))
        await show_current(turn)
        return
    lines = [tr("📈 How you have been. Only you can see this."), "", tr("The last 7 days:")]
    for offset in range(DAYS):
        day = first_day + timedelta(days=offset)
        mood = by_day.get(day)
        lines.append(f"{tr.skeleton(day, 'MMMEd')}  {face(mood) if mood is not None else NO_ANSWER}")
    if weeks:
        lines += ["", tr("Weeks (average mood from 1 to 5):")]
        for week in weeks:
            year, number = week.week.split("-W")
            monday = date.fromisocalendar(int(year), int(number), 1)
            label = tr("Week of {date}", date=tr.skeleton(monday, "MMMd"))
            reports = tr.ngettext("{n} report", "{n} reports", week.reports)
            counts = week.counts.get(MOOD, {})
            mean, middle = mood_mean(counts), mood_median(counts)
            if mean is None or middle is None:
                lines.append(f"{label}: {NO_ANSWER} ({reports})")
                continue
            lines.append(f"{label}: {face(middle)} {bar(mean)} {tr.number(round(mean, 1))} ({reports})")
    if checkin_days:
        lines += ["", checkin_line]
    if not await may_store(turn):
        lines += ["", tr("Storing your answers is turned off now, so new reports are not added here.")]
    turn.say("\n".join(lines))
    await show_current(turn)
