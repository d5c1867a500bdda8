"""The calendar file, read back by a real calendar library (icalendar)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from storage import participants
from tests.dialogs.appointment_helpers import add, enrol, participant
from tests.harness import Shown, World


def parse(shown: Shown) -> Calendar:
    assert shown.attachment_name is not None and shown.attachment_name.endswith(".ics")
    assert shown.attachment is not None
    raw = shown.attachment
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded as RFC 5545 asks
    return Calendar.from_ical(raw)


def calendar_files(shown: list[Shown]) -> list[Shown]:
    return [s for s in shown if (s.attachment_name or "").endswith(".ics")]


@pytest.mark.usefixtures("keyed")
async def test_the_calendar_file_has_the_right_start_in_utc_and_alarms(w: World) -> None:
    w.clock.set(datetime(2026, 10, 23, 10, 0, tzinfo=UTC))  # Friday, summer time
    chat = await enrol(w, language="Deutsch")
    await add(
        chat,
        "27.10.",
        "10:00",
        kind="Arztpraxis",
        place="Praxis Dr. Weiß; Eingang B, 2. Stock",
        note="Versichertenkarte mitbringen",
        skip="Überspringen",
    )
    (file,) = calendar_files(chat.seen)
    assert file.attachment_name == "appointment-2026-10-27.ics"
    calendar = parse(file)
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start.astimezone(UTC) == datetime(2026, 10, 27, 9, 0, tzinfo=UTC)  # 10:00 CET, winter time
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert event.decoded("DTSTAMP") == datetime(2026, 10, 23, 10, 0, tzinfo=UTC)
    assert str(event["UID"]).endswith("@companion.invalid")
    assert str(event["SUMMARY"]) == "Termin: Arztpraxis"
    assert str(event["LOCATION"]) == "Praxis Dr. Weiß; Eingang B, 2. Stock"  # opened for the file
    assert str(event["DESCRIPTION"]) == "Versichertenkarte mitbringen"
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    assert triggers == [-timedelta(hours=16), -timedelta(hours=2)]  # Monday 18:00 and 2 hours before
    assert {str(alarm["ACTION"]) for alarm in event.walk("VALARM")} == {"DISPLAY"}


async def test_a_changed_appointment_keeps_its_uid_with_a_higher_sequence(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00")
    await chat.tap("🕒 Change the day or time")
    await chat.send("3.12.")
    await chat.send("11:15")
    await chat.tap("📅 Calendar file")
    first, changed, again = (parse(s).walk("VEVENT")[0] for s in calendar_files(chat.seen))
    assert first["UID"] == changed["UID"] == again["UID"]
    assert first.decoded("SEQUENCE") < changed.decoded("SEQUENCE") <= again.decoded("SEQUENCE")
    assert changed.decoded("DTSTART").astimezone(UTC) == datetime(2026, 12, 3, 10, 15, tzinfo=UTC)


async def test_the_calendar_file_uses_the_participants_time_zone(w: World) -> None:
    chat = await enrol(w)
    who = await participant(w, chat)
    async with w.db.transaction() as tx:
        await participants.set_timezone(tx, who.id, "America/New_York")
    await chat.send("/appointments")
    await chat.tap("🔔 My usual reminders")
    await chat.tap("The evening before")
    await chat.tap("2 hours before")
    await chat.tap("✔️ Done")
    await add(chat, "2026-12-03", "9:00")
    event = parse(calendar_files(chat.seen)[-1]).walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    assert event.decoded("DTSTART").astimezone(ZoneInfo("America/New_York")).hour == 9
    # No reminders chosen: the calendar still gets one alarm, so the file is useful on its own.
    assert [alarm.decoded("TRIGGER") for alarm in event.walk("VALARM")] == [-timedelta(hours=2)]
