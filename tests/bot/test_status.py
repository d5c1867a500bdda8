"""`companion status`: counts for operators, the last successful poll, and no personal data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.seed import seed
from storage import meta, outbox
from storage.database import Database
from storage.times import to_db
from tests.bot.test_cli import companion, env  # noqa: F401 (the fixture)
from tests.outbox_helpers import put


async def test_status_shows_due_rows_dead_letters_and_the_last_poll(
    tmp_path: Path,
    env: dict[str, str],  # noqa: F811
) -> None:
    database = tmp_path / "companion.db"
    await (await Database.open(database)).close()
    seed(database, 3, datetime.now(UTC) + timedelta(hours=1))
    async with await Database.open(database) as db, db.transaction() as tx:
        message = await put(tx, 10_000_001, "secret words", participant_id=1, at=datetime.now(UTC))
        await outbox.mark_dead(tx, message, "blocked")
        await meta.put(tx, "last_poll_at", to_db(datetime.now(UTC) - timedelta(seconds=42)))
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
