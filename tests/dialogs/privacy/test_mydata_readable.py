"""/mydata people can read: a short summary in their language, and the file in their time zone without the
service's bookkeeping."""

from __future__ import annotations

import json
from typing import Any

from tests.dialogs.appointment_helpers import add, enrol
from tests.harness import Chat, Shown, World

BOOKKEEPING = {"participant_id", "coach_id", "nonce", "token", "hash", "prev_hash", "uid", "sequence", "key"}


async def mydata(chat: Chat) -> tuple[Shown, dict[str, Any]]:
    await chat.send("/mydata")
    shown = next(s for s in reversed(chat.seen) if (s.attachment_name or "").startswith("mydata-"))
    document: dict[str, Any] = json.loads(shown.attachment or b"")
    return shown, document


async def test_the_summary_says_what_is_stored_per_kind_with_counts_and_local_dates(w: World) -> None:
    chat = await enrol(w)  # Monday 2026-11-23, 10:00 in Berlin
    await add(chat, "3.12.", "10:00", kind="🏢 Job centre")
    await add(chat, "4.12.", "0:30")  # 23:30 UTC on the 3rd: the day is the person's, the 4th
    shown, document = await mydata(chat)
    lines = shown.text.replace("\u202f", " ").splitlines()
    pseudonym = document["pseudonym"]
    assert lines[0] == f"You take part as {pseudonym} since Nov 23, 2026. What I have stored about you:"
    assert "• Appointments: 2 (Dec 3, 2026 – Dec 4, 2026)" in lines
    assert "• Your consent answers: 4 (Nov 23, 2026)" in lines
    assert any(line.startswith("• Planned reminders and check-ins: ") for line in lines)
    assert not any(line.startswith("• Check-in answers") for line in lines)  # nothing answered: no line
    assert lines[-1] == "The file below has every detail, with times in your time zone."
    assert len(shown.text) <= 600


async def test_the_file_has_local_times_and_no_bookkeeping(w: World) -> None:
    chat = await enrol(w, share=True)
    await add(chat, "3.12.", "10:00")
    _, document = await mydata(chat)
    assert document["time_zone"] == "Europe/Berlin"
    assert document["exported_at"].endswith("+01:00")
    tables = document["tables"]
    (person,) = tables["participants"]
    assert person["enrolled_at"] == "2026-11-23T10:00:00+01:00" and "id" not in person
    assert person["chat_id"] == chat.chat_id  # how Telegram knows the person: theirs to see
    assert document["appointments_readable"][0]["starts_at"] == "2026-12-03T10:00:00+01:00"
    (appointment,) = tables["appointments"]
    assert appointment["kind"] == "doctor" and appointment["status"] == "confirmed"
    assert "button_tokens" not in tables
    assert "selfreports_readable" in document
    for table, rows in tables.items():
        for row in rows:
            assert not BOOKKEEPING & set(row), table
            assert "id" not in row or table == "signals", table
            for value in row.values():
                assert not (isinstance(value, str) and value.endswith("+00:00")), (table, value)
    shared = [c for c in tables["consents"] if c["scope"] == "sharing"]
    assert shared and all(c["organisation"] for c in shared)  # named, not numbered
    (link,) = tables["coach_links"]
    assert link["coach"] and link["organisation"] == shared[0]["organisation"]
