"""`companion db backup --keep N` and `companion db restore`, run as an operator runs them."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.bot.test_cli import companion


def invitations(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(database)) as raw:  # closed: an open one blocks a restore
        return int(raw.execute("SELECT COUNT(*) FROM invitations").fetchone()[0])


def test_backups_in_a_folder_are_dated_and_only_the_newest_are_kept(
    env: dict[str, str], tmp_path: Path
) -> None:
    assert companion("invite", env=env).returncode == 0
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")  # rotation touches only its own copies
    written = []
    for _ in range(4):
        result = companion("db", "backup", str(folder), "--keep", "2", env=env)
        assert result.returncode == 0, result.stderr
        written.append(result.stdout.split("backup written to ")[1].split()[0])
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [Path(written[2]).name, Path(written[3]).name, "notes.txt"]
    )
    assert invitations(Path(written[3])) == 1
    wrong = companion("db", "backup", str(tmp_path / "one.db"), "--keep", "2", env=env)
    assert wrong.returncode == 2 and "--keep N needs a folder" in wrong.stderr


def test_restore_brings_back_the_backup_and_keeps_what_was_there(env: dict[str, str], tmp_path: Path) -> None:
    database = Path(env["COMPANION_DATABASE"])
    assert companion("invite", env=env).returncode == 0
    backup = tmp_path / "monday.db"
    assert companion("db", "backup", str(backup), env=env).returncode == 0
    for _ in range(2):
        assert companion("invite", env=env).returncode == 0
    assert invitations(database) == 3

    result = companion("db", "restore", str(backup), env=env)
    assert result.returncode == 0, result.stderr
    assert invitations(database) == 1
    kept = list(tmp_path.glob("companion.db.before-restore-*"))
    assert len(kept) == 1 and invitations(kept[0]) == 3
    assert "start the service again" in result.stdout
    assert companion("invite", env=env).returncode == 0  # the restored database works


def test_restore_refuses_while_another_process_has_the_database_open(
    env: dict[str, str], tmp_path: Path
) -> None:
    database = Path(env["COMPANION_DATABASE"])
    assert companion("invite", env=env).returncode == 0
    backup = tmp_path / "copy.db"
    assert companion("db", "backup", str(backup), env=env).returncode == 0
    assert companion("invite", env=env).returncode == 0
    holder = subprocess.Popen(  # the running service, as far as the file is concerned: WAL, idle
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL');"
            " c.execute('SELECT COUNT(*) FROM meta').fetchall(); print('open', flush=True); sys.stdin.read()",
            str(database),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        refused = companion("db", "restore", str(backup), env=env)
    finally:
        holder.communicate("", timeout=30)
    assert refused.returncode == 2
    assert "is in use: stop the service first" in refused.stderr
    assert invitations(database) == 2  # untouched
    assert not list(tmp_path.glob("companion.db.before-restore-*"))
    assert companion("db", "restore", str(backup), env=env).returncode == 0  # once it is closed
    assert invitations(database) == 1


def test_restore_refuses_a_damaged_or_foreign_or_newer_backup(env: dict[str, str], tmp_path: Path) -> None:
    database = Path(env["COMPANION_DATABASE"])
    assert companion("invite", env=env).returncode == 0
    damaged = tmp_path / "damaged.db"
    assert companion("db", "backup", str(damaged), env=env).returncode == 0
    data = bytearray(damaged.read_bytes())
    data[len(data) // 3 :] = b"\xff" * (len(data) - len(data) // 3)  # its last two thirds overwritten
    damaged.write_bytes(bytes(data))
    foreign = tmp_path / "foreign.db"
    with contextlib.closing(sqlite3.connect(foreign)) as raw:
        raw.execute("CREATE TABLE t (x)")
    newer = tmp_path / "newer.db"
    assert companion("db", "backup", str(newer), env=env).returncode == 0
    with contextlib.closing(sqlite3.connect(newer)) as raw:
        raw.execute("INSERT INTO schema_migrations (name) VALUES ('9999_from_the_future.sql')")
        raw.commit()

    for backup, says in (
        (damaged, "is damaged"),
        (foreign, "is no companion database"),
        (newer, "made by a newer version"),
        (tmp_path / "missing.db", "there is no backup"),
    ):
        result = companion("db", "restore", str(backup), env=env)
        assert result.returncode == 2 and says in result.stderr, (backup, result.stderr)
    assert invitations(database) == 1
    assert not list(tmp_path.glob("companion.db.before-restore-*"))
