"""Crisis input is answered when the database is not: connection closed, file locked by another writer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.crisis_fallback import Dispatcher, crisis_locale
from bot.delivery import Result, SendResult
from dialogs.core.clock import FakeClock
from dialogs.core.config import EngineConfig
from dialogs.core.engine import Engine
from dialogs.core.events import SOS_TOKEN, Event, EventKind
from dialogs.features import REGISTRY
from storage.database import Database
from storage.outbox import OutboxMessage
from tests.bot.conftest import RunningBot
from tests.harness import START

NUMBERS = ("112", "0800 111 0 111", "0800 111 0 222")


class FakeSender:
    def __init__(self) -> None:
        self.sent: list[OutboxMessage] = []

    async def send(self, message: OutboxMessage) -> SendResult:
        self.sent.append(message)
        return SendResult(Result.SENT)


async def broken_engine(tmp_path: Path) -> tuple[Engine, FakeSender, Dispatcher]:
    db = await Database.open(tmp_path / "c.db")
    config = EngineConfig()
    engine = Engine(db, FakeClock(START), config, REGISTRY)
    sender = FakeSender()
    await db.close()  # every database call from here on raises
    return engine, sender, Dispatcher(engine, sender, config)


def test_crisis_input_is_recognised_without_a_database() -> None:
    config = EngineConfig()
    assert crisis_locale(Event(1, EventKind.COMMAND, command="sos", language_hint="en"), config) == "en"
    assert crisis_locale(Event(1, EventKind.CHOICE, token=SOS_TOKEN), config) == "de"
    assert crisis_locale(Event(1, EventKind.TEXT, text="Ich will nicht mehr leben"), config) == "de"
    assert crisis_locale(Event(1, EventKind.TEXT, text="I want to die", language_hint="de"), config) == "en"
    assert crisis_locale(Event(1, EventKind.TEXT, text="Guten Morgen"), config) is None
    assert crisis_locale(Event(1, EventKind.CHOICE, token="random-token"), config) is None


async def test_with_the_connection_gone_sos_words_and_the_button_still_get_the_card(tmp_path: Path) -> None:
    _engine, sender, dispatcher = await broken_engine(tmp_path)
    await dispatcher.dispatch(Event(7, EventKind.COMMAND, command="sos", language_hint="en"))
    await dispatcher.dispatch(Event(7, EventKind.TEXT, text="ich will sterben", language_hint="en"))
    await dispatcher.dispatch(Event(7, EventKind.CHOICE, token=SOS_TOKEN, language_hint="en"))
    await dispatcher.join()
    assert len(sender.sent) == 3
    for message in sender.sent:
        assert message.chat_id == 7 and message.buttons == []
        for number in NUMBERS:
            assert number in message.text
    assert "call them directly" in sender.sent[0].text  # honest: nothing can be passed on now
    assert "Notruf (Rettungsdienst, Feuerwehr): 112" in sender.sent[1].text  # in the words' language


async def test_ordinary_input_with_the_database_gone_is_logged_not_raised(tmp_path: Path) -> None:
    _engine, sender, dispatcher = await broken_engine(tmp_path)
    await dispatcher.dispatch(Event(7, EventKind.TEXT, text="Guten Morgen"))
    await dispatcher.dispatch(Event(7, EventKind.COMMAND, command="help"))
    assert sender.sent == []


async def test_a_locked_database_gets_the_card_out_before_the_engine_gives_up(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    db = await Database.open(path)
    async with db.read() as tx:
        await tx.execute("PRAGMA busy_timeout = 300")
    config = EngineConfig()
    sender = FakeSender()
    dispatcher = Dispatcher(Engine(db, FakeClock(START), config, REGISTRY), sender, config, deadline=0.05)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        await dispatcher.dispatch(Event(9, EventKind.TEXT, text="I want to kill myself", language_hint="en"))
        assert len(sender.sent) == 1 and "0800 111 0 111" in sender.sent[0].text
        await dispatcher.join()
    finally:
        other.execute("ROLLBACK")
        other.close()
        await db.close()


async def test_when_the_database_works_the_engine_answers_and_nothing_is_sent_twice(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "c.db") as db:
        config = EngineConfig()
        sender = FakeSender()
        dispatcher = Dispatcher(Engine(db, FakeClock(START), config, REGISTRY), sender, config)
        await dispatcher.dispatch(Event(5, EventKind.COMMAND, command="sos"))
        assert sender.sent == []  # the card went to the outbox, as every answer does
        async with db.read() as tx:
            assert "0800 111 0 111" in str(await tx.scalar("SELECT text FROM outbox"))


async def test_over_telegram_a_locked_database_still_answers_sos(running_bot: RunningBot) -> None:
    bot = running_bot
    chat = 515151
    await bot.say(chat, "/help", language_code="en")
    await bot.expect(chat, "0800 111 0 111")
    locker = sqlite3.connect(bot.settings.database, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        before = len([m for m in bot.server.sent if m.chat_id == chat])
        await bot.say(chat, "I want to die", language_code="en")
        card = await bot.server.async_wait_for(
            lambda m: m.chat_id == chat and "call them directly" in (m.text or ""), timeout=10
        )
        assert "112" in (card.text or "") and "0800 111 0 222" in (card.text or "")
        assert len([m for m in bot.server.sent if m.chat_id == chat]) > before
    finally:
        locker.execute("ROLLBACK")
        locker.close()
