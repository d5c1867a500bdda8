"""/appointments as a participant uses it: list, add, bad input, change, remove, choose reminders."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from dialogs.appointments.reminder_plan import plan_upcoming_reminders
from dialogs.core.i18n import Translator, native_name
from storage import participants
from storage.times import to_db
from tests.dialogs.appointment_helpers import (
    add,
    appointment_rows,
    begin_adding,
    enrol,
    participant,
    pending,
    plain,
    run_until,
)
from tests.harness import World


@pytest.mark.usefixtures("keyed")
async def test_adding_with_buttons_and_seeing_it_in_the_list(w: World) -> None:
    chat = await enrol(w)  # Monday 2026-11-23, 10:00 in Berlin
    await chat.tap("☰ Menu")
    await chat.tap("📅 Appointments")
    assert "You have no upcoming appointments." in plain(chat.last.text)
    await chat.tap("➕ Add an appointment")
    assert chat.last.labels[:3] == ["Today, Mon, Nov 23", "Tomorrow, Tue, Nov 24", "Wed, Nov 25"]
    assert len([label for label in chat.last.labels if label != "⬅️ Back"]) == 14
    await chat.tap("Today, Mon, Nov 23")
    assert "8:00 AM" not in plain(chat.last.labels)  # already past today
    assert plain(chat.last.labels[0]) == "10:30 AM"
    await chat.tap("Back")
    await chat.tap("Tomorrow")
    assert plain(chat.last.labels[0]) == "8:00 AM"
    await chat.tap("3:00")
    await chat.tap("🏢 Job centre")
    await chat.send("Jobcenter Mitte, Raum 2.14")
    await chat.send("Bring the letter")
    saved, view = chat.seen[-2:]
    assert saved.text.startswith("Saved.")
    assert saved.attachment_name == "appointment-2026-11-24.ics"
    assert "Your appointment (Job centre) is tomorrow at 3:00 PM." in plain(view.text)
    assert "Place: Jobcenter Mitte, Raum 2.14" in plain(view.text)
    assert "Note: Bring the letter" in plain(view.text)
    assert "I will remind you: Mon, Nov 23, 6:00 PM; Tue, Nov 24, 1:00 PM" in plain(view.text)
    await chat.tap("⬅️ Back")
    assert plain(chat.last.text).splitlines() == [
        "Your next appointments:",
        "• Tue, Nov 24, 3:00 PM · 🏢 Job centre",
    ]
    rows = await appointment_rows(w)
    assert len(rows) == 1
    assert rows[0]["starts_at"] == to_db(datetime(2026, 11, 24, 14, 0, tzinfo=UTC))
    assert rows[0]["status"] == "confirmed" and rows[0]["kind"] == "jobcentre"


async def test_german_participant_types_the_date_and_reads_it_in_german(w: World) -> None:
    chat = await enrol(w, language="Deutsch")
    await add(chat, "3.12.", "10:00", kind="Arztpraxis", skip="Überspringen")
    assert "Ihr Termin (Arztpraxis) ist am Donnerstag, 3. Dezember 2026 um 10:00." in plain(chat.last.text)
    assert "Ich erinnere Sie: Mi., 2. Dez., 18:00; Do., 3. Dez., 08:00" in plain(chat.last.text)
    await chat.send("/appointments")
    assert "• Do., 3. Dez., 10:00 · 🩺 Arztpraxis" in plain(chat.last.text)


async def test_times_are_shown_in_the_participants_own_time_zone(w: World) -> None:
    chat = await enrol(w)
    who = await participant(w, chat)
    async with w.db.transaction() as tx:
        await participants.set_timezone(tx, who.id, "Europe/Istanbul")  # two hours ahead of Berlin
    await add(chat, "2026-12-03", "10:00")
    rows = await appointment_rows(w)
    assert rows[0]["starts_at"] == to_db(datetime(2026, 12, 3, 7, 0, tzinfo=UTC))
    assert "is on Thursday, December 3, 2026 at 10:00 AM." in plain(chat.last.text)
    reminders = await pending(w, chat, "reminder")
    assert [r.due_at for r in reminders] == [
        datetime(2026, 12, 2, 15, 0, tzinfo=UTC),  # 18:00 in Istanbul
        datetime(2026, 12, 3, 5, 0, tzinfo=UTC),
    ]


async def test_the_example_is_ahead_and_words_and_past_days_are_understood(w: World) -> None:
    chat = await enrol(w, language="Deutsch")  # Monday 2026-11-23, 10:00
    await chat.send("/appointments")
    await chat.tap("➕")
    assert "3.12., 3.12.2026" in plain(chat.last.text)  # ten days ahead, never a day already over
    await chat.send("übermorgen")
    assert "Mittwoch, 25. November 2026" in plain(chat.last.text)  # the time question names the day
    await chat.tap("Zurück")
    await chat.send("nächsten Montag")
    assert "Montag, 30. November 2026" in plain(chat.last.text)
    await chat.tap("Zurück")
    await chat.send("20.11.")  # three days ago: a slip, or next year?
    assert "Samstag, 20. November 2027" in plain(chat.last.text)
    assert len(chat.last.labels) == 2
    await chat.tap(chat.last.labels[0])  # yes, next year
    assert "Samstag, 20. November 2027" in plain(chat.last.text)
    assert any(label.startswith("8") for label in plain(chat.last.labels))  # the time buttons
    await chat.tap("Zurück")
    await chat.send("20.11.")
    await chat.tap(chat.last.labels[1])  # no: the day question again, with its buttons
    assert len(chat.last.labels) == 15


async def test_the_example_moves_with_the_calendar(w: World) -> None:
    chat = await enrol(w)
    w.clock.advance(timedelta(days=400))  # 28 December 2027
    await chat.send("/appointments")
    await chat.tap("➕")
    assert "for example 7/1, 7/1/2028" in plain(chat.last.text)


@pytest.mark.usefixtures("keyed")
async def test_impossible_and_past_input_gets_a_clear_answer_and_the_question_again(w: World) -> None:
    chat = await enrol(w)  # Monday 2026-11-23, 10:00
    await chat.send("/appointments")
    await chat.tap("➕")
    day_question = chat.last.text
    for typed, answer in [
        ("31.02.", "That date does not exist. Please check the day and the month."),
        ("20.11.2026", "That day is already over. Please choose a day from today on."),
        ("2025-12-03", "That day is already over."),
        ("someday", "I could not read that date."),
    ]:
        await chat.send(typed)
        assert chat.seen[-2].text.startswith(answer)
        assert chat.last.text == day_question
    await chat.send("23.11.")  # today is fine ...
    time_question = chat.last.text
    for typed, answer in [
        ("25:00", "That time does not exist. Please write a time between 00:00 and 23:59."),
        ("9:00", "That time has already passed. Please choose a later time."),  # ... but not 9:00 today
        ("half past", "I could not read that time."),
    ]:
        await chat.send(typed)
        assert chat.seen[-2].text.startswith(answer)
        assert chat.last.text == time_question
    await chat.send("16:00")
    await chat.tap("Counselling")
    place_question = chat.last.text
    await chat.send("x" * 5000)
    assert chat.seen[-2].text == "Your message is too long for me. Please write a shorter one."
    assert chat.last.text == place_question
    await chat.send("y" * 201)
    assert chat.seen[-2].text == "That is too long for a place. Please write at most 200 characters."
    assert chat.last.text == place_question
    assert await appointment_rows(w) == []  # nothing stored along the way
    await chat.send("Suchtberatung, Lindenstr. 5")
    await chat.send("z" * 301)
    assert chat.seen[-2].text == "That is too long for a note. Please write at most 300 characters."
    await chat.tap("Skip")
    (row,) = await appointment_rows(w)
    assert row["place_sealed"] is not None and row["note_sealed"] is None
    assert "Place: Suchtberatung, Lindenstr. 5" in plain(chat.last.text)
    assert row["starts_at"] == to_db(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))


async def test_a_time_the_clocks_skip_is_refused(w: World) -> None:
    w.clock.set(datetime(2026, 3, 23, 9, 0, tzinfo=UTC))
    chat = await enrol(w)
    await chat.send("/appointments")
    await chat.tap("➕")
    await chat.send("29.3.")
    await chat.send("2:30")
    assert plain(chat.seen[-2].text) == (
        "On this day the clocks change, so 2:30 AM does not exist. Please choose another time."
    )
    assert await appointment_rows(w) == []


@pytest.mark.usefixtures("keyed")
async def test_an_unfinished_appointment_whose_time_passed_is_not_stored(w: World) -> None:
    chat = await enrol(w)
    await begin_adding(chat, "24.11.", "9:00")
    await chat.tap("Skip")
    w.clock.advance(timedelta(days=2))  # they come back to the note question two days later
    await chat.tap("Skip")
    assert "That time has passed in the meantime. Please choose the day again." in plain(chat.texts())
    assert chat.last.text.startswith("Which day is the appointment?")
    assert await appointment_rows(w) == []


@pytest.mark.usefixtures("keyed")
async def test_changing_the_time_replans_the_reminders_at_once(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00", place="Praxis Dr. Weiß")
    old = await pending(w, chat, "reminder")
    assert [r.due_at for r in old] == [
        datetime(2026, 12, 2, 17, 0, tzinfo=UTC),
        datetime(2026, 12, 3, 7, 0, tzinfo=UTC),
    ]
    await chat.tap("🕒 Change the day or time")
    await chat.send("4.12.")
    await chat.send("15:30")
    assert chat.seen[-2].text.startswith("Done. The new time is saved.")
    assert chat.seen[-2].attachment_name == "appointment-2026-12-04.ics"
    assert "is on Friday, December 4, 2026 at 3:30 PM." in plain(chat.last.text)
    new = await pending(w, chat, "reminder")
    assert [r.due_at for r in new] == [
        datetime(2026, 12, 3, 17, 0, tzinfo=UTC),
        datetime(2026, 12, 4, 12, 30, tzinfo=UTC),
    ]
    async with w.db.read() as tx:
        statuses = {
            row["due_at"]: row["status"]
            for row in await tx.all("SELECT due_at, status FROM due WHERE kind = 'reminder'")
        }
    assert all(statuses[to_db(r.due_at)] == "cancelled" for r in old)
    await chat.tap("📍 Change the place")
    await chat.send("Praxis Dr. Weiß, 2. Stock")
    assert chat.seen[-2].text.startswith("Done. The place is changed.")
    arrived = await run_until(w, chat, datetime(2026, 12, 4, 13, 0, tzinfo=UTC))
    assert [(when, plain(shown.text).splitlines()[:2]) for when, shown in arrived] == [
        (
            datetime(2026, 12, 3, 17, 0, tzinfo=UTC),
            ["⏰ Your appointment (Doctor) is tomorrow at 3:30 PM.", "Place: Praxis Dr. Weiß, 2. Stock"],
        ),
        (
            datetime(2026, 12, 4, 12, 30, tzinfo=UTC),
            ["⏰ Your appointment (Doctor) is today at 3:30 PM.", "Place: Praxis Dr. Weiß, 2. Stock"],
        ),
    ]


async def test_removing_cancels_everything_planned_and_closes_old_buttons(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00")
    arrived = await run_until(w, chat, datetime(2026, 12, 2, 17, 5, tzinfo=UTC))
    assert len(arrived) == 1  # the evening before
    await chat.send("/appointments")
    await chat.tap("Thu, Dec 3")
    await chat.tap("🗑 Remove this appointment")
    await chat.tap("Yes, remove it")
    assert "Removed. If it is in your calendar app, please delete it there too." in plain(chat.texts())
    assert "You have no upcoming appointments." in plain(chat.last.text)
    assert await pending(w, chat) == []
    assert await appointment_rows(w) == []
    assert await run_until(w, chat, datetime(2026, 12, 5, tzinfo=UTC)) == []  # no reminder, no follow-up
    await chat.tap("✅ I'll be there")  # on the reminder that came before
    assert chat.seen[-2].text == "This question is closed."


async def test_choosing_reminders_for_one_appointment_and_as_defaults(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00")
    await add(chat, "5.12.", "11:00")
    await chat.send("/appointments")
    await chat.tap("Thu, Dec 3")
    await chat.tap("🔔 Reminders")
    assert chat.last.labels[:6] == [
        "✅ The evening before, at 18:00",
        "⬜ One day before",
        "⬜ 3 hours before",
        "✅ 2 hours before",
        "⬜ 1 hour before",
        "⬜ 30 minutes before",
    ]
    await chat.tap("The evening before")
    await chat.tap("30 minutes before")
    await chat.tap("✔️ Done")
    assert "I will remind you: Thu, Dec 3, 8:00 AM; Thu, Dec 3, 9:30 AM" in plain(chat.last.text)
    await chat.tap("⬅️ Back")
    await chat.tap("🔔 My usual reminders")
    await chat.tap("The evening before")
    await chat.tap("2 hours before")
    await chat.tap("1 hour before")
    await chat.tap("✔️ Done")
    assert "Done. Your usual reminders are saved" in plain(chat.seen[-2].text)
    times = [r.due_at for r in await pending(w, chat, "reminder")]
    assert times == [
        datetime(2026, 12, 3, 7, 0, tzinfo=UTC),  # the first keeps its own choice
        datetime(2026, 12, 3, 8, 30, tzinfo=UTC),
        datetime(2026, 12, 5, 9, 0, tzinfo=UTC),  # the second follows the new default: 1 hour before
    ]
    await add(chat, "7.12.", "12:00")  # new appointments follow it too
    assert "I will remind you: Mon, Dec 7, 11:00 AM" in plain(chat.last.text)
    await chat.send("/appointments")
    await chat.tap("Mon, Dec 7")
    await chat.tap("🔔 Reminders")
    await chat.tap("1 hour before")
    await chat.tap("✔️ Done")
    assert "No more reminders are planned for this appointment." in plain(chat.last.text)


@pytest.mark.usefixtures("keyed")
async def test_mydata_contains_appointments_and_delete_leaves_none(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00", place="Praxis Dr. Weiß")
    await chat.send("/appointments")
    await chat.tap("🔔 My usual reminders")
    await chat.tap("✔️ Done")
    await chat.send("/mydata")
    export = next(s for s in reversed(chat.seen) if (s.attachment_name or "").startswith("mydata-"))
    document = json.loads(export.attachment or b"")
    (stored,) = document["tables"]["appointments"]
    assert not {"place", "note", "place_sealed", "note_sealed"} & set(stored)  # sealed: shown opened below
    assert [(row["place"], row["note"]) for row in document["appointments_readable"]] == [
        ("Praxis Dr. Weiß", None)
    ]
    assert len(document["tables"]["reminder_defaults"]) == 1
    assert {row["kind"] for row in document["tables"]["due"]} >= {"reminder", "followup"}
    await chat.send("/delete")
    await chat.tap("Yes, delete everything")
    for table in ("appointments", "reminder_defaults", "due", "participants"):
        assert await w.count(table) == 0


async def test_a_new_time_zone_replans_the_reminders(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00")
    who = await participant(w, chat)
    async with w.db.transaction() as tx:
        await participants.set_timezone(tx, who.id, "Europe/Istanbul")
        moved = await plan_upcoming_reminders(tx, await participants.by_id(tx, who.id) or who, w.clock.now())
    assert moved == 1
    assert [r.due_at for r in await pending(w, chat, "reminder")] == [
        datetime(2026, 12, 2, 15, 0, tzinfo=UTC),  # 18:00 in Istanbul the evening before
        datetime(2026, 12, 3, 7, 0, tzinfo=UTC),  # the appointment itself stays at 09:00 UTC
    ]


async def test_farsi_with_persian_digits_typed_and_shown(w: World) -> None:
    tr = Translator("fa")
    chat = w.chat(language_hint="de")
    await chat.send(f"/start {await w.invitation()}")
    await chat.tap(native_name("fa"))
    await chat.tap(tr("Yes, I agree"))
    await chat.tap(tr("No"))
    await chat.tap(tr("No"))
    await chat.tap(tr("No"))
    await chat.tap(tr("Set up later"))
    await add(chat, "۳.۱۲.", "۱۰:۳۰", kind=tr("Doctor"), skip=tr("Skip"))
    (row,) = await appointment_rows(w)
    assert row["starts_at"] == to_db(datetime(2026, 12, 3, 9, 30, tzinfo=UTC))
    view = chat.last.text
    assert "\u2068۱۰:۳۰\u2069" in view  # the locale's digits, isolated in the right-to-left sentence
    assert "\u2068چهارشنبه ۲ دسامبر\u2069" in view  # the first reminder's day, Persian digits too
    assert not any(digit in view for digit in "0123456789")
