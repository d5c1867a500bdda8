"""The outbox worker with the real python-telegram-bot sender against the fake Bot API: 429 with
retry_after, 5xx, dropped connections, timeouts, 403, and Telegram's flood limits."""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bot.cli import configure_logging
from bot.delivery import Limits, OutboxWorker
from bot.telegram_http import KeepAliveRequest
from bot.telegram_transport import TelegramSender
from dialogs.core.clock import FakeClock, SystemClock
from storage import coaches, organisations, outbox, participants
from storage.database import Database
from tests.fake_bot_api import FakeBotApi
from tests.harness import record_consent

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own

TOKEN = "4242:FAULTS"
NOW = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


@dataclass
class Rig:
    server: FakeBotApi
    db: Database
    clock: FakeClock
    worker: OutboxWorker

    async def enqueue(self, chat_id: int, text: str, *, sharing: bool = False) -> int:
        async with self.db.transaction() as tx:
            person = await participants.by_chat(tx, chat_id)
            if person is None:
                person = await participants.create(
                    tx, chat_id=chat_id, locale="en", timezone="Europe/Berlin", now=NOW
                )
                if sharing:  # linked to a coach whose organisation may receive short signals
                    organisation = await organisations.create(
                        tx, name=f"Org {chat_id}", region=None, webhook_url=None, now=NOW
                    )
                    coach = await coaches.create(
                        tx,
                        organisation_id=organisation.id,
                        name="Anna",
                        locale="de",
                        timezone="Europe/Berlin",
                        now=NOW,
                    )
                    await coaches.link(tx, person.id, coach.coach.id, NOW)
                    await tx.execute("UPDATE coaches SET status = 'active' WHERE id = ?", (coach.coach.id,))
                    await record_consent(tx, person.id, "sharing", NOW, organisation_id=organisation.id)
            return await outbox.enqueue(
                tx,
                chat_id=chat_id,
                participant_id=person.id,
                text=text,
                buttons=[],
                attachment=None,
                not_before=self.clock.now(),
                now=self.clock.now(),
            )

    async def row(self, message_id: int) -> dict[str, object]:
        async with self.db.read() as tx:
            found = await tx.one(
                "SELECT status, attempts, not_before, last_error FROM outbox WHERE id = ?", (message_id,)
            )
        return dict(found) if found is not None else {}

    def texts(self, chat_id: int) -> list[str | None]:
        return [m.text for m in self.server.messages_to(chat_id)]


MakeRequest = Callable[..., BaseRequest]


@pytest.fixture(params=[KeepAliveRequest, HTTPXRequest], ids=["keep-alive", "httpx"])
def make_request(request: pytest.FixtureRequest) -> MakeRequest:
    """The service's request object, and python-telegram-bot's own (uploads and proxies go through it):
    both must fail in the ways the outbox tells apart."""
    made: MakeRequest = request.param
    return made


@pytest.fixture
async def rig(tmp_path: Path, make_request: MakeRequest) -> AsyncIterator[Rig]:
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server:  # faults only; limits are tested below
        request = make_request(read_timeout=0.5, write_timeout=0.5, connect_timeout=0.5, pool_timeout=1.0)
        bot = Bot(TOKEN, base_url=server.base_url, request=request)
        async with bot:
            db = await Database.open(tmp_path / "d.db")
            clock = FakeClock(NOW)
            worker = OutboxWorker(db, TelegramSender(bot), clock, Limits(global_rate=30, per_chat_interval=0))
            try:
                yield Rig(server, db, clock, worker)
            finally:
                await db.close()


async def test_429_is_retried_after_the_time_telegram_named(rig: Rig) -> None:
    rig.server.faults.fail_next("sendMessage", 429, retry_after=1)
    message = await rig.enqueue(1, "hello")
    await rig.worker.drain()
    row = await rig.row(message)
    assert row["status"] == "pending" and row["last_error"] == "429"
    assert row["not_before"] == (NOW + timedelta(seconds=1)).isoformat(timespec="microseconds")
    await rig.worker.drain()
    assert rig.texts(1) == []  # not before the time Telegram named
    rig.clock.advance(timedelta(seconds=1))
    await rig.worker.drain()
    assert rig.texts(1) == ["hello"]
    assert rig.server.stats.errors[429] == 1


