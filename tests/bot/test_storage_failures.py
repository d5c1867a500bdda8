"""Nothing is confirmed to Telegram that was not stored: a full disk or a locked database leaves the update
with Telegram (polling does not move its offset past it, the webhook answers 503), and it is answered
once the database works again. A full disk is SQLite's own SQLITE_FULL (`PRAGMA max_page_count` at the
current size); a locked database is a second connection holding the write lock."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from bot.service import run_telegram
from bot.settings import Settings
from storage.database import Database
from tests.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.slow  # `uv run pytest -m "not slow"` leaves it out of the everyday loop

TOKEN = "123456:STORAGE"
SECRET = "webhook-secret-for-tests"
CHAT = 5_000_000
COUNT = 60  # the figure: 60 of 60 /help confirmed and never answered on a full disk
HELP_MESSAGES = 2  # /help answers with two messages: the short introduction, then the help numbers


@contextlib.asynccontextmanager
async def disk_full(db: Database) -> AsyncIterator[None]:
    """The database cannot grow by a page: every write that needs one fails with SQLITE_FULL."""
    async with db.transaction() as tx:
        pages = await tx.scalar("PRAGMA page_count")
        await tx.scalar(f"PRAGMA max_page_count = {int(pages)}")
    yield
    async with db.transaction() as tx:
        await tx.scalar("PRAGMA max_page_count = 1073741823")


@contextlib.asynccontextmanager
async def locked(db: Database) -> AsyncIterator[None]:
    """Another process holds the write lock (a shell, a stuck backup script)."""
    async with db.transaction() as tx:
        await tx.execute("PRAGMA busy_timeout = 100")  # give up quickly instead of after 5 s
    holder = sqlite3.connect(db.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


FAULTS: dict[str, Callable[[Database], contextlib.AbstractAsyncContextManager[None]]] = {
    "disk full": disk_full,
    "database locked": locked,
}


@contextlib.asynccontextmanager
async def service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: FakeBotApi, webhook_port: int | None = None
) -> AsyncIterator[Database]:
    """`companion run` in this process; yields the service's own database connection."""
    opened: list[Database] = []
    real_open = Database.open.__func__  # type: ignore[attr-defined]

    async def recording_open(cls: type[Database], path: Path | str, **kwargs: bool) -> Database:
        db: Database = await real_open(cls, path, **kwargs)
        opened.append(db)
        return db

    monkeypatch.setattr(Database, "open", classmethod(recording_open))
    settings = Settings(
        telegram_token=TOKEN,
        telegram_api_url=server.base_url,
        database=tmp_path / "companion.db",
        per_chat_interval=0,
        webhook_url="https://bot.example.org/telegram",
        webhook_port=webhook_port or 8443,
        webhook_secret=SECRET,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_telegram(settings, TOKEN, stop, webhook=webhook_port is not None))
    try:
        ready = "setWebhook" if webhook_port is not None else "getUpdates"
        for _ in range(1500):  # up to 30 s on a busy machine: until the listener is up, or polling runs
            if server.stats.requests.get(ready) or task.done():
                break
            await asyncio.sleep(0.02)
        assert not task.done() and opened
        yield opened[0]
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=30)


async def handled_ids(db: Database) -> set[int]:
    async with db.read() as tx:
        return {row[0] for row in await tx.all("SELECT update_id FROM handled_updates")}


