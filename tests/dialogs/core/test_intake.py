"""One chat cannot flood the bot: per-chat intake limits, and crisis input always answered, once at a time.

The outbox is not delivered in these tests unless a test says so (`chat.receive()`), so replies stay
queued the way they do while Telegram is slow or a chat floods the bot faster than it may be answered.
"""

from __future__ import annotations

from datetime import timedelta

from dialogs.core.events import SOS_TOKEN, Event, EventKind
from storage import outbox
from tests.dialogs.enrolment_helpers import enrol
from tests.harness import Chat, World

STRANGER = 5555


async def queued(w: World, chat_id: int) -> int:
    async with w.db.read() as tx:
        return int(
            await tx.scalar(
                "SELECT COUNT(*) FROM outbox WHERE chat_id = ? AND status IN ('pending', 'sending')",
                (chat_id,),
            )
        )


async def crisis_cards_queued(w: World, chat_id: int) -> int:
    async with w.db.read() as tx:
        return int(
            await tx.scalar(
                "SELECT COUNT(*) FROM outbox WHERE chat_id = ? AND status = 'pending'"
                " AND buttons LIKE '%contact me%'",
                (chat_id,),
            )
        )


async def send_unread(w: World, chat: Chat, text: str, update_id: int) -> None:
    """The person writes; nothing is delivered yet (Telegram is slow, or they write faster than that)."""
    name, _, args = text[1:].partition(" ")
    event = (
        Event(
            chat.chat_id, EventKind.COMMAND, text=args, command=name, update_id=update_id, language_hint="en"
        )
        if text.startswith("/")
        else Event(chat.chat_id, EventKind.TEXT, text=text, update_id=update_id, language_hint="en")
    )
    await w.engine.handle(event)


async def test_a_flooding_participant_gets_no_more_replies_until_the_queued_ones_are_sent(
    w: World,
) -> None:
    chat = w.chat()
    await enrol(w, chat)
    handled_before = await w.count("handled_updates")
    for n in range(200):
        await send_unread(w, chat, "/help", update_id=10_000 + n)
    limit = w.engine.config.max_queued_replies
    assert limit <= await queued(w, chat.chat_id) < limit + 5  # a few, not 200
    # Nothing of the flood is stored beyond the updates that were answered.
    assert await w.count("handled_updates") - handled_before < limit + 5
    shown = await chat.receive()
    assert len(shown) < limit + 5
    await send_unread(w, chat, "/help", update_id=19_999)  # once sent, the chat is answered again
    answer = await chat.receive()
    assert any("0800 111 0 111" in shown.text for shown in answer)  # the help numbers of /help


async def test_an_unknown_chat_gets_at_most_one_answer_a_minute_and_nothing_is_stored(w: World) -> None:
    stranger = w.chat(STRANGER)
    answered = 0
    for n in range(300):
        await send_unread(w, stranger, f"/start junk{n}", update_id=20_000 + n)
        answered += len(await stranger.receive())  # even when every answer is delivered at once
    assert 1 <= answered <= 3  # the first (or a typo and a retry), not 300
    assert await w.count("start_attempts") <= 3
    assert await w.count("handled_updates") <= 3
    w.clock.advance(timedelta(minutes=1, seconds=1))
    await send_unread(w, stranger, "/start junk", update_id=29_000)
    assert len(await stranger.receive()) == 1  # a minute later: answered again
    w.clock.advance(timedelta(seconds=10))
    await send_unread(w, stranger, "/start junk", update_id=29_001)
    assert await stranger.receive() == []


async def test_an_invitation_opened_after_a_few_wrong_tries_still_works(w: World) -> None:
    person = w.chat(STRANGER)
    await send_unread(w, person, "/start typo", update_id=50_000)
    await send_unread(w, person, "/start " + await w.invitation(), update_id=50_001)
    await person.receive()
    assert "Deutsch" in person.last.labels  # the enrolment began: the language question


async def test_crisis_input_from_a_flooding_chat_is_answered_once_at_a_time(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    for n in range(50):
        await send_unread(w, chat, "/help", update_id=30_000 + n)
    full = await queued(w, chat.chat_id)
    await send_unread(w, chat, "/sos", update_id=31_000)
    assert await crisis_cards_queued(w, chat.chat_id) == 1  # answered although the chat's queue is full
    for n in range(100):
        await send_unread(w, chat, "I want to kill myself", update_id=32_000 + n)
        await w.engine.handle(Event(chat.chat_id, EventKind.CHOICE, token=SOS_TOKEN, update_id=33_000 + n))
    assert await crisis_cards_queued(w, chat.chat_id) == 1  # one card queued is enough
    assert await queued(w, chat.chat_id) == full + 1
    # The card goes first, ahead of the chat's own backlog.
    async with w.db.read() as tx:
        heads = [m for m in await outbox.due(tx, w.clock.now(), 10_000) if m.chat_id == chat.chat_id]
    assert "112" in heads[0].text


async def test_a_stranger_in_crisis_is_answered_however_much_they_wrote_before(w: World) -> None:
    stranger = w.chat(STRANGER)
    for n in range(20):
        await send_unread(w, stranger, "/start junk", update_id=40_000 + n)
    await stranger.receive()
    await send_unread(w, stranger, "/sos", update_id=41_000)
    assert "112" in (await stranger.receive())[-1].text
    await send_unread(w, stranger, "ich will nicht mehr leben", update_id=41_001)
    assert "112" in (await stranger.receive())[-1].text
