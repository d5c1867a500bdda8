"""A handler bug and a failing database are different failures: the bug gets a kind apology and the update
counts as handled (it is not replayed forever); a database that cannot store the update leaves it to be
delivered again, and nothing is said that could not be kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dialogs.core import engine as engine_module
from dialogs.core.events import Event, EventKind
from dialogs.core.turn import Turn
from tests.harness import World, world


async def test_a_handler_bug_is_apologised_for_and_counts_as_handled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(turn: Turn) -> None:
        raise KeyError("a bug")

    async with world(tmp_path) as w:
        monkeypatch.setattr(engine_module, "route", broken)
        chat = w.chat(4001)
        shown = await chat.deliver(Event(4001, EventKind.COMMAND, command="help", update_id=71))
        assert chat.last_outcome.failed and not chat.last_outcome.redeliver
        assert len(shown) == 1 and "/sos" in shown[0].text  # the apology, pointing to crisis help
        again = await chat.deliver(Event(4001, EventKind.COMMAND, command="help", update_id=71))
        assert chat.last_outcome.duplicate and again == []


async def test_a_locked_database_leaves_the_update_to_be_delivered_again(w: World) -> None:
    async with w.db.transaction() as tx:
        await tx.execute("PRAGMA busy_timeout = 50")
    chat = w.chat(4002)
    event = Event(4002, EventKind.COMMAND, command="help", update_id=72)
    holder = sqlite3.connect(w.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        outcome = await w.engine.handle(event)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert outcome.failed and outcome.redeliver
    assert await chat.receive() == []  # no apology was queued
    shown = await chat.deliver(event)  # delivered again once the lock is gone: answered normally
    assert not chat.last_outcome.failed and not chat.last_outcome.duplicate
    assert shown and "went wrong" not in shown[0].text
