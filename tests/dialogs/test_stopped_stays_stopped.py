"""Voluntary means the person decides, every time: stopped stays stopped, and every message checks again.

After /stop nothing is planned, queued or sent until the person comes back with /start and consents again,
whatever happens in between (the bot blocked, a week of silence, "hi", an old button). Crisis help never
turns anyone away.
"""

from __future__ import annotations

from datetime import timedelta

from bot.delivery import Limits, OutboxWorker, Result, SendResult
from dialogs.core.events import Event, EventKind
from storage import outbox, participants
from storage.outbox import OutboxMessage
from tests.dialogs.schedule_world import join, pending_keys, when
from tests.dialogs.test_enrolment import enrol
from tests.harness import Chat, World, record_consent

STOPPED_NOTE = "You have stopped taking part"


class Blocked:
    """Telegram answers 403: the person blocked the bot."""

    async def send(self, message: OutboxMessage) -> SendResult:
        return SendResult(Result.BLOCKED, error="403")


async def status(w: World, chat: Chat) -> str:
    async with w.db.read() as tx:
        participant = await participants.by_chat(tx, chat.chat_id)
    assert participant is not None
    return participant.status.value


async def stop_and_block(w: World, chat: Chat) -> None:
    """/stop, and the goodbye meets a 403: the person blocked the bot right after."""
    await w.engine.handle(Event(chat.chat_id, EventKind.COMMAND, command="stop", text=""))
    worker = OutboxWorker(w.db, Blocked(), w.clock, Limits(global_rate=1000, per_chat_interval=0))
    await worker.drain()


async def test_a_block_after_stop_and_hi_a_week_later_leave_the_person_stopped(w: World) -> None:
    chat = w.chat()
    await join(w, chat)
    await stop_and_block(w, chat)
    assert await status(w, chat) == "stopped"
    w.clock.advance(timedelta(days=7))
    await chat.send("hi")
    assert await status(w, chat) == "stopped"
    assert STOPPED_NOTE in chat.last.text and "/start" in chat.last.text
    assert await pending_keys(w) == []
    assert await when(w, chat, "2026-12-01 08:00") == []  # no check-in the next morning
    assert await when(w, chat, "2026-12-01 20:00") == []


async def test_someone_who_stopped_is_told_kindly_and_shown_no_menu(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    await chat.send("/stop")
    for said in ("hi", "08:00", "/settings", "/pause 3"):
        await chat.send(said)
        assert STOPPED_NOTE in chat.last.text and "/start" in chat.last.text, said
        assert "What would you like to do?" not in chat.texts().split("You have stopped.")[-1], said
    await chat.send("/help")
    assert "112" in chat.last.text or "112" in chat.seen[-2].text
    assert await status(w, chat) == "stopped"


async def test_stop_cancels_every_planned_row_and_start_plans_only_after_consent(w: World) -> None:
    chat = w.chat()
    await join(w, chat)
    assert await pending_keys(w, "checkin:")
    await chat.send("/stop")
    assert await pending_keys(w) == []
    await chat.send("/start")
    assert "Welcome back!" in chat.texts()
    assert await pending_keys(w) == []  # nothing before the consent is given again
    assert await when(w, chat, "2026-11-24 08:00") == []
    await chat.tap("Yes, I agree")
    await chat.tap("No")
    await chat.tap("No")
    await chat.tap("No")
    assert await status(w, chat) == "active"
    assert "checkin:evening:2026-11-24" in await pending_keys(w, "checkin:")


async def test_declining_again_after_start_plans_nothing(w: World) -> None:
    chat = w.chat()
    await join(w, chat)
    await chat.send("/stop")
    await chat.send("/start")
    await chat.tap("No, thanks")
    assert await status(w, chat) == "stopped"
    assert await pending_keys(w) == []


async def test_crisis_help_reaches_someone_who_stopped(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    await chat.send("/sos")
    card = chat.last
    contact = next(token for line in card.buttons for label, token in line if "contact me" in label)
    await chat.send("/stop")
    assert any("112" in shown.text for shown in await chat.send("/sos"))
    shown = await chat.press(contact)  # the old card's "please contact me"
    assert any("112" in s.text for s in shown)
    assert "This question is closed." not in [s.text for s in shown]
    assert any("112" in shown.text for shown in await chat.send("I want to die"))
    assert await status(w, chat) == "stopped"


async def test_old_checkin_buttons_are_closed_after_stop_and_store_nothing(w: World) -> None:
    chat = w.chat()
    await join(w, chat)
    prompt = (await when(w, chat, "2026-11-24 08:00"))[0]
    await chat.send("/stop")
    await chat.press(prompt.buttons[0][0][1])
    assert "This question is closed." in chat.texts().split("You have stopped.")[-1]
    await chat.press(prompt.buttons[-1][0][1])  # "Skip today"
    assert await w.count("checkins WHERE status = 'answered'") == 0
    assert await status(w, chat) == "stopped"


async def test_the_sweep_and_planning_check_the_consent_in_force(w: World) -> None:
    """A participant shown as active whose check-in consent is withdrawn (as the old 403 path left people)
    gets no prompt, and nothing new is planned for them."""
    chat = w.chat()
    await join(w, chat)
    async with w.db.transaction() as tx:
        participant = await participants.by_chat(tx, chat.chat_id)
        assert participant is not None
        await record_consent(tx, participant.id, "checkins", w.clock.now(), granted=False)
    assert await when(w, chat, "2026-11-24 08:00") == []
    assert await when(w, chat, "2026-11-25 20:00") == []
    assert await pending_keys(w) == []  # the rows planned before were cancelled, none were added


async def test_withdrawing_a_scope_in_privacy_takes_back_what_is_queued_for_it(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, selfreports=True)
    await chat.send("/privacy")
    async with w.db.transaction() as tx:
        participant = await participants.by_chat(tx, chat.chat_id)
        assert participant is not None
        for scope in ("selfreports", "checkins"):
            await outbox.enqueue(
                tx,
                chat_id=chat.chat_id,
                participant_id=participant.id,
                text=f"a planned message of {scope}",
                buttons=[],
                attachment=None,
                not_before=w.clock.now(),
                now=w.clock.now(),
                scope=scope,
            )
    await chat.tap("Turn off: Storing how you are")
    assert "a planned message of checkins" in chat.texts()
    assert "a planned message of selfreports" not in chat.texts()


async def test_someone_active_who_blocked_the_bot_and_writes_again_takes_part_again(w: World) -> None:
    chat = w.chat()
    await join(w, chat)
    await w.engine.handle(Event(chat.chat_id, EventKind.COMMAND, command="help", text=""))
    worker = OutboxWorker(w.db, Blocked(), w.clock, Limits(global_rate=1000, per_chat_interval=0))
    await worker.drain()
    assert await status(w, chat) == "unreachable"
    await chat.send("hi")
    assert await status(w, chat) == "active"
    assert STOPPED_NOTE not in chat.texts()
    assert len(await when(w, chat, "2026-11-24 08:00")) == 1  # check-ins go on as chosen