async def test_server_errors_are_retried_with_growing_waits(rig: Rig) -> None:
    rig.server.faults.fail_next("sendMessage", 500)
    rig.server.faults.fail_next("sendMessage", 502)
    message = await rig.enqueue(2, "hello")
    await rig.worker.drain()
    first = await rig.row(message)
    assert (first["status"], first["attempts"]) == ("pending", 1)
    assert first["not_before"] == (NOW + timedelta(seconds=2)).isoformat(timespec="microseconds")
    rig.clock.advance(timedelta(seconds=2))
    await rig.worker.drain()
    second = await rig.row(message)
    assert second["attempts"] == 2
    assert second["not_before"] == (NOW + timedelta(seconds=6)).isoformat(timespec="microseconds")
    rig.clock.advance(timedelta(seconds=4))
    await rig.worker.drain()
    assert rig.texts(2) == ["hello"]
    assert (await rig.row(message))["status"] == "sent"


async def test_telegrams_502_page_is_not_logged_whole_with_a_traceback(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging("INFO")
    caplog.set_level(logging.INFO)
    rig.server.faults.fail_next("sendMessage", 502)  # nginx's HTML page, as Telegram's front end sends it
    message = await rig.enqueue(2, "hello")
    await rig.worker.drain()
    assert (await rig.row(message))["status"] == "pending"
    assert "Bad Gateway</title>" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info is not None]
    assert f"outbox {message} will be retried" in caplog.text


async def test_a_dropped_connection_is_retried_and_arrives_once(rig: Rig) -> None:
    rig.server.faults.drop_next("sendMessage")
    await rig.enqueue(3, "hello")
    await rig.worker.drain()
    rig.clock.advance(timedelta(seconds=2))
    await rig.worker.drain()
    assert rig.texts(3) == ["hello"]


