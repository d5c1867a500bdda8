"""Calendar files (RFC 5545) for appointments, built with the `icalendar` library.

One VEVENT per file, its start given in the participant's zone with a VTIMEZONE the library derives from
the tz database, a SUMMARY in the participant's language and one VALARM per chosen reminder. The UID stays
the same when the appointment changes and SEQUENCE grows, so importing the newer file updates the entry.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from dialogs.appointments.wording import PrivateText, kind_label
from dialogs.core.i18n import Translator
from storage.appointments import Appointment
from storage.outbox import Attachment

PRODID = "-//companion//appointment reminders//EN"
DURATION = timedelta(hours=1)  # the real length is not asked; calendars need one to draw the entry
DEFAULT_ALARM = timedelta(hours=2)


def calendar_file(
    tr: Translator, appointment: Appointment, alarms: list[timedelta], now: datetime, text: PrivateText
) -> Attachment:
    """The appointment as an .ics attachment; `alarms` are offsets before the start (2 hours when empty).

    `text` is the place and note, opened: the file goes to the participant's own chat only."""
    summary = tr("Appointment: {kind}", kind=kind_label(tr, appointment.kind))
    event = CalendarEvent()
    event.add("uid", appointment.uid)
    event.add("dtstamp", now)
    event.add("sequence", appointment.sequence)
    event.add("dtstart", appointment.starts_at.astimezone(tr.timezone))
    event.add("duration", DURATION)
    event.add("summary", summary)
    if text.place:
        event.add("location", text.place)
    if text.note:
        event.add("description", text.note)
    for offset in alarms or [DEFAULT_ALARM]:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -offset)
        event.add_component(alarm)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    local_day = appointment.starts_at.astimezone(tr.timezone).date()
    return Attachment(f"appointment-{local_day.isoformat()}.ics", calendar.to_ical())
