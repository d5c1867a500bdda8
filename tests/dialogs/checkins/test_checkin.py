"""Morning and evening check-ins: prompts, answers, later, skip today, the one nudge, expiry."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.scheduler import Scheduler
from dialogs.core.i18n import Translator
from tests.dialogs.schedule_world import at_berlin, join, pending_keys, sweep, when
from tests.harness import Chat, World

MORNING_OPTIONS = [
    "📅 Appointment",
    "🛠 Work or programme",
    "🧺 Household",
    "🚶 Going outside",
    "👥 Meeting someone",
    "🛋 Rest",
    "✏️ Something else",
]


async def answers(w: object, slot: str) -> list[dict[str, object]]:
    async with w.db.read() as tx:  # type: ignore[attr-defined]
        rows = await tx.all("SELECT answers FROM checkins WHERE slot = ? AND status = 'answered'", (slot,))
    return [json.loads(row[0]) for row in rows]


async def test_morning_prompt_multi_select_and_thanks(w: World, chat: Chat) -> None:
    assert await when(w, chat, "2026-11-24 07:59") == []
    shown = await when(w, chat, "2026-11-24 08:00")
    assert len(shown) == 1
    prompt = shown[0]
    assert prompt.text.startswith("Good morning!\nWhat is on today?")
    assert prompt.labels[:7] == MORNING_OPTIONS
    assert prompt.labels[7:] == ["⏰ In 30 minutes", "⏰ In 1 hour", "Skip today"]
    await chat.tap("🚶 Going outside")
    assert "✓ 🚶 Going outside" in chat.last.labels and "✅ Done" in chat.last.labels
    assert "Skip this question" in chat.last.labels
    await chat.tap("🛋 Rest")
    await chat.tap("✓ 🛋 Rest")  # tapped again: chosen no more
    await chat.tap("📅 Appointment")
    await chat.tap("✅ Done")
    assert chat.last.text == "Thank you! I wish you a good day."
    assert await answers(w, "morning") == [{"plans": ["appointment", "outside"]}]
    # Answered: no nudge comes, and the prompt's buttons are closed.
    assert await when(w, chat, "2026-11-24 09:05") == []
    await chat.press(prompt.buttons[0][0][1])
    assert chat.seen[-2].text == "This question is closed."


async def test_prompt_buttons_work_while_somewhere_else_in_the_chat(w: World, chat: Chat) -> None:
    prompt = (await when(w, chat, "2026-11-24 08:00"))[0]
    await chat.send("/privacy")
    assert chat.last.text.startswith("Your choices:")
    await chat.press(prompt.buttons[0][1][1])  # "🛠 Work or programme" on the earlier prompt
    assert chat.last.text.startswith("What is on today?")
    assert "✓ 🛠 Work or programme" in chat.last.labels
    await chat.tap("✅ Done")
    assert await answers(w, "morning") == [{"plans": ["work"]}]


async def test_evening_asks_mood_as_faces_and_each_morning_plan(w: World, chat: Chat) -> None:
    await when(w, chat, "2026-11-24 08:00")
    await chat.tap("📅 Appointment")
    await chat.tap("🧺 Household")
    await chat.tap("✅ Done")
    shown = await when(w, chat, "2026-11-24 20:00")
    assert shown[0].text == "Good evening!\nHow did your day go?"
    assert shown[0].labels[:5] == ["😞 Very bad", "🙁 Bad", "😐 Okay", "🙂 Good", "😀 Very good"]
    await chat.tap("🙂 Good")
    assert chat.last.text == "This morning you planned: 📅 Appointment. Did it happen?"
    assert chat.last.labels == ["Yes", "Partly", "No", "Skip this question"]
    # Stored as soon as given, before the check-in is complete.
    assert await answers(w, "evening") == [{"mood": 4}]
    await chat.tap("Partly")
    assert chat.last.text == "This morning you planned: 🧺 Household. Did it happen?"
    await chat.tap("Yes")
    assert chat.seen[-2].text == "Thank you! Rest well tonight."
    assert chat.last.text.startswith("Would you like to tell me a little more about how you are?")
    assert await answers(w, "evening") == [{"mood": 4, "kept": {"appointment": "partly", "household": "yes"}}]


async def test_evening_without_a_morning_answer_asks_only_the_mood(w: World) -> None:
    chat = w.chat()
    await join(w, chat, morning=None)
    await when(w, chat, "2026-11-24 20:00")
    await chat.tap("😐 Okay")
    assert chat.seen[-2].text == "Thank you! Rest well tonight."
    assert chat.last.text.startswith("Would you like to tell me a little more about how you are?")


async def test_later_asks_again_after_the_chosen_time(w: World, chat: Chat) -> None:
    await when(w, chat, "2026-11-24 08:00")
    await chat.tap("⏰ In 30 minutes")
    assert chat.last.text == "Okay, I will ask you again at 8:30\u202fAM."
    assert await when(w, chat, "2026-11-24 08:29") == []
    again = await when(w, chat, "2026-11-24 08:30")
    assert again[0].text.startswith("Good morning!\nWhat is on today?")
    await chat.tap("⏰ In 1 hour")
    assert chat.last.text == "Okay, I will ask you again at 9:30\u202fAM."
    # The nudge of the first prompt was dropped; the re-asked prompt brings its own, once.
    shown = await when(w, chat, "2026-11-24 09:30")
    assert len(shown) == 1 and shown[0].text.startswith("Good morning!")
    nudge = await when(w, chat, "2026-11-24 10:30")
    assert nudge[0].text.startswith("A gentle reminder, only if you feel like it.")
    await chat.tap("🛋 Rest")
    await chat.tap("✅ Done")
    assert await answers(w, "morning") == [{"plans": ["rest"]}]


async def test_later_is_limited_and_never_lands_in_quiet_hours(w: World) -> None:
    chat = w.chat()
    await join(w, chat, morning=None, evening="21:45")
    await when(w, chat, "2026-11-24 21:45")
    await chat.tap("⏰ In 30 minutes")
    assert chat.last.text.startswith("That would be in your quiet hours, so I will not ask again today.")
    assert await pending_keys(w, "checkin:evening:2026-11-24:later") == []


async def test_later_three_times_then_only_the_buttons(w: World) -> None:
    chat = w.chat()
    await join(w, chat, morning="07:00", evening=None)
    await when(w, chat, "2026-11-24 07:00")
    for minute in ("07:30", "08:00", "08:30"):
        await chat.tap("⏰ In 30 minutes")
        await when(w, chat, f"2026-11-24 {minute}")
    await chat.tap("⏰ In 30 minutes")
    assert chat.last.text == "Okay. You can still answer with the buttons above for a while."


async def test_skip_today_leaves_nothing_and_cancels_the_evening(w: World, chat: Chat) -> None:
    await when(w, chat, "2026-11-24 08:00")
    await chat.tap("Skip today")
    assert chat.last.text == "Okay, no check-ins today. Take care!"
    assert await w.count("checkins") == 0
    assert await when(w, chat, "2026-11-24 09:00") == []  # no nudge
    assert await when(w, chat, "2026-11-24 20:00") == []  # no evening prompt
    tomorrow = await when(w, chat, "2026-11-25 08:00")
    assert tomorrow[0].text.startswith("Good morning!")


async def test_silence_gets_one_nudge_then_the_prompt_expires_without_a_trace(w: World) -> None:
    chat = w.chat()
    await join(w, chat, evening=None)
    prompt = (await when(w, chat, "2026-11-24 08:00"))[0]
    nudge = await when(w, chat, "2026-11-24 09:00")
    assert len(nudge) == 1
    assert nudge[0].text == (
        "A gentle reminder, only if you feel like it.\nWhat is on today?\n"
        "Tap everything that fits, then tap Done."
    )
    assert await when(w, chat, "2026-11-24 09:59") == []  # one nudge only
    w.clock.set(at_berlin("2026-11-24 10:01"))
    await chat.press(prompt.buttons[0][0][1])
    assert chat.seen[-2].text == "This question is closed."
    await Scheduler(w.db, w.engine, w.clock).maintain()
    assert await w.count("checkins") == 0  # silence leaves no trace
    async with w.db.read() as tx:
        statuses = {row[0] for row in await tx.all("SELECT DISTINCT status FROM checkins")}
    assert statuses == set()


async def test_a_prompt_later_than_its_grace_window_expires_instead(w: World, chat: Chat) -> None:
    # The service was down from 07:50 to 08:40: the 08:00 prompt is 40 minutes late.
    assert await when(w, chat, "2026-11-24 08:40") == []
    async with w.db.read() as tx:
        row = await tx.one("SELECT status FROM due WHERE key = 'checkin:morning:2026-11-24'")
    assert row is not None and row[0] == "expired"
    # Within the window it still comes: 20 minutes late.
    assert (await when(w, chat, "2026-11-24 20:20"))[0].text.startswith("Good evening!")


async def test_forged_or_foreign_checkin_buttons_are_closed(w: World) -> None:
    alice, bob = w.chat(1001), w.chat(1002)
    await join(w, alice)
    await join(w, bob)
    w.clock.set(at_berlin("2026-11-24 08:00"))
    await sweep(w)
    prompt = (await alice.receive())[0]
    await bob.receive()
    await bob.press(prompt.buttons[0][0][1])
    assert bob.seen[-2].text == "This question is closed." or bob.last.text == "This question is closed."
    assert await answers(w, "morning") == []


async def test_no_prompts_on_days_not_chosen(w: World, chat: Chat) -> None:
    await chat.send("/settings")
    await chat.tap("📆 Days")
    await chat.tap("Wednesday")
    await chat.tap("✅ Done")
    assert "Days: Mon, Tue, Thu, Fri, Sat, Sun" in chat.texts()
    assert await when(w, chat, "2026-11-25 08:00") == []
    assert (await when(w, chat, "2026-11-26 08:00"))[0].text.startswith("Good morning!")


async def test_no_message_during_quiet_hours_even_when_due(w: World) -> None:
    chat = w.chat()
    await join(w, chat, morning="07:30", evening=None)
    await chat.send("/settings")
    await chat.tap("🤫 Quiet hours")
    await chat.send("22:00")
    await chat.send("08:00")
    assert "Your morning check-in at 7:30\u202fAM is in your quiet hours now" in chat.texts()
    assert await pending_keys(w, "checkin:morning") == []
    assert await when(w, chat, "2026-11-24 07:30") == []


async def test_answers_are_in_mydata_and_gone_after_delete(w: World, chat: Chat) -> None:
    await when(w, chat, "2026-11-24 08:00")
    await chat.tap("🛋 Rest")
    await chat.tap("✅ Done")
    await chat.send("/mydata")
    document = next(s for s in chat.seen if s.attachment)
    assert document.attachment is not None
    tables = json.loads(document.attachment)["tables"]
    assert json.loads(tables["checkins"][0]["answers"]) == {"plans": ["rest"]}
    assert tables["schedules"][0]["morning"] == "08:00"
    await chat.send("/delete")
    await chat.tap("Yes, delete everything")
    for table in ("checkins", "schedules", "due"):
        assert await w.count(table) == 0


async def test_a_check_in_is_never_recorded_as_missed(w: World, chat: Chat) -> None:
    for day in range(24, 31):
        await when(w, chat, f"2026-11-{day} 08:00")
        await when(w, chat, f"2026-11-{day} 09:00")
        await when(w, chat, f"2026-11-{day} 20:00")
        await when(w, chat, f"2026-11-{day} 21:00")
    w.clock.advance(timedelta(days=1))
    await Scheduler(w.db, w.engine, w.clock).maintain()
    assert await w.count("checkins") == 0
    async with w.db.read() as tx:
        signals = await tx.scalar("SELECT COUNT(*) FROM signals")
    assert signals == 0


async def test_a_check_in_planned_before_language_uk_arrives_in_ukrainian(w: World, chat: Chat) -> None:
    """Scheduled messages are written when they fall due, so a change of language reaches them too."""
    assert await when(w, chat, "2026-11-24 07:00") == []
    assert "checkin:morning:2026-11-24" in await pending_keys(w)  # already planned, before the change
    await chat.send("/language uk")
    shown = await when(w, chat, "2026-11-24 08:00")
    ukrainian = Translator("uk")
    assert shown[0].text.startswith(ukrainian("Good morning!"))
    assert ukrainian("What is on today?") in shown[0].text
    assert ukrainian("Good morning!") != "Good morning!" and "🌐" not in shown[0].text
