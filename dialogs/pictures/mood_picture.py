"""/myweek's picture: the last four weeks, a face for each day's mood and a tick for a check-in answered."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from dialogs.core.i18n import N_, Translator
from dialogs.pictures.calendar import weekday_names, weeks
from dialogs.pictures.spec import Cell, Mark, Picture

DAYS = 28
MOOD_WORDS = {1: N_("Very bad"), 2: N_("Bad"), 3: N_("Okay"), 4: N_("Good"), 5: N_("Very good")}


def mood_picture(
    tr: Translator, today: date, moods: Mapping[date, int], checkin_days: Iterable[date]
) -> Picture | None:
    """The picture, or None when the four weeks hold nothing to show."""
    first = today - timedelta(days=DAYS - 1)
    marks: dict[date, Cell] = {day: Cell("", Mark.CHECKIN) for day in checkin_days if first <= day <= today}
    for day, level in moods.items():
        if first <= day <= today and level in MOOD_WORDS:
            marks[day] = Cell("", Mark.MOOD, level)  # the mood says more than the tick
    if not marks:
        return None
    legend: list[tuple[Mark, int | None, str]] = [
        (Mark.MOOD, level, tr(MOOD_WORDS[level])) for level in sorted(MOOD_WORDS, reverse=True)
    ]
    legend.append((Mark.CHECKIN, None, tr("Check-in answered")))
    legend.append((Mark.TODAY, None, tr("Today")))
    return Picture(
        kind="myweek",
        locale=tr.locale,
        rtl=tr.rtl,
        title=tr("How you have been in the last four weeks"),
        weekdays=weekday_names(tr),
        rows=weeks(tr, first, today, today, marks),
        legend=tuple(legend),
    )


def caption(tr: Translator) -> str:
    return tr("📈 Your last weeks as a picture. The same in words follows.")
