"""An appointment's place and note are free text: sealed at rest, opened only for the participant.

With a key they are asked, sealed in the turn they arrive (the unfinished draft too) and shown back in the
appointment, its reminders, its calendar file and /mydata. Without a key they are not asked at all. A text
whose key was removed reads as one neutral line; `rotate_text` re-seals and seals legacy plain rows.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from storage import appointments
from storage.sealing import Sealer, new_key
from tests.dialogs.appointment_helpers import (
    KEYED,
    add,
    appointment_rows,
    begin_adding,
    enrol,
    plain,
    run_until,
    use_keys,
)
from tests.harness import Chat, World

PLACE = "SENTINEL-PLACE-7f3a, Hauptstr. 1"
NOTE = "SENTINEL-NOTE-91c2 bring the letter"
UNREADABLE = "The place and note of this appointment cannot be shown anymore."


def file_bytes(w: World) -> bytes:
    wal = w.path.with_name(w.path.name + "-wal")
    return w.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def calendar_event(chat: Chat) -> Calendar:
    shown = next(s for s in reversed(chat.seen) if (s.attachment_name or "").endswith(".ics"))
    assert shown.attachment is not None
    (event,) = Calendar.from_ical(shown.attachment).walk("VEVENT")
    return event


async def export(chat: Chat) -> dict[str, object]:
    await chat.send("/mydata")
    shown = next(s for s in reversed(chat.seen) if (s.attachment_name or "").startswith("mydata-"))
    document: dict[str, object] = json.loads(shown.attachment or b"")
    return document


@pytest.mark.usefixtures("keyed")
async def test_with_a_key_place_and_note_are_sealed_on_disk_and_shown_back(w: World) -> None:
    chat = await enrol(w)  # Monday 2026-11-23, 10:00 in Berlin
    await begin_adding(chat, "3.12.", "10:00")
    await chat.send(PLACE)
    assert b"SENTINEL-PLACE" not in file_bytes(w)  # the unfinished draft holds it sealed too
    await chat.send(NOTE)
    assert chat.seen[-2].text.startswith("Saved.")
    view = plain(chat.last.text)
    assert f"Place: {PLACE}" in view and f"Note: {NOTE}" in view
    # The message showing them passed through the outbox, which keeps no text once it is sent; the
    # write-ahead log still has the old page until the checkpoint.
    await w.db.checkpoint()
    assert b"SENTINEL-" not in file_bytes(w)
    (row,) = await appointment_rows(w)
    assert row["place"] is None and row["note"] is None
    sealer = Sealer(KEYED.encryption_keys)
    assert sealer.open(bytes(row["place_sealed"])) == PLACE  # type: ignore[arg-type]
    assert sealer.open(bytes(row["note_sealed"])) == NOTE  # type: ignore[arg-type]

    event = calendar_event(chat)
    assert (str(event["LOCATION"]), str(event["DESCRIPTION"])) == (PLACE, NOTE)
    (reminder, *_) = await run_until(w, chat, datetime(2026, 12, 2, 17, 5, tzinfo=UTC))
    assert plain(reminder[1].text).splitlines()[1:3] == [f"Place: {PLACE}", f"Note: {NOTE}"]

    await chat.send("/appointments")
    await chat.tap("Thu, Dec 3")
    await chat.tap("📍 Change the place")
    await chat.send("SENTINEL-PLACE-2 Bahnhofstr. 9")
    assert chat.seen[-2].text.startswith("Done. The place is changed.")
    assert "Place: SENTINEL-PLACE-2 Bahnhofstr. 9" in plain(chat.last.text)
    await w.db.checkpoint()
    assert b"SENTINEL-" not in file_bytes(w)

    document = await export(chat)
    assert document["appointments_readable"] == [
        {
            "starts_at": "2026-12-03T10:00:00+01:00",  # in the person's time zone
            "kind": "doctor",
            "place": "SENTINEL-PLACE-2 Bahnhofstr. 9",
            "note": NOTE,
        }
    ]
    assert "SENTINEL-" not in json.dumps(document["tables"])  # the raw tables hold the sealed form


async def test_without_a_key_place_and_note_are_not_asked(w: World) -> None:
    chat = await enrol(w)
    await begin_adding(chat, "3.12.", "10:00")  # the kind is the last question
    assert chat.seen[-2].text.startswith("Saved.")
    assert "Where is it?" not in chat.texts() and "short note" not in chat.texts()
    assert "Change the place" not in " ".join(chat.last.labels)
    assert "🕒 Change the day or time" in chat.last.labels
    (row,) = await appointment_rows(w)
    assert (row["place"], row["note"], row["place_sealed"], row["note_sealed"]) == (None,) * 4
    await chat.tap("⬅️ Back")
    assert plain(chat.last.text).splitlines() == [
        "Your next appointments:",
        "• Thu, Dec 3, 10:00 AM · 🩺 Doctor",
    ]


@pytest.mark.usefixtures("keyed")
async def test_a_question_left_open_when_the_key_is_removed_is_not_asked_further(w: World) -> None:
    chat = await enrol(w)
    await begin_adding(chat, "3.12.", "10:00")
    assert "Where is it?" in chat.last.text
    use_keys(w)
    await chat.send("Praxis am Markt")
    assert chat.last.text == "What kind of appointment is it?"
    await chat.tap("Doctor")
    assert chat.seen[-2].text.startswith("Saved.")
    (row,) = await appointment_rows(w)
    assert row["place_sealed"] is None and row["place"] is None


@pytest.mark.usefixtures("keyed")
async def test_a_text_whose_key_was_removed_reads_as_one_neutral_line(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00", place=PLACE, note=NOTE)
    use_keys(w, new_key())  # the old key is gone without a rotation
    await chat.send("/appointments")
    await chat.tap("Thu, Dec 3")
    view = plain(chat.last.text)
    assert UNREADABLE in view and "SENTINEL" not in view and "Place:" not in view
    await chat.tap("📅 Calendar file")
    assert "LOCATION" not in calendar_event(chat) and "DESCRIPTION" not in calendar_event(chat)
    (reminder, *_) = await run_until(w, chat, datetime(2026, 12, 2, 17, 5, tzinfo=UTC))
    assert UNREADABLE in reminder[1].text
    document = await export(chat)
    readable = document["appointments_readable"]
    assert isinstance(readable, list) and (readable[0]["place"], readable[0]["note"]) == (None, None)
    use_keys(w)  # no key at all: the same neutral line, never an error
    await chat.send("/appointments")
    await chat.tap("Thu, Dec 3")
    assert UNREADABLE in chat.last.text and not chat.last_outcome.failed


@pytest.mark.usefixtures("keyed")
async def test_rotation_reseals_and_seals_legacy_plain_rows(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00", place=PLACE)
    await add(chat, "4.12.", "11:00")
    async with w.db.transaction() as tx:  # a row written before migration 0009, in the old columns
        await tx.execute(
            "UPDATE appointments SET place = 'LEGACY-PLACE', note = 'LEGACY-NOTE' WHERE starts_at LIKE"
            " '2026-12-04%'"
        )
    await chat.send("/appointments")
    await chat.tap("Fri, Dec 4")
    assert "Place: LEGACY-PLACE" in chat.last.text  # shown while it waits for the rotation

    newer = new_key()
    async with w.db.transaction() as tx:
        done = await appointments.rotate_text(tx, Sealer([newer, *KEYED.encryption_keys]))
    assert (done.rotated, done.sealed_legacy, done.unreadable) == (1, 2, 0)
    await w.db.checkpoint()
    assert b"LEGACY-" not in file_bytes(w) and b"SENTINEL-" not in file_bytes(w)
    rows = await appointment_rows(w)
    assert all(row["place"] is None and row["note"] is None for row in rows)

    use_keys(w, newer)  # the old key is no longer needed
    await chat.send("/appointments")
    await chat.tap("Thu, Dec 3")
    assert f"Place: {PLACE}" in plain(chat.last.text)
    await chat.send("/appointments")
    await chat.tap("Fri, Dec 4")
    assert "Place: LEGACY-PLACE" in chat.last.text and "Note: LEGACY-NOTE" in chat.last.text

    async with w.db.transaction() as tx:  # a key that opens nothing leaves every text as it is
        done = await appointments.rotate_text(tx, Sealer([new_key()]))
    assert (done.rotated, done.sealed_legacy, done.unreadable) == (0, 0, 3)
    assert await appointment_rows(w) == rows