async def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_polling_confirms_no_update_that_could_not_be_stored(
    fault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    count = COUNT if fault == "disk full" else 5  # each locked attempt waits for the busy timeout
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server:
        async with service(tmp_path, monkeypatch, server) as db:
            async with FAULTS[fault](db):
                pushed = [server.push_message(CHAT + n, "/help", language_code="en") for n in range(count)]
                await wait_for(lambda: "ERROR" in caplog.text, 30, "a failed update")
                polls = server.stats.requests["getUpdates"]
                await wait_for(lambda: server.stats.requests["getUpdates"] >= polls + 2, 60, "two more polls")
                # Whatever left Telegram's queue (was confirmed) is stored as handled.
                waiting = server.pending_updates
                confirmed = set(pushed[: count - waiting])
                assert confirmed <= await handled_ids(db)
                assert waiting > 0
            # The database works again: every one of them is answered, once.
            await wait_for(
                lambda: all(len(server.messages_to(CHAT + n)) >= HELP_MESSAGES for n in range(count)),
                90,
                "every answer",
            )
            await wait_for(lambda: server.pending_updates == 0, 60, "every update confirmed")
            assert set(pushed) <= await handled_ids(db)
            assert all(len(server.messages_to(CHAT + n)) == HELP_MESSAGES for n in range(count))  # once


def update(update_id: int, chat: int, text: str) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "text": text,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "X", "language_code": "en"},
        },
    }


async def test_the_webhook_answers_200_only_for_a_stored_update_and_503_when_it_cannot_be_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, free_tcp_port: int
) -> None:
    url = f"http://127.0.0.1:{free_tcp_port}/telegram"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server:
        async with service(tmp_path, monkeypatch, server, webhook_port=free_tcp_port) as db:
            async with httpx.AsyncClient(timeout=30) as client:
                first = await client.post(url, json=update(1, CHAT + 1, "/help"), headers=headers)
                assert first.status_code == 200
                assert 1 in await handled_ids(db)  # stored before Telegram heard "200"
                async with disk_full(db):
                    answers = {
                        n: (await client.post(url, json=update(n, CHAT + n, "/help"), headers=headers))
                        for n in range(2, 22)
                    }
                    stored = await handled_ids(db)
                # 200 exactly for what was stored (some may still fit into free pages), 503 for the rest
                assert {n: a.status_code for n, a in answers.items()} == {
                    n: 200 if n in stored else 503 for n in answers
                }
                refused = [n for n, answer in answers.items() if answer.status_code == 503]
                assert len(refused) >= 5
                # Telegram delivers them again; now they are stored and answered.
                again = [
                    await client.post(url, json=update(n, CHAT + n, "/help"), headers=headers)
                    for n in refused
                ]
                assert {answer.status_code for answer in again} == {200}
            assert set(range(1, 22)) <= await handled_ids(db)
            await wait_for(
                lambda: all(len(server.messages_to(CHAT + n)) >= HELP_MESSAGES for n in range(1, 22)),
                30,
                "answers",
            )
            assert {n: len(server.messages_to(CHAT + n)) for n in range(1, 22)} == dict.fromkeys(
                range(1, 22), HELP_MESSAGES
            )


async def test_while_the_database_is_locked_sos_behind_a_failed_update_gets_its_card_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update that cannot be stored stays with Telegram, but does not hold up crisis input behind it:
    the /sos gets the card at once, and only once however often it is fetched again."""
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server:
        async with service(tmp_path, monkeypatch, server) as db:
            async with locked(db):
                server.push_message(CHAT + 1, "/help", language_code="en")
                server.push_message(CHAT + 2, "/sos", language_code="en")
                card = await server.async_wait_for(
                    lambda m: m.chat_id == CHAT + 2 and "call them directly" in (m.text or ""), timeout=30
                )
                assert "0800 111 0 111" in (card.text or "")
                polls = server.stats.requests["getUpdates"]
                await wait_for(lambda: server.stats.requests["getUpdates"] >= polls + 2, 60, "two more polls")
                assert server.pending_updates == 2
                assert len(server.messages_to(CHAT + 2)) == 1
            await wait_for(lambda: server.pending_updates == 0, 60, "both stored")
            # Stored is not yet sent: the outbox sends the answer a moment later, and only once.
            await wait_for(lambda: len(server.messages_to(CHAT + 1)) >= HELP_MESSAGES, 30, "/help answered")
            assert len(server.messages_to(CHAT + 1)) == HELP_MESSAGES
