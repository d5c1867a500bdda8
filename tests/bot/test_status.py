"""`companion status`: counts for operators, the last successful poll, and no personal data."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.seed import seed
from storage import meta, outbox
from storage.database import Database
from storage.times import to_db
from tests.bot.test_cli import companion


async def test_status_shows_due_rows_dead_letters_and_the_last_poll(tmp_path: Path) -> None:
    database = tmp_path / "companion.db"
    await (await Database.open(database)).close()
    seed(database, 3, datetime.now(UTC) + timedelta(hours=1))
    async with await Database.open(database) as db, db.transaction() as tx:
        message = await outbox.enqueue(
            tx,
            chat_id=10_000_001,
            participant_id=1,
            text="secret words",
            buttons=[],
            attachment=None,
            not_before=datetime.now(UTC),
            now=datetime.now(UTC),
        )
        await outbox.mark_dead(tx, message, "blocked")
        await meta.put(tx, "last_poll_at", to_db(datetime.now(UTC) - timedelta(seconds=42)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    env.update(
        {
            "COMPANION_DATABASE": str(database),
            "HOME": str(tmp_path),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }
    )
    result = companion("status", env=env)
    assert result.returncode == 1 and "SERVICE NOT RUNNING" in result.stderr  # it never ran
    out = result.stdout
    assert "participants by state:\n  active" in out
    assert "checkin / pending                3" in out
    assert "dead letters by error:\n  blocked                          1" in out
    assert "last successful poll" in out and "ago)" in out
    assert "last heartbeat                   never" in out
    for private in ("P-000001", "10000001", "secret words"):
        assert private not in out
