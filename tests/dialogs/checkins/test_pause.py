"""/pause and /resume: no prompts during a pause, a message saying when it ends, automatic resumption."""

from __future__ import annotations

from tests.dialogs.schedule_world import join, pending_keys, when
from tests.harness import Chat, World


async def signals(w: World) -> list[tuple[str, str | None]]:
    async with w.db.read() as tx:
        return [(r[0], r[1]) for r in await tx.all("SELECT kind, category FROM signals ORDER BY id")]


async def test_pause_by_button_silences_and_ends_by_itself(w: World) -> None:
    chat = w.chat()
    await join(w, chat, sharing=True)
    await chat.send("/pause")
    assert chat.last.labels == ["1 day", "3 days", "7 days", "14 days", "30 days", "Cancel"]
    await chat.tap("3 days")
    assert chat.seen[-2].text == (
        "Okay, I am pausing your check-ins. I will write to you again on Thursday, November 26, 2026. "
        "To end the pause earlier, write /resume."
    )
    assert await signals(w) == [("paused", "2026-11-26")]
    assert await pending_keys(w, "checkin:") == []
    for moment in ("2026-11-23 20:00", "2026-11-24 08:00", "2026-11-25 20:00"):
        assert await when(w, chat, moment) == []
    welcome = await when(w, chat, "2026-11-26 07:00")
    assert [s.text for s in welcome] == ["Welcome back! The pause is over, and your check-ins start again."]
    assert (await when(w, chat, "2026-11-26 08:00"))[0].text.startswith("Good morning!")
    await chat.send("/pause")
    assert chat.last.text.startswith("For how many days")  # not paused any more


async def test_pause_ends_even_if_the_welcome_back_was_missed(w: World, chat: Chat) -> None:
    await chat.send("/pause 1")
    assert "again on Tuesday, November 24, 2026" in chat.seen[-2].text
    # Down all morning: the welcome back expires, but the pause is over regardless.
    assert await when(w, chat, "2026-11-24 19:59") == []
    assert (await when(w, chat, "2026-11-24 20:00"))[0].text.startswith("Good evening!")


async def test_typed_days_and_impossible_numbers(chat: Chat) -> None:
    await chat.send("/pause 0")
    assert chat.seen[-2].text == "Please choose a number of days from 1 to 60."
    for typed in ("61", "abc", "-3", "2.5"):
        await chat.send(typed)
        assert chat.seen[-2].text == "Please write a number of days from 1 to 60, or tap a button."
    await chat.send("60")
    assert "I will write to you again on Friday, January 22, 2027." in chat.seen[-2].text


async def test_no_signal_without_the_sharing_consent(w: World) -> None:
    chat = w.chat()
    await join(w, chat, sharing=False)
    await chat.send("/pause 7")
    assert await signals(w) == []


async def test_resume_early_and_resume_when_not_paused(w: World, chat: Chat) -> None:
    await chat.send("/resume")
    assert chat.seen[-2].text == "Your check-ins are not paused."
    await chat.send("/pause 14")
    await chat.send("/pause")
    assert (
        chat.last.text == "Your check-ins are paused. I will write to you again on Monday, December 7, 2026."
    )
    await chat.tap("▶️ Resume now")
    assert chat.seen[-2].text == "Welcome back! Your check-ins start again."
    assert await pending_keys(w, "resume:") == []
    assert (await when(w, chat, "2026-11-23 20:00"))[0].text.startswith("Good evening!")


async def test_change_a_pause_and_the_settings_show_it(w: World, chat: Chat) -> None:
    await chat.send("/pause 14")
    await chat.send("/pause")
    await chat.tap("Pause for a different time")
    await chat.tap("1 day")
    assert await pending_keys(w, "resume:") and len(await pending_keys(w, "resume:")) == 1
    await chat.send("/settings")
    assert "Paused until Tuesday, November 24, 2026." in chat.last.text
    assert "▶️ Resume now" in chat.last.labels


async def test_pause_while_a_prompt_is_open_stops_its_nudge(w: World, chat: Chat) -> None:
    await when(w, chat, "2026-11-24 08:00")
    await chat.send("/pause 2")
    assert await when(w, chat, "2026-11-24 09:00") == []
