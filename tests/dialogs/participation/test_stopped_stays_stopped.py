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
from tests.dialogs.schedule_world import pending_keys, when
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


async def test_a_block_after_stop_and_hi_a_week_later_leave_the_person_stopped(
    w: World, checking_in: Chat
) -> None:
    await stop_and_block(w, checking_in)
    assert await status(w, checking_in) == "stopped"
    w.clock.advance(timedelta(days=7))
    await checking_in.send("hi")
    assert await status(w, checking_in) == "stopped"
    assert STOPPED_NOTE in checking_in.last.text and "/start" in checking_in.last.text
    assert await pending_keys(w) == []
    assert await when(w, checking_in, "2026-12-01 08:00") == []  # no check-in the next morning
    assert await when(w, checking_in, "2026-12-01 20:00") == []


async def test_someone_who_stopped_is_told_kindly_and_shown_no_menu(w: World, enrolled: Chat) -> None:
    await enrolled.send("/stop")
    for said in ("hi", "08:00", "/settings", "/pause 3"):
        await enrolled.send(said)
        assert STOPPED_NOTE in enrolled.last.text and "/start" in enrolled.last.text, said
        assert "What would you like to do?" not in enrolled.texts().split("You have stopped.")[-1], said
    await enrolled.send("/help")
    assert "112" in enrolled.last.text or "112" in enrolled.seen[-2].text
    assert await status(w, enrolled) == "stopped"


async def test_stop_cancels_every_planned_row_and_start_plans_only_after_consent(
    w: World, checking_in: Chat
) -> None:
    assert await pending_keys(w, "checkin:")
    await checking_in.send("/stop")
    assert await pending_keys(w) == []
    await checking_in.send("/start")
    assert "Welcome back!" in checking_in.texts()
    assert await pending_keys(w) == []  # nothing before the consent is given again
    assert await when(w, checking_in, "2026-11-24 08:00") == []
    await checking_in.tap("Yes, I agree")
    await checking_in.tap("No")
    await checking_in.tap("No")
    await checking_in.tap("No")
    assert await status(w, checking_in) == "active"
    assert "checkin:evening:2026-11-24" in await pending_keys(w, "checkin:")


async def test_declining_again_after_start_plans_nothing(w: World, checking_in: Chat) -> None:
    await checking_in.send("/stop")
    await checking_in.send("/start")
    await checking_in.tap("No, thanks")
    assert await status(w, checking_in) == "stopped"
    assert await pending_keys(w) == []


async def test_crisis_help_reaches_someone_who_stopped(w: World, enrolled: Chat) -> None:
    await enrolled.send("/sos")
    card = enrolled.last
    contact = next(token for line in card.buttons for label, token in line if "contact me" in label)
    await enrolled.send("/stop")
    assert any("112" in shown.text for shown in await enrolled.send("/sos"))
    shown = await enrolled.press(contact)  # the old card's "please contact me"
    assert any("112" in s.text for s in shown)
    assert "This question is closed." not in [s.text for s in shown]
    assert any("112" in shown.text for shown in await enrolled.send("I want to die"))
    assert await status(w, enrolled) == "stopped"


async def test_old_checkin_buttons_are_closed_after_stop_and_store_nothing(
    w: World, checking_in: Chat
) -> None:
    prompt = (await when(w, checking_in, "2026-11-24 08:00"))[0]
    await checking_in.send("/stop")
    await checking_in.press(prompt.buttons[0][0][1])
    assert "This question is closed." in checking_in.texts().split("You have stopped.")[-1]
    await checking_in.press(prompt.buttons[-1][0][1])  # "Skip today"
    assert await w.count("checkins WHERE status = 'answered'") == 0
    assert await status(w, checking_in) == "stopped"


async def test_the_sweep_and_planning_check_the_consent_in_force(w: World, checking_in: Chat) -> None:
    """A participant shown as active whose check-in consent is withdrawn (as the old 403 path left people)
    gets no prompt, and nothing new is planned for them."""
    async with w.db.transaction() as tx:
        participant = await participants.by_chat(tx, checking_in.chat_id)
        assert participant is not None
        await record_consent(tx, participant.id, "checkins", w.clock.now(), granted=False)
    assert await when(w, checking_in, "2026-11-24 08:00") == []
    assert await when(w, checking_in, "2026-11-25 20:00") == []
    assert await pending_keys(w) == []  # the rows planned before were cancelled, none were added


async def test_withdrawing_a_scope_in_privacy_takes_back_what_is_queued_for_it(
    w: World, enrolled: Chat
) -> None:
    await enrolled.send("/privacy")
    async with w.db.transaction() as tx:
        participant = await participants.by_chat(tx, enrolled.chat_id)
        assert participant is not None
        for scope in ("selfreports", "checkins"):
            await outbox.enqueue(
                tx,
                chat_id=enrolled.chat_id,
                participant_id=participant.id,
                text=f"a planned message of {scope}",
                buttons=[],
                attachment=None,
                not_before=w.clock.now(),
                now=w.clock.now(),
                scope=scope,
            )
    await enrolled.tap("Turn off: Storing how you are")
    assert "a planned message of checkins" in enrolled.texts()
    assert "a planned message of selfreports" not in enrolled.texts()


async def test_someone_active_who_blocked_the_bot_and_writes_again_takes_part_again(
    w: World, checking_in: Chat
) -> None:
    await w.engine.handle(Event(checking_in.chat_id, EventKind.COMMAND, command="help", text=""))
    worker = OutboxWorker(w.db, Blocked(), w.clock, Limits(global_rate=1000, per_chat_interval=0))
    await worker.drain()
    assert await status(w, checking_in) == "unreachable"
    await checking_in.send("hi")
    assert await status(w, checking_in) == "active"
    assert STOPPED_NOTE not in checking_in.texts()
    assert len(await when(w, checking_in, "2026-11-24 08:00")) == 1  # check-ins go on as chosen
