"""Erasure really erases, on disk: the write-ahead log is checkpointed and truncated after /delete, and
when a reader holds it (a backup, `companion status`, a shell) the checkpoint is retried in the background,
across a restart, until it succeeds. Free text sealed at rest never sits in clear in the outbox either.

The files are read as bytes, the way someone who copied them would read them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.delivery import Limits, OutboxWorker, Result, SendResult
from bot.scheduler import Scheduler
from dialogs.core.engine import Engine
from dialogs.core.events import Event, EventKind
from dialogs.features import REGISTRY
from storage.database import Database
from storage.outbox import OutboxMessage
from storage.sealing import new_key, sealer_for
from tests.dialogs.appointment_helpers import KEYED, add, appointment_rows, begin_adding, enrol
from tests.harness import World, world

PLACE, NOTE = "Zxqsentinelplace Hauptstr. 1", "Zxqsentinelnote bring papers"


def file_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@contextmanager
def reader(path: Path) -> Iterator[sqlite3.Connection]:
    """Another process with an open read transaction (a shell, a backup): it pins the write-ahead log."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("SELECT COUNT(*) FROM participants").fetchone()
    try:
        yield conn
    finally:
        conn.close()


async def with_appointment(w: World) -> bytes:
    """Someone with an appointment whose place and note were shown back to them; returns the sealed place."""
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00", place=PLACE, note=NOTE)
    assert PLACE in chat.texts()
    (row,) = await appointment_rows(w)
    sealed: bytes = bytes(row["place_sealed"])
    return sealed


async def delete_everything(w: World) -> None:
    chat = w.chat()
    await chat.send("/delete")
    await chat.tap("Yes, delete everything")
    assert "Everything about you is deleted." in chat.last.text


async def test_a_checkpoint_held_by_a_reader_says_so_at_once(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "c.db") as db:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
        with reader(db.path):
            async with db.transaction() as tx:
                await tx.execute("UPDATE meta SET value = 'w' WHERE key = 'k'")
            assert await db.checkpoint() is False  # not done, and it does not wait 5 s for the reader
        assert await db.checkpoint() is True
        assert db.path.with_name("c.db-wal").stat().st_size == 0


async def test_place_and_note_never_sit_in_clear_on_disk(tmp_path: Path) -> None:
    async with world(tmp_path, KEYED) as w:
        await with_appointment(w)
        chat = w.chat()
        await chat.send("/mydata")  # the export carries them opened, as a file
        assert any(PLACE.encode() in (s.attachment or b"") for s in chat.seen)
        for secret in (PLACE, NOTE):
            assert secret.encode() not in file_bytes(w.path), secret  # no checkpoint needed


async def test_delete_while_a_reader_holds_the_log_is_finished_in_the_background(tmp_path: Path) -> None:
    async with world(tmp_path, KEYED) as w:
        sealed = await with_appointment(w)
        scheduler = Scheduler(w.db, w.engine, w.clock)
        with reader(w.path):
            await delete_everything(w)
            # The reader's snapshot still needs the old pages: they cannot leave yet.
            await scheduler.sweep()
        assert sealed in file_bytes(w.path)
        await scheduler.sweep()  # the reader has gone: the next sweep finishes the erasure
        assert sealed not in file_bytes(w.path)


async def test_delete_not_yet_checkpointed_when_killed_is_finished_after_the_restart(tmp_path: Path) -> None:
    async with world(tmp_path, KEYED) as w:
        sealed = await with_appointment(w)
        with reader(w.path) as shell:
            await delete_everything(w)
            shell.execute("COMMIT")  # the shell stays connected, so closing does not checkpoint either
            await w.db.close()
            assert sealed in file_bytes(w.path)
            w.db = await Database.open(w.path)
            w.engine = Engine(w.db, w.clock, KEYED, REGISTRY)
            await Scheduler(w.db, w.engine, w.clock).sweep()
            assert sealed not in file_bytes(w.path)


class Recording:
    def __init__(self) -> None:
        self.texts: list[str] = []

    async def send(self, message: OutboxMessage) -> SendResult:
        self.texts.append(message.text)
        return SendResult(Result.SENT)


async def test_the_outbox_worker_sends_sealed_messages_opened(tmp_path: Path) -> None:
    async with world(tmp_path, KEYED) as w:
        chat = await enrol(w)
        await begin_adding(chat, "3.12.", "10:00")
        await w.engine.handle(chat_text(chat.chat_id, PLACE))
        await w.engine.handle(chat_text(chat.chat_id, NOTE))
        assert PLACE.encode() not in file_bytes(w.path)
        sender = Recording()
        worker = OutboxWorker(
            w.db,
            sender,
            w.clock,
            Limits(global_rate=1000, per_chat_interval=0),
            sealer_for(KEYED.encryption_keys),
        )
        await worker.drain()
        assert any(PLACE in text for text in sender.texts)


def chat_text(chat_id: int, text: str) -> Event:
    """A typed message whose replies stay queued (the harness's chat would take them at once)."""
    return Event(chat_id, EventKind.TEXT, text=text, language_hint="en")


async def test_a_sealed_message_no_configured_key_opens_is_given_up_not_sent_as_gibberish(
    tmp_path: Path,
) -> None:
    async with world(tmp_path, KEYED) as w:
        chat = await enrol(w)
        await w.engine.handle(Event(chat.chat_id, EventKind.COMMAND, command="help", language_hint="en"))
        sender = Recording()
        other_key = sealer_for((new_key(),))  # the operator replaced the key while a message waited
        worker = OutboxWorker(w.db, sender, w.clock, Limits(global_rate=1000, per_chat_interval=0), other_key)
        for _ in range(3):  # the help text and the help numbers: one at a time, in order
            await worker.drain()
        assert sender.texts == []
        async with w.db.read() as tx:
            rows = await tx.all("SELECT status, last_error, text FROM outbox WHERE status != 'sent'")
        assert [tuple(row) for row in rows] == [("dead", "unreadable", None)] * 2
