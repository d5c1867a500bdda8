"""The `companion` command as staff use it: run in a real subprocess, as a newcomer would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest


def companion(
    *args: str, env: dict[str, str], stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
        cwd=env["HOME"],
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    clean.update(
        {
            "COMPANION_DATABASE": str(tmp_path / "companion.db"),
            "HOME": str(tmp_path),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }
    )
    return clean


def test_invite_prints_the_deep_link_and_the_code_on_its_own_line(env: dict[str, str]) -> None:
    env["COMPANION_BOT_USERNAME"] = "companion_test_bot"
    result = companion("invite", env=env)
    assert result.returncode == 0, result.stderr
    link, code = result.stdout.strip().splitlines()
    assert link == f"https://t.me/companion_test_bot?start={code}"
    assert len(code) >= 22  # 16 random bytes in base64url: at least 128 bits


def test_invite_json_with_days(env: dict[str, str]) -> None:
    env["COMPANION_BOT_USERNAME"] = "companion_test_bot"
    result = companion("invite", "--json", "--days", "3", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"code", "link", "expires_at"}
    expires = datetime.fromisoformat(data["expires_at"])
    assert timedelta(days=2, hours=23) < expires - datetime.now(UTC) <= timedelta(days=3)
    assert data["link"].endswith(data["code"])


def test_invite_without_a_username_still_prints_the_code_and_says_what_is_missing(
    env: dict[str, str],
) -> None:
    result = companion("invite", env=env)
    assert result.returncode == 0
    assert len(result.stdout.strip()) >= 22
    assert "COMPANION_BOT_USERNAME" in result.stderr


def test_run_without_a_token_names_the_variable_and_points_at_the_console(env: dict[str, str]) -> None:
    result = companion("run", env=env)
    assert result.returncode == 78
    assert "COMPANION_TELEGRAM_TOKEN is not set" in result.stderr
    assert "companion console" in result.stderr


def test_a_wrong_setting_is_named_with_what_to_do(env: dict[str, str]) -> None:
    env["COMPANION_TIMEZONE"] = "Mars/Olympus"
    env["COMPANION_RETENTION_DAYS"] = "0"
    result = companion("status", env=env)
    assert result.returncode == 78
    assert "COMPANION_TIMEZONE" in result.stderr and "Europe/Berlin" in result.stderr
    assert "COMPANION_RETENTION_DAYS" in result.stderr


def test_an_unknown_region_is_named_with_the_shipped_ones(env: dict[str, str]) -> None:
    env["COMPANION_REGION"] = "atlantis"
    result = companion("status", env=env)
    assert result.returncode == 78
    assert "COMPANION_REGION" in result.stderr and "bochum" in result.stderr


def test_a_broken_database_file_is_reported_not_overwritten(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "companion.db").write_bytes(b"this is not a database" * 100)
    result = companion("status", env=env)
    assert result.returncode == 3
    assert "cannot be used" in result.stderr
    assert (tmp_path / "companion.db").read_bytes().startswith(b"this is not a database")


def test_db_upgrade_applies_migrations_once(env: dict[str, str]) -> None:
    first = companion("db", "upgrade", env=env)
    assert first.returncode == 0 and "applied 0001_foundation.sql" in first.stdout
    second = companion("db", "upgrade", env=env)
    assert second.stdout.strip() == "the database is up to date"


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["run"],
        ["console"],
        ["invite"],
        ["db"],
        ["db", "upgrade"],
        ["status"],
        ["locales"],
        ["locales", "status"],
    ],
)
def test_help_everywhere(env: dict[str, str], args: list[str]) -> None:
    result = companion(*args, "--help", env=env)
    assert result.returncode == 0
    assert "usage: companion" in result.stdout


def test_console_runs_a_whole_enrolment_from_piped_input(env: dict[str, str]) -> None:
    code = companion("invite", env=env).stdout.strip().splitlines()[-1]
    # Without a coach (`companion invite` alone) there is no organisation to share with: the introduction's
    # three pages ("1" is Next), then two questions.
    script = f"/start {code}\n2\n1\n1\n1\n1\n2\n/privacy\n/stop\n"
    result = companion("console", stdin=script, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1) ✓ Deutsch" in out and "2) English" in out
    assert "Welcome! Your pseudonym is P-" in out
    assert "⬜ Storing how you are" in out
    assert "You are not connected with a coach's organisation, so nobody sees anything." in out
    assert "You have stopped." in out
    status = companion("status", env=env)
    assert "stopped" in status.stdout


def test_status_shows_counts_without_personal_data(env: dict[str, str]) -> None:
    code = companion("invite", env=env).stdout.strip().splitlines()[-1]
    enrolled = companion("console", stdin=f"/start {code}\n2\n1\n1\n1\n1\n2\n", env=env)
    pseudonym = enrolled.stdout.split("pseudonym is ")[1][:6]
    result = companion("status", env=env)
    assert result.returncode == 0
    assert "active" in result.stdout and "outbox" in result.stdout
    assert pseudonym not in result.stdout


def test_locales_status_lists_coverage_and_review(env: dict[str, str]) -> None:
    result = companion("locales", "status", env=env)
    assert result.returncode == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert "100%" in lines["de"] and "needs review" in lines["de"]
    assert "100%" in lines["en"]


def test_backup_writes_a_consistent_copy_and_never_overwrites(env: dict[str, str], tmp_path: Path) -> None:
    code = companion("invite", env=env).stdout.strip().splitlines()[-1]
    companion("console", stdin=f"/start {code}\n2\n1\n1\n1\n1\n2\n", env=env)
    result = companion("db", "backup", str(tmp_path / "copy.db"), env=env)
    assert result.returncode == 0, result.stderr
    copy_env = {**env, "COMPANION_DATABASE": str(tmp_path / "copy.db")}
    assert "active" in companion("status", env=copy_env).stdout
    again = companion("db", "backup", str(tmp_path / "copy.db"), env=env)
    assert again.returncode == 2 and "exists already" in again.stderr


def test_invite_for_a_region_and_an_unknown_region(env: dict[str, str]) -> None:
    assert companion("invite", "--region", "bochum", env=env).returncode == 0
    wrong = companion("invite", "--region", "atlantis", env=env)
    assert wrong.returncode == 2 and "known regions" in wrong.stderr and "bochum" in wrong.stderr


@pytest.mark.slow
def test_status_exit_code_says_when_polling_has_stalled(env: dict[str, str], tmp_path: Path) -> None:
    import sqlite3

    assert companion("invite", env=env).returncode == 0  # makes the database
    never = companion("status", env=env)  # a database that never ran: not running
    assert never.returncode == 1 and "SERVICE NOT RUNNING" in never.stderr
    now = datetime.now(UTC)

    def record(heartbeat: datetime, poll: datetime | None) -> None:
        with sqlite3.connect(tmp_path / "companion.db") as conn:
            conn.execute("DELETE FROM meta WHERE key IN ('heartbeat_at', 'last_poll_at')")
            for key, moment in (("heartbeat_at", heartbeat), ("last_poll_at", poll)):
                if moment is not None:
                    conn.execute(
                        "INSERT INTO meta (key, value) VALUES (?, ?)",
                        (key, moment.isoformat(timespec="microseconds")),
                    )

    record(now, now - timedelta(minutes=1))
    assert companion("status", env=env).returncode == 0
    record(now, now - timedelta(minutes=6))
    stalled = companion("status", env=env)
    assert stalled.returncode == 1 and "POLLING STALLED" in stalled.stderr
    assert companion("status", "--stalled-after", "10", env=env).returncode == 0
    # Not running at all (a three-hour-old heartbeat), in polling and in webhook mode (no poll recorded).
    for poll in (now - timedelta(hours=3), None):
        record(now - timedelta(hours=3), poll)
        down = companion("status", env=env)
        assert down.returncode == 1 and "SERVICE NOT RUNNING" in down.stderr, down
        assert "last heartbeat 3 h ago" in down.stderr, down.stderr
    record(now - timedelta(minutes=4), None)  # webhook mode, running
    assert companion("status", env=env).returncode == 0
    assert companion("status", "--stale-after", "3", env=env).returncode == 1


def test_status_never_creates_a_database(env: dict[str, str], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "companion.db"
    result = companion("status", env={**env, "COMPANION_DATABASE": str(missing)})
    assert result.returncode != 0
    assert f"no database at {missing}" in result.stderr
    assert not missing.exists() and not missing.parent.exists()
    elsewhere = {**env, "COMPANION_DATABASE": str(missing)}
    backup = companion("db", "backup", str(tmp_path / "copy.db"), env=elsewhere)
    assert backup.returncode != 0 and f"no database at {missing}" in backup.stderr
    assert not missing.exists() and not (tmp_path / "copy.db").exists()
