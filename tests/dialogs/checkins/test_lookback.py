"""The weekly look-back: the participant's own week, in one message, only for them."""

from __future__ import annotations

from datetime import date

from dialogs.checkins.lookback import summarise
from storage.checkins import Checkin
from tests.dialogs.schedule_world import at_berlin, join, when
from tests.harness import Chat, World


async def test_the_week_in_one_message(w: World, chat: Chat) -> None:
    await chat.send("/settings")
    await chat.tap("🗓 Weekly look-back")
    await chat.tap("Monday")
    # Tuesday: plans and an evening; Wednesday: silence; Thursday: only the evening mood.
    await when(w, chat, "2026-11-24 08:00")
    await chat.tap("📅 Appointment")
    await chat.tap("🚶 Going outside")
    await chat.tap("✅ Done")
    await when(w, chat, "2026-11-24 20:00")
    await chat.tap("🙂 Good")
    await chat.tap("Yes")
    await chat.tap("Partly")
    await when(w, chat, "2026-11-26 20:00")
    await chat.tap("😞 Very bad")
    await when(w, chat, "2026-11-30 07:30")
    shown = await when(w, chat, "2026-11-30 10:00")
    assert [s.text for s in shown] == [
        "Your week from Nov 23, 2026 to Nov 29, 2026:\n"
        "You checked in on 2 days.\n"
        "How your days went: · 🙂 · 😞 · · ·\n"
        "Plans that happened: 1 of 2, partly: 1.\n"
        "Only you see this. I wish you a good week!"
    ]
    async with w.db.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM signals") == 0  # nothing for the coach


async def test_a_week_without_check_ins_sends_nothing(w: World) -> None:
    chat = w.chat()
    await join(w, chat, morning=None, evening=None)
    await chat.send("/settings")
    await chat.tap("🗓 Weekly look-back")
    await chat.tap("Wednesday")
    assert await when(w, chat, "2026-11-25 10:00") == []


def test_summary_counts_days_once_and_ignores_odd_values() -> None:
    def row(day: int, slot: str, answers: dict[str, object]) -> Checkin:
        return Checkin(
            1, 1, slot, date(2026, 11, day), "answered", at_berlin("2026-11-30 00:00"), answers, None
        )

    week = summarise(
        [
            row(23, "morning", {"plans": ["rest"]}),
            row(23, "evening", {"mood": 9, "kept": {"rest": "no"}}),
            row(25, "evening", {"mood": 5}),
        ],
        date(2026, 11, 23),
    )
    assert week.days_checked_in == 2
    assert week.moods == ["·", "·", "😀", "·", "·", "·", "·"]
    assert (week.plans, week.kept, week.partly) == (1, 0, 0)
