"""The calendar every picture is drawn on: whole weeks from Monday, in the participant's language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from babel.dates import get_day_names

from dialogs.core.i18n import FSI, PDI, Translator
from dialogs.pictures.spec import Cell, Mark

WEEK = 7


def plain(text: str) -> str:
    """A value without the isolates `Translator` wraps around values in right-to-left sentences: a cell
    holds one value alone, and the renderer lays it out by itself."""
    return text.replace(FSI, "").replace(PDI, "")


def weekday_names(tr: Translator) -> tuple[str, ...]:
    """Short weekday names, Monday first (the weeks of /myweek are ISO weeks, Monday to Sunday)."""
    names = get_day_names("short", locale=tr.locale)
    return tuple(str(names[day]) for day in range(WEEK))


def weeks(
    tr: Translator, first: date, last: date, today: date, marks: Mapping[date, Cell]
) -> tuple[tuple[Cell, ...], ...]:
    """Rows of seven cells from the Monday on or before `first` to the Sunday on or after `last`. A day
    in `marks` shows that cell (its day label is filled in); other days in range are empty, and days
    outside the range are blank."""
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=WEEK - 1 - last.weekday())
    rows: list[tuple[Cell, ...]] = []
    day = start
    while day <= end:
        row = []
        for _ in range(WEEK):
            label = plain(tr.number(day.day))
            if not first <= day <= last:
                row.append(Cell(label, Mark.OUTSIDE))
            else:
                given = marks.get(day, Cell(label))
                row.append(Cell(label, given.mark, given.level, given.note, day == today))
            day += timedelta(days=1)
        rows.append(tuple(row))
    return tuple(rows)
