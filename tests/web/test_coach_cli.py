"""`companion coach add` prints a single-use web set-up link when the web view is configured, and
`companion coach remove` ends the coach's web sessions (run as a real subprocess)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.bot.test_cli import companion, env  # noqa: F401 (the fixture)

pytestmark = pytest.mark.slow


def test_coach_add_prints_a_web_setup_link_and_remove_ends_sessions(env: dict[str, str]) -> None:  # noqa: F811
    companion("org", "add", "--name", "Jobcenter Bochum", env=env)
    without = companion("coach", "add", "--org", "1", "--name", "Ben Muster", env=env)
    assert "Web case view" not in without.stdout and "web case view is off" in without.stderr
    env["COMPANION_WEB_LISTEN"] = "127.0.0.1:8081"
    env["COMPANION_WEB_BASE_URL"] = "https://case.example.org"
    added = companion("coach", "add", "--org", "1", "--name", "Anna Beispiel", "--json", env=env)
    link = json.loads(added.stdout)["web_setup_link"]
    assert link.startswith("https://case.example.org/setup/")
    plain = companion("coach", "add", "--org", "1", "--name", "Carl Kollege", env=env)
    assert plain.stdout.splitlines()[0].startswith("Web case view: https://case.example.org/setup/")
    with sqlite3.connect(env["COMPANION_DATABASE"]) as raw:
        stored = str(raw.execute("SELECT * FROM web_setup_links").fetchall())
        raw.execute(
            "INSERT INTO web_sessions (id_sha256, coach_id, csrf_token, created_at, last_seen_at)"
            " VALUES ('x', 2, 't', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
        )
    assert link.rsplit("/", 1)[1] not in stored  # only its digest
    assert companion("coach", "remove", "2", env=env).returncode == 0
    with sqlite3.connect(env["COMPANION_DATABASE"]) as raw:
        assert raw.execute("SELECT revoked_at IS NOT NULL FROM web_sessions").fetchall() == [(1,)]
        assert raw.execute("SELECT COUNT(*) FROM web_setup_links WHERE coach_id = 2").fetchone() == (0,)
    wrong = companion(
        "coach", "add", "--org", "1", "--name", "X", env={**env, "COMPANION_WEB_BASE_URL": "http://x.org"}
    )
    assert wrong.returncode == 2 and "COMPANION_WEB_BASE_URL" in wrong.stderr
