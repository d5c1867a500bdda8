"""Setting up check-ins after consent and changing them with /settings."""

from __future__ import annotations

from datetime import time

from storage import schedules
from tests.dialogs import appointment_helpers
from tests.dialogs.enrolment_helpers import enrol
from tests.dialogs.schedule_world import BERLIN, join, pending, pending_keys, when
from tests.harness import Chat, World


async def schedule_of(w: World) -> schedules.Schedule:
    async with w.db.read() as tx:
        pid = await tx.scalar("SELECT id FROM participants")
        return await schedules.get(tx, int(pid))


async def test_enrolment_leads_into_the_set_up_with_buttons_and_typed_times(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, set_up_later=False)
    question = chat.last
    assert question.text.startswith("Would you like a short check-in every morning?")
    assert question.labels == [
        "7:00\u202fAM",
        "8:00\u202fAM",
        "9:00\u202fAM",
        "10:00\u202fAM",
        "No morning check-in",
        "Set up later",
    ]
    await chat.tap("9:00")
    assert chat.last.text.startswith("And in the evening?")
    await chat.send("19:30")
    summary = chat.seen[-2].text
    assert summary.startswith("All set.\nMorning check-in: 9:00\u202fAM\nEvening check-in: 7:30\u202fPM")
    assert "Quiet hours are from 10:00\u202fPM to 7:00\u202fAM" in summary
    assert chat.last.text == "What would you like to do?"
    assert (await schedule_of(w)).morning == time(9) and (await schedule_of(w)).evening == time(19, 30)
    # Planned at once: this evening (it is 10:00 now), then the next two days.
    assert await pending_keys(w) == [
        "checkin:evening:2026-11-23",
        "checkin:morning:2026-11-24",
        "checkin:evening:2026-11-24",
        "checkin:morning:2026-11-25",
        "checkin:evening:2026-11-25",
    ]
    first = (await pending(w))[0]
    assert first.due_at.astimezone(BERLIN).time() == time(19, 30)


async def test_set_up_later_means_no_check_ins_until_chosen(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, set_up_later=False)
    await chat.tap("Set up later")
    assert chat.seen[-2].text == "Okay. You can set up check-ins at any time with /settings."
    assert await pending_keys(w) == []
    assert not (await schedule_of(w)).stored
    await chat.tap("☰ Menu")
    await chat.tap("⏰ Check-ins")  # from the menu
    assert "Morning check-in: off" in chat.last.text
    await chat.tap("🌅 Morning")
    await chat.tap("8:00")
    assert chat.seen[-2].text == "Saved."
    assert "Morning check-in: 8:00\u202fAM" in chat.last.text
    assert await pending_keys(w) == ["checkin:morning:2026-11-24", "checkin:morning:2026-11-25"]


async def test_no_check_ins_at_all_is_a_fine_answer(w: World) -> None:
    chat = w.chat()
    await join(w, chat, morning=None, evening=None)
    assert "Okay, no check-ins for now." in chat.texts()
    assert await pending_keys(w) == []


async def test_impossible_times_are_refused_kindly_and_asked_again(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, set_up_later=False)
    for typed in ("25:00", "7", "ab:cd"):
        shown = await chat.send(typed)
        assert shown[0].text == (
            f"I could not read “{typed}” as a time. Please write hours and minutes, like 08:30, "
            "or tap a button."
        )
        assert shown[1].text.startswith("Would you like a short check-in every morning?")
    await chat.send("06:30")
    assert chat.seen[-2].text.startswith(
        "6:30\u202fAM is in your quiet hours (10:00\u202fPM to 7:00\u202fAM)."
    )
    assert chat.last.text.startswith("Would you like a short check-in every morning?")
    await chat.send("7:15")
    assert chat.last.text.startswith("And in the evening?")


async def test_german_refusal_speaks_german(w: World) -> None:
    chat = w.chat(language_hint="de")
    await chat.send(f"/start {await w.invitation()}")
    await chat.tap("Deutsch")
    await chat.tap("Ja, einverstanden")
    await chat.tap("Nein")
    await chat.tap("Nein")
    await chat.tap("Nein")  # crisis alerts
    assert chat.last.labels[:4] == ["07:00", "08:00", "09:00", "10:00"]
    shown = await chat.send("25:00")
    assert shown[0].text.startswith("Ich konnte „25:00“ nicht als Uhrzeit lesen.")
    assert "🌐" not in chat.texts()


