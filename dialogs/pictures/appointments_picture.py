"""/appointments as a picture: the next two weeks, a calendar sheet and the first time on each day with an
appointment (two sheets when there are more that day, a question mark on it when the coach proposed one that
waits for the person's answer). The list in words stays the answer to /appointments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from itertools import groupby

from dialogs.core.i18n import Translator
from dialogs.pictures.calendar import plain, weekday_names, weeks
from dialogs.pictures.spec import Cell, Mark, Picture
from storage.appointments import Appointment

DAYS = 14


def window(tr: Translator, now: datetime) -> tuple[date, date]:
    """Today and the last day shown, in the participant's time zone."""
    today = now.astimezone(tr.timezone).date()
    return today, today + timedelta(days=DAYS - 1)


def appointments_picture(tr: Translator, now: datetime, coming: Sequence[Appointment]) -> Picture | None:
    """The picture of the appointments in `coming` that fall in the next two weeks; None without any."""
    today, last = window(tr, now)

    def local_day(appointment: Appointment) -> date:
        return appointment.starts_at.astimezone(tr.timezone).date()

    shown = sorted((a for a in coming if today <= local_day(a) <= last), key=lambda a: a.starts_at)
    if not shown:
        return None
    marks: dict[date, Cell] = {}
    for day, same_day in groupby(shown, key=local_day):
        on_day = list(same_day)
        waiting = any(not appointment.confirmed for appointment in on_day)
        mark = Mark.PROPOSAL if waiting else Mark.APPOINTMENT
        marks[day] = Cell("", mark, len(on_day), plain(tr.time(on_day[0].starts_at)))
    legend: list[tuple[Mark, int | None, str]] = [
        (Mark.APPOINTMENT, None, tr("Appointment, with its time")),
        (Mark.APPOINTMENT, 2, tr("More than one appointment that day")),
    ]
    if any(cell.mark is Mark.PROPOSAL for cell in marks.values()):
        legend.append((Mark.PROPOSAL, None, tr("Waiting for your answer")))
    legend.append((Mark.TODAY, None, tr("Today")))
    return Picture(
        kind="appointments",
        locale=tr.locale,
        rtl=tr.rtl,
        title=tr("Your appointments in the next two weeks"),
        weekdays=weekday_names(tr),
        rows=weeks(tr, today, last, today, marks),
        legend=tuple(legend),
    )


def caption(tr: Translator) -> str:
    return tr("📅 Your next two weeks as a picture. The list above has them in words.")
