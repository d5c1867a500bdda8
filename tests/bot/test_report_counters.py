"""What the programme report counts when it happens (`storage.report_counts`): reminders actually sent and
answered, not the ones planned (a reminder of an appointment removed before it was due is not counted), and
pauses begun, not only the pause under way at the month's end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.report.figures import build
from storage import report_counts
from tests.dialogs.appointment_helpers import add, enrol, run_until
from tests.harness import World

EVENING_BEFORE = datetime(2026, 12, 2, 17, 5, tzinfo=UTC)  # 18:05 in Berlin: the first reminder has come
AFTER = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # both reminders (the evening before, 2 hours before) sent


async def test_reminders_sent_and_answered_are_counted_as_they_happen(w: World) -> None:
    chats = [await enrol(w, 2001 + n) for n in range(7)]
    for chat in chats:
        await add(chat, "3.12.", "10:00")  # two reminders planned for each
    # One removes the appointment before any reminder: its two planned reminders are never sent.
    gone = chats.pop()
    await gone.send("/appointments")
    await gone.tap("Thu, Dec 3")
    await gone.tap("🗑 Remove this appointment")
    await gone.tap("Yes, remove it")
    await run_until(w, chats[0], EVENING_BEFORE)
    for chat in chats[:5]:
        await chat.receive()
        await chat.tap("✅ I'll be there")
    await chats[0].tap("🙁 I can't come")  # a second answer to the same reminder: one answered appointment
    await run_until(w, chats[0], AFTER)
    async with w.db.read() as tx:
        made = await build(tx, w.clock.now(), date(2026, 12, 1), date(2026, 12, 1))
        stored = await tx.all("SELECT * FROM report_counts")
    # 6 appointments kept x 2 reminders; the removed one's are not there (planned, never sent).
    assert made.line("reminded").months == ["12"]
    assert made.line("answered").months == ["5"]
    # Counters only: per organisation, month and kind, nobody named.
    assert set(stored[0].keys()) == {"organisation_id", "region", "month", "kind", "count"}
    assert sorted((row["month"], row["kind"], row["count"]) for row in stored) == [
        ("2026-12", report_counts.REMINDER_ANSWERED, 5),
        ("2026-12", report_counts.REMINDER_SENT, 12),
    ]


async def test_every_pause_begun_is_counted_and_a_changed_pause_is_not_a_new_one(w: World) -> None:
    chats = [await enrol(w, 3001 + n) for n in range(5)]
    w.clock.set(w.clock.now() + timedelta(hours=1))
    for chat in chats:
        await chat.send("/pause 3")
        await chat.send("/resume")
    await chats[0].send("/pause 14")
    await chats[0].send("/pause")
    await chats[0].tap("Pause for a different time")
    await chats[0].tap("1 day")  # the same pause, made shorter
    async with w.db.read() as tx:
        made = await build(tx, w.clock.now(), date(2026, 11, 1), date(2026, 11, 1))
    # Six pauses begun in November, although only one is under way at the month's end (hidden: 1).
    assert made.line("pauses_begun").months == ["6"]
    assert made.line("paused").months == ["x"]
