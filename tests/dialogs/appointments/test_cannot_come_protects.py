""" "I can't come" for a job-centre appointment: tell them before, a German message to copy, the coach only
with consent, and nothing anywhere that says anyone missed anything."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.dialogs.appointment_helpers import add, appointment_rows, enrol, plain, run_until, signal_rows
from tests.harness import World

BERLIN = ZoneInfo("Europe/Berlin")
JOB_CENTRE = "🏢 Job centre"
MISSED_WORDS = ("missed", "no_show", "no-show", "noshow", "absent", "versäum", "attended", "not_there")


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)


async def test_cant_come_to_the_job_centre_explains_and_offers_a_german_message(w: World) -> None:
    chat = await enrol(w, share=True)
    await add(chat, "3.12.", "10:00", kind=JOB_CENTRE)
    await run_until(w, chat, berlin(2026, 12, 2, 18, 0))
    shown = await chat.tap("🙁 I can't come")
    why, german, says = (plain(s.text) for s in shown)
    assert "tell the job centre before the appointment" in why
    assert "Arbeitsunfähigkeitsbescheinigung" in why and "important reason" in why
    assert len(why) <= 600 and len(says) <= 600
    assert "den Termin am Donnerstag, 3. Dezember 2026 um 10:00 Uhr leider nicht wahrnehmen." in german
    assert german.startswith("Sehr geehrte Damen und Herren,")
    assert "It says that you cannot come on Thu, Dec 3 at 10:00 AM" in says
    assert shown[-1].labels == [
        "📅 I need a new date",
        "📞 Please ask my coach to contact me",
        "🗑 Remove it from my list",
    ]
    assert await signal_rows(w) == []  # "I can't come" alone tells nobody, not even with consent
    await chat.tap("📞 Please ask my coach to contact me")
    assert chat.last.text == "Thank you. Your coach gets a short signal that you would like to be contacted."
    await chat.tap("📅 I need a new date")
    assert await signal_rows(w) == [("contact_requested", None), ("new_date_needed", None)]


async def test_without_consent_no_coach_button_and_nobody_is_told(w: World) -> None:
    chat = await enrol(w, share=False)
    await add(chat, "3.12.", "10:00", kind=JOB_CENTRE)
    await run_until(w, chat, berlin(2026, 12, 2, 18, 0))
    shown = await chat.tap("🙁 I can't come")
    assert "Sehr geehrte Damen und Herren," in shown[1].text
    assert shown[-1].labels == ["📅 I need a new date", "🗑 Remove it from my list"]
    await chat.tap("📅 I need a new date")
    assert "so nobody is told" in chat.last.text
    assert await w.count("signals") == 0


async def test_other_kinds_keep_the_short_answer_without_the_job_centre_message(w: World) -> None:
    chat = await enrol(w, share=True)
    await add(chat, "3.12.", "10:00")  # a doctor's appointment
    await run_until(w, chat, berlin(2026, 12, 2, 18, 0))
    (shown,) = await chat.tap("🙁 I can't come")
    assert shown.text.startswith("Thank you for telling me. That is okay.")
    assert "job centre" not in shown.text and "Sehr geehrte" not in shown.text


async def test_nothing_stored_anywhere_says_missed_and_the_answer_is_kept_as_before(w: World) -> None:
    chat = await enrol(w, share=True)
    await add(chat, "3.12.", "10:00", kind=JOB_CENTRE)
    await run_until(w, chat, berlin(2026, 12, 2, 18, 0))
    await chat.tap("🙁 I can't come")
    await chat.tap("📞 Please ask my coach to contact me")
    await run_until(w, chat, berlin(2026, 12, 5, 12, 0))  # the appointment and its follow-up pass unanswered
    (row,) = await appointment_rows(w)
    assert row["answer"] == "cannot" and row["outcome"] is None  # as for every kind, only for the person
    async with w.db.read() as tx:
        tables = [r["name"] for r in await tx.all("SELECT name FROM sqlite_master WHERE type = 'table'")]
        stored = []
        for table in tables:
            for found in await tx.all(f"SELECT * FROM {table}"):
                stored += [str(key).lower() for key in found.keys()]  # noqa: SIM118
                stored += [str(value).lower() for value in found if not isinstance(value, bytes)]
    assert [text for text in stored if any(word in text for word in MISSED_WORDS)] == []


async def test_the_german_message_names_the_time_where_the_person_lives(w: World) -> None:
    chat = await enrol(w, share=False)
    async with w.db.transaction() as tx:
        await tx.execute("UPDATE participants SET timezone = 'Europe/Istanbul'")  # two hours ahead of Berlin
    await add(chat, "3.12.", "10:00", kind=JOB_CENTRE)  # typed in their own zone
    await run_until(w, chat, datetime(2026, 12, 3, 8, 0, tzinfo=ZoneInfo("Europe/Istanbul")))
    shown = await chat.tap("🙁 I can't come")
    assert "am Donnerstag, 3. Dezember 2026 um 10:00 Uhr" in shown[1].text