async def test_a_timeout_is_retried_and_a_possible_duplicate_is_logged(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    rig.server.faults.slow_next("sendMessage", 1.5, record=True)  # Telegram takes it, the answer is late
    message = await rig.enqueue(4, "hello")
    await rig.worker.drain()
    assert (await rig.row(message))["last_error"] == "timeout"
    rig.clock.advance(timedelta(seconds=2))
    await rig.worker.drain()
    assert rig.texts(4) == ["hello", "hello"]
    assert f"outbox {message} timed out; it is sent again and may arrive twice" in caplog.text


async def test_a_connection_lost_after_telegram_took_the_message_is_logged_as_a_possible_duplicate(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    """Found by the soak: a connection that broke after the request went out was retried silently."""
    caplog.set_level(logging.WARNING)
    rig.server.faults.lose_answer_next("sendMessage")  # Telegram takes it, then the connection breaks
    message = await rig.enqueue(6, "hello")
    await rig.worker.drain()
    assert (await rig.row(message))["last_error"] == "network"
    rig.clock.advance(timedelta(seconds=2))
    await rig.worker.drain()
    assert rig.texts(6) == ["hello", "hello"]
    assert f"outbox {message} lost its connection; it is sent again and may arrive twice" in caplog.text


async def test_a_connection_that_never_opened_is_not_called_a_possible_duplicate(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, make_request: MakeRequest
) -> None:
    caplog.set_level(logging.WARNING)
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    request = make_request(read_timeout=0.5, write_timeout=0.5, connect_timeout=0.5, pool_timeout=1.0)
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    db = await Database.open(tmp_path / "d.db")
    try:
        async with db.transaction() as tx:
            person = await participants.create(tx, chat_id=7, locale="en", timezone="Europe/Berlin", now=NOW)
            message_id = await outbox.enqueue(
                tx,
                chat_id=7,
                participant_id=person.id,
                text="hello",
                buttons=[],
                attachment=None,
                not_before=NOW,
                now=NOW,
            )
        worker = OutboxWorker(
            db, TelegramSender(bot), FakeClock(NOW), Limits(global_rate=30, per_chat_interval=0)
        )
        await worker.drain()
        async with db.read() as tx:
            assert await tx.scalar("SELECT last_error FROM outbox WHERE id = ?", (message_id,)) == "network"
        assert "may arrive twice" not in caplog.text
    finally:
        await db.close()


async def test_a_slow_answer_within_the_timeout_arrives_once(rig: Rig) -> None:
    rig.server.faults.slow_next("sendMessage", 0.2, record=True)
    await rig.enqueue(5, "hello")
    await rig.worker.drain()
    assert rig.texts(5) == ["hello"]


async def test_403_marks_unreachable_withdraws_the_rest_and_signals_if_allowed(rig: Rig) -> None:
    rig.server.block(6)
    first = await rig.enqueue(6, "one", sharing=True)
    await rig.enqueue(6, "two")
    await rig.worker.drain()
    assert rig.texts(6) == []
    async with rig.db.read() as tx:
        person = await participants.by_chat(tx, 6)
        assert person is not None and person.status is participants.Status.UNREACHABLE
        assert [tuple(r) for r in await tx.all("SELECT id, status FROM outbox")] == [(first, "dead")]
        assert await tx.scalar("SELECT kind FROM signals") == "unreachable"
    rig.server.unblock(6)
    await rig.enqueue(6, "three")  # an answer after they wrote again goes out as usual
    await rig.worker.drain()
    assert rig.texts(6) == ["three"]


async def test_no_429_under_telegrams_limits(tmp_path: Path, make_request: MakeRequest) -> None:
    """Real time: 45 chats plus three messages to one chat, paced under 30/s and 1/s per chat."""
    with FakeBotApi(token=TOKEN) as server:
        async with Bot(TOKEN, base_url=server.base_url, request=make_request()) as bot:
            db = await Database.open(tmp_path / "l.db")
            rig = Rig(
                server, db, FakeClock(NOW), OutboxWorker(db, TelegramSender(bot), SystemClock(), Limits())
            )
            try:
                rig.clock = FakeClock(datetime.now(UTC) - timedelta(seconds=1))
                for chat in range(100, 145):
                    await rig.enqueue(chat, f"to {chat}")
                for n in range(3):
                    await rig.enqueue(7, f"burst {n}")
                stop = asyncio.Event()
                run = asyncio.create_task(rig.worker.run(stop))
                await server.async_wait_for_count(48, timeout=30)
                stop.set()
                rig.worker.wake()
                await run
            finally:
                await db.close()
        assert server.stats.rate_limited == 0
        assert rig.texts(7) == ["burst 0", "burst 1", "burst 2"]  # in order
        times = [m.at for m in server.messages_to(7)]
        assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))


async def test_stopping_during_a_long_429_pause_ends_at_once_and_leaves_nothing_half_sent(rig: Rig) -> None:
    rig.server.faults.fail_next("sendMessage", 429, retry_after=300)
    worker = OutboxWorker(
        rig.db,
        rig.worker.sender,
        rig.clock,
        Limits(global_rate=30, per_chat_interval=0, max_retry_after=600),
    )
    first = await rig.enqueue(1, "one")
    second = await rig.enqueue(2, "two")
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    for _ in range(3000):  # until the worker has heard "wait 300 s" (a guard against hanging, not a measure)
        if worker.pacer.paused_until > 0:
            break
        await asyncio.sleep(0.01)
    assert rig.server.stats.errors.get(429) == 1
    assert worker.pacer.paused_until > 0
    stop.set()
    await asyncio.wait_for(running, timeout=60)  # well under the 300 s pause
    assert not running.cancelled()
    assert (await rig.row(first))["status"] == "pending"
    assert (await rig.row(second))["status"] == "pending"  # not left `sending` (a "possible duplicate")
    assert rig.texts(2) == []