async def test_settings_change_replans_at_once(w: World, chat: Chat) -> None:
    await chat.send("/settings")
    await chat.tap("🌙 Evening")
    assert chat.last.text.startswith("When should I ask you in the evening?")
    await chat.send("21:15")
    evenings = await pending(w, "checkin:evening:")
    assert [e.due_at.astimezone(BERLIN).time() for e in evenings] == [time(21, 15)] * 3
    await chat.tap("🌙 Evening")
    await chat.tap("No evening check-in")
    assert "Evening check-in: off" in chat.last.text
    assert await pending(w, "checkin:evening:") == []


async def test_quiet_hours_two_steps_none_and_same_time(chat: Chat) -> None:
    await chat.send("/settings")
    await chat.tap("🤫 Quiet hours")
    await chat.tap("11:00\u202fPM")
    assert chat.last.text.startswith("And when should they end?")
    await chat.send("23:00")
    assert "cannot begin and end at the same time" in chat.seen[-2].text
    await chat.send("21:00")
    await chat.send("06:00")
    assert "Quiet hours: 9:00\u202fPM to 6:00\u202fAM" in chat.last.text
    await chat.tap("🤫 Quiet hours")
    await chat.tap("No quiet hours")
    assert "Quiet hours: none" in chat.last.text


async def test_time_zone_by_button_by_name_and_unknown(w: World, chat: Chat) -> None:
    await chat.send("/settings")
    await chat.tap("🌍 Time zone")
    assert "Istanbul · 12:00\u202fPM" in chat.last.labels  # the time there now helps to choose
    await chat.send("Mars/Olympus")
    assert chat.seen[-2].text.startswith("I do not know the time zone “Mars/Olympus”.")
    await chat.send("new york")
    assert chat.seen[-2].text == "Saved. It is 4:00\u202fAM in America/New_York now."
    mornings = await pending(w, "checkin:morning:")
    assert [m.due_at.hour for m in mornings] == [13, 13, 13]  # 08:00 in New York (04:00 now) is 13:00 UTC
    await chat.tap("🌍 Time zone")
    await chat.tap("Berlin")
    assert "Time zone: Europe/Berlin" in chat.last.text


async def test_days_need_at_least_one(chat: Chat) -> None:
    await chat.send("/settings")
    await chat.tap("📆 Days")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        await chat.tap(day)
    await chat.tap("✅ Done")
    assert chat.seen[-2].text.startswith("Please choose at least one day.")
    await chat.tap("Every day")
    assert "Days: every day" in chat.last.text


async def test_lookback_day_is_planned(w: World, chat: Chat) -> None:
    await chat.send("/settings")
    await chat.tap("🗓 Weekly look-back")
    await chat.tap("Wednesday")
    assert "Weekly look-back: Wednesday" in chat.last.text
    assert await pending_keys(w, "lookback:") == ["lookback:2026-11-25"]
    await chat.tap("🗓 Weekly look-back")
    await chat.tap("No look-back")
    assert await pending_keys(w, "lookback:") == []


async def test_text_where_a_button_is_expected_and_old_buttons(chat: Chat) -> None:
    await chat.send("/settings")
    overview = chat.last
    await chat.send("hello")
    assert chat.seen[-2].text == "Please tap one of the buttons below."
    await chat.tap("📆 Days")
    await chat.press(overview.buttons[1][0][1])  # the earlier overview's "Morning" (after Help now)
    assert chat.seen[-2].text == "This question is closed."
    await chat.send("x" * 5000)
    assert chat.seen[-2].text == "Your message is too long for me. Please write a shorter one."


async def test_settings_need_an_active_participant(w: World) -> None:
    chat = w.chat()
    await chat.send("/settings")
    assert "invitation link" in chat.last.text
    await join(w, chat)
    await chat.send("/stop")
    await chat.send("/settings")
    assert "You have stopped taking part" in chat.last.text
    assert await when(w, chat, "2026-11-24 08:00") == []


async def test_new_quiet_hours_and_time_zone_move_appointment_reminders(w: World) -> None:
    chat = await appointment_helpers.enrol(w)
    await appointment_helpers.add(chat, "3.12.", "09:00")
    before = [r.due_at for r in await appointment_helpers.pending(w, chat, "reminder")]
    assert before
    await chat.send("/settings")
    await chat.tap("🤫 Quiet hours")
    await chat.send("12:00")
    await chat.send("11:00")  # quiet almost all day: every reminder has to move
    moved = [r.due_at for r in await appointment_helpers.pending(w, chat, "reminder")]
    assert moved != before
    await chat.tap("🌍 Time zone")
    await chat.tap("London")
    again = [r.due_at for r in await appointment_helpers.pending(w, chat, "reminder")]
    assert again != moved
