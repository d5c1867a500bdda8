"""What an operator notices on the command line: the version, a misspelt variable, JSON log lines, secrets
from credential files, an old SQLite, an unwritable database path, exit codes that tell a wrong command line
from a wrong setting, and `--json` for monitoring scripts."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.seed import seed
from bot.ops import preflight
from bot.settings import ConfigError, Settings, settings_table
from storage.database import Database
from tests.bot.test_cli import companion
from tests.processes import FakeServerProcess, bot_environment, start_bot, wait_until

KNOWN = [name for name, _, _ in settings_table()]


def test_version() -> None:
    result = companion("--version", env={"HOME": "/tmp", "PATH": "/usr/bin"})
    assert result.returncode == 0 and re.fullmatch(r"companion \d+\.\d+\.\d+\S*\n", result.stdout)


def test_a_misspelt_variable_is_named_with_the_nearest_setting(env: dict[str, str]) -> None:
    env["COMPANION_DATABSE"] = "/tmp/elsewhere.db"
    env["COMPANION_SOMETHING_ELSE"] = "1"
    result = companion("invite", env=env)
    assert result.returncode == 0
    assert (
        "COMPANION_DATABSE is not a setting and is ignored; did you mean COMPANION_DATABASE?" in result.stderr
    )
    assert "COMPANION_SOMETHING_ELSE is not a setting and is ignored (see `companion --help`" in result.stderr
    assert preflight.unknown_variables(KNOWN, {"COMPANION_DATABASE": "x", "HOME": "/"}) == []
    (Path(env["HOME"]) / ".env").write_text("# settings\nCOMPANION_TIMEZOME=Europe/Berlin\n")
    from_file = companion("invite", env=env)  # .env in the folder it runs in
    assert (
        "COMPANION_TIMEZOME is not a setting and is ignored; did you mean COMPANION_TIMEZONE?"
        in from_file.stderr
    )


@pytest.mark.slow
async def test_a_real_runs_json_log_lines_are_utc_and_name_no_one(tmp_path: Path) -> None:
    database = tmp_path / "companion.db"
    await (await Database.open(database)).close()
    seed(database, 3, datetime.now(UTC) - timedelta(seconds=1))  # three check-in prompts due now
    pseudonyms = ["P-7K3Q", "P-M4XR", "P-ZZ29"]
    with contextlib.closing(sqlite3.connect(database)) as raw, raw:
        for number, pseudonym in enumerate(pseudonyms, start=1):
            raw.execute("UPDATE participants SET pseudonym = ? WHERE id = ?", (pseudonym, number))
        chats = [row[0] for row in raw.execute("SELECT chat_id FROM participants ORDER BY id")]
    server = FakeServerProcess()
    env = bot_environment(database, server, sweep_seconds="0.5", log_format="json", log_level="INFO")
    env["COMPANION_TYPO"] = "1"
    log = tmp_path / "bot.log"
    bot = start_bot(env, log)
    try:
        wait_until(lambda: len(server.sent_chats()) >= 3, 60, "the three check-in prompts")
        server.control("push_message", chat_id=chats[0], text="/help")
        wait_until(lambda: len(server.sent_chats()) >= 4, 60, "the answer to /help")
        wait_until(lambda: "handled" in log.read_text(), 30, "the engine's log line")
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=60) == 0
    finally:
        if bot.poll() is None:
            bot.kill()
        server.stop()
    lines = log.read_text().splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["time"]) for e in entries)
    assert any("COMPANION_TYPO is not a setting" in e["message"] for e in entries)
    assert any(re.match(r"handled \w+ for P-\*\*\*\*", e["message"]) for e in entries)
    for line in lines:
        assert not [p for p in pseudonyms if p in line] and not [str(c) for c in chats if str(c) in line], (
            line
        )


def test_secrets_come_from_systemd_credential_files(tmp_path: Path) -> None:
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "companion_telegram_token").write_text("123456:FROM-A-FILE\n")
    # systemd's LoadCredential= puts the file there and names the folder in $CREDENTIALS_DIRECTORY.
    result = companion(
        "run",
        env={
            "HOME": str(tmp_path),
            "PATH": "/usr/bin:/bin",
            "CREDENTIALS_DIRECTORY": str(credentials),
            "COMPANION_DATABASE": str(tmp_path / "c.db"),
            "COMPANION_TELEGRAM_API_URL": "http://127.0.0.1:9/bot",  # nothing listens: fails after the token
            "COMPANION_SEND_TIMEOUT": "1",
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        },
        timeout=120,
    )
    assert "COMPANION_TELEGRAM_TOKEN is not set" not in result.stderr
    assert "FROM-A-FILE" not in result.stderr + result.stdout  # never printed
    without = companion(
        "run",
        env={
            "HOME": str(tmp_path),
            "PATH": "/usr/bin:/bin",
            "COMPANION_DATABASE": str(tmp_path / "c.db"),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        },
    )
    assert without.returncode == 78 and "COMPANION_TELEGRAM_TOKEN is not set" in without.stderr


def test_an_old_sqlite_is_refused_with_a_sentence() -> None:
    preflight.check_sqlite("3.35.0")
    with pytest.raises(
        ConfigError, match=r"SQLite library is 3\.34\.1, but the companion needs SQLite 3\.35\.0"
    ):
        preflight.check_sqlite("3.34.1")


def test_an_unwritable_database_path_is_a_sentence_not_a_traceback(env: dict[str, str]) -> None:
    env["COMPANION_DATABASE"] = "/proc/companion/companion.db"  # /proc takes no new folder, even for root
    result = companion("db", "upgrade", env=env)
    assert result.returncode == 78
    assert "Traceback" not in result.stderr
    assert (
        "COMPANION_DATABASE=/proc/companion/companion.db: the folder /proc cannot be written" in result.stderr
    )


def test_usage_errors_and_settings_errors_have_different_exit_codes(env: dict[str, str]) -> None:
    assert companion("status", "--no-such-option", env=env).returncode == 2
    assert companion("invite", "--days", "0", env=env).returncode == 2
    env["COMPANION_RETENTION_DAYS"] = "0"
    assert companion("invite", env=env).returncode == 78


def test_status_org_list_and_coach_list_speak_json(env: dict[str, str]) -> None:
    assert (
        companion("org", "add", "--name", "Jobcenter Bochum", "--region", "bochum", env=env).returncode == 0
    )
    assert companion("coach", "add", "--org", "1", "--name", "Anna", env=env).returncode == 0
    organisations = json.loads(companion("org", "list", "--json", env=env).stdout)
    assert organisations == [
        {
            "id": 1,
            "name": "Jobcenter Bochum",
            "region": "bochum",
            "active_coaches": 0,
            "webhook_url": None,
            "escalate_after_minutes": 120,
            "work_days": "12345",
            "work_start": "08:00",
            "work_end": "16:00",
            "timezone": "Europe/Berlin",
        }
    ]
    coaches = json.loads(companion("coach", "list", "--json", env=env).stdout)
    assert [(c["id"], c["name"], c["organisation"], c["caseload"]) for c in coaches] == [
        (1, "Anna", "Jobcenter Bochum", 0)
    ]
    status = companion("status", "--json", env=env)
    assert status.returncode == 1  # the service never ran
    body = json.loads(status.stdout)
    assert body["ok"] is False and body["service"]["heartbeat_at"] is None
    assert set(body["checks"]) == {"outbox", "due"} and all(c["ok"] for c in body["checks"].values())
    assert "participants_by_state" in body and "outbox_by_state" in body


def test_the_content_folder_must_be_a_copy_and_set_in_the_environment(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no copy of the shipped content"):
        Settings(content_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    (tmp_path / "info").mkdir()
    (tmp_path / "crisis").mkdir()
    with pytest.raises(ValueError, match="set it in the environment"):
        Settings(content_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
