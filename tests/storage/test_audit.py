"""The audit log is append-only, and `verify` finds an edited, deleted or reordered entry."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import audit
from storage.database import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def filled(path: Path, entries: int = 5) -> Database:
    db = await Database.open(path)
    async with db.transaction() as tx:
        for number in range(entries):
            await audit.append(
                tx,
                action=audit.CASE_READ,
                now=NOW + timedelta(minutes=number),
                pseudonym=f"P-{number + 2}ABC"[:6],
                coach_id=1,
                coach_name="Anna Beispiel",
                organisation="Jobcenter Musterstadt",
                detail={"n": number},
            )
    return db


def tamper(path: Path, *statements: str) -> None:
    """What someone with the file could do: drop the triggers and change rows directly."""
    with sqlite3.connect(path) as raw:
        raw.execute("DROP TRIGGER audit_log_no_update")
        raw.execute("DROP TRIGGER audit_log_no_delete")
        for statement in statements:
            raw.execute(statement)


async def verdict(path: Path, anchor: tuple[int, str] | None = None) -> audit.Verdict:
    async with await Database.open(path) as db, db.read() as tx:
        return await audit.verify(tx, anchor)


async def test_an_intact_log_verifies(tmp_path: Path) -> None:
    db = await filled(tmp_path / "a.db")
    async with db.read() as tx:
        result = await audit.verify(tx)
        head = await audit.head(tx)
    await db.close()
    assert result.ok and result.entries == 5
    assert head is not None and head[0] == 5 and len(head[1]) == 64


async def test_update_and_delete_are_refused_by_the_database(tmp_path: Path) -> None:
    db = await filled(tmp_path / "a.db")
    for statement in ("UPDATE audit_log SET coach_name = 'x'", "DELETE FROM audit_log WHERE id = 2"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            async with db.transaction() as tx:
                await tx.execute(statement)
    async with db.read() as tx:
        assert (await audit.verify(tx)).ok
    await db.close()


async def test_an_edited_entry_is_found(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    await (await filled(path)).close()
    tamper(path, "UPDATE audit_log SET coach_name = 'Someone Else' WHERE id = 3")
    result = await verdict(path)
    assert not result.ok and result.entry_id == 3 and result.problem == "entry 3 was changed"


async def test_an_edit_that_recomputes_its_own_hash_breaks_the_next_link(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    await (await filled(path)).close()
    with sqlite3.connect(path) as raw:
        raw.row_factory = sqlite3.Row
        row = raw.execute("SELECT * FROM audit_log WHERE id = 3").fetchone()
    fields = {key: row[key] for key in ("id", "at", "action", "pseudonym", "coach_id", "organisation")}
    fields.update({"coach_name": "Someone Else", "detail": {"n": 2}})
    forged = audit.entry_hash(row["prev_hash"], fields)
    tamper(path, f"UPDATE audit_log SET coach_name = 'Someone Else', hash = '{forged}' WHERE id = 3")
    result = await verdict(path)
    assert not result.ok and result.entry_id == 4
    assert result.problem == "entry 4 does not follow the entry before it"


async def test_a_deleted_entry_is_found(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    await (await filled(path)).close()
    tamper(path, "DELETE FROM audit_log WHERE id = 2")
    result = await verdict(path)
    assert not result.ok and result.problem == "entry 2 is missing"


async def test_reordered_entries_are_found(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    await (await filled(path)).close()
    tamper(
        path,
        "UPDATE audit_log SET id = 100 WHERE id = 2",
        "UPDATE audit_log SET id = 2 WHERE id = 3",
        "UPDATE audit_log SET id = 3 WHERE id = 100",
    )
    result = await verdict(path)
    assert not result.ok and result.entry_id == 2


async def test_deleting_the_newest_entries_is_found_with_an_anchor(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    db = await filled(path)
    async with db.read() as tx:
        anchor = await audit.head(tx)
    await db.close()
    tamper(path, "DELETE FROM audit_log WHERE id >= 4")
    assert (await verdict(path)).ok  # a shorter chain is still a chain ...
    result = await verdict(path, anchor)  # ... but not the one noted earlier
    assert not result.ok and result.problem == "entry 5 (the anchor) is missing"


async def test_a_pseudonym_named_in_the_log_is_never_handed_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage import participants

    monkeypatch.setattr(participants, "PSEUDONYM_ALPHABET", "23")  # 16 pseudonyms in all
    every = [f"P-{a}{b}{c}{d}" for a in "23" for b in "23" for c in "23" for d in "23"]
    free = "P-2332"
    db = await Database.open(tmp_path / "a.db")
    async with db.transaction() as tx:
        for pseudonym in every:
            if pseudonym != free:  # all others belonged to people erased since: only the log names them
                await audit.append(tx, action=audit.CASE_READ, now=NOW, pseudonym=pseudonym)
        created = await participants.create(tx, chat_id=1, locale="de", timezone="Europe/Berlin", now=NOW)
    await db.close()
    assert created.pseudonym == free
