"""The staff commands of the coaches' side, run as a real subprocess."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.bot.test_cli import companion, env  # noqa: F401 (the fixture)

pytestmark = pytest.mark.slow  # `uv run pytest -m "not slow"` leaves it out of the everyday loop


def db_rows(env: dict[str, str], sql: str) -> list[tuple[object, ...]]:  # noqa: F811
    with sqlite3.connect(env["COMPANION_DATABASE"]) as raw:
        return [tuple(row) for row in raw.execute(sql)]


def test_org_add_prints_the_secret_once_and_list_never(env: dict[str, str]) -> None:  # noqa: F811
    added = companion("org", "add", "--name", "Jobcenter Bochum", "--region", "bochum", env=env)
    assert added.returncode == 0, added.stderr
    secret = added.stdout.split("keep it safe): ")[1].strip()
    assert len(secret) == 64
    listing = companion("org", "list", env=env)
    assert "Jobcenter Bochum" in listing.stdout and "region=bochum" in listing.stdout
    assert secret not in listing.stdout
    again = companion("org", "add", "--name", "Jobcenter Bochum", env=env)
    assert again.returncode == 2 and "exists already" in again.stderr


def test_org_webhook_accepts_https_only_and_makes_new_secrets(env: dict[str, str]) -> None:  # noqa: F811
    companion("org", "add", "--name", "Träger Nord", env=env)
    plain = companion("org", "webhook", "Träger Nord", "--url", "http://example.org/hook", env=env)
    assert plain.returncode == 2 and "must start with https://" in plain.stderr
    ok = companion(
        "org", "webhook", "Träger Nord", "--url", "https://example.org/hook", "--new-secret", env=env
    )
    assert ok.returncode == 0 and "new webhook secret" in ok.stdout
    assert db_rows(env, "SELECT webhook_url FROM organisations") == [("https://example.org/hook",)]
    companion("org", "webhook", "1", "--none", env=env)
    assert db_rows(env, "SELECT webhook_url FROM organisations") == [(None,)]
    unknown = companion("org", "webhook", "Nobody", "--none", env=env)
    assert unknown.returncode == 2 and "no organisation 'Nobody'" in unknown.stderr


def test_coach_add_prints_a_link_and_stores_only_a_digest(env: dict[str, str]) -> None:  # noqa: F811
    env["COMPANION_BOT_USERNAME"] = "companion_test_bot"
    companion("org", "add", "--name", "Jobcenter Bochum", env=env)
    added = companion(
        "coach", "add", "--org", "Jobcenter Bochum", "--name", "Anna Beispiel", "--json", env=env
    )
    assert added.returncode == 0, added.stderr
    printed = json.loads(added.stdout)
    assert printed["link"] == f"https://t.me/companion_test_bot?start={printed['code']}"
    stored = db_rows(env, "SELECT code_sha256, status FROM coaches")
    assert stored[0][1] == "invited" and printed["code"] not in str(stored)
    plain = companion("coach", "add", "--org", "1", "--name", "Ben Muster", env=env)
    assert plain.stdout.splitlines()[0].startswith("https://t.me/companion_test_bot?start=")
    assert "It works once." in plain.stderr
    missing = companion("coach", "add", "--org", "Nowhere", "--name", "X", env=env)
    assert missing.returncode == 2


# Console answers after /start: English, the introduction's three pages, agree, not storing, sharing
# yes (or no), no crisis alerts.
JOIN_SHARING = "2\n1\n1\n1\n1\n2\n1\n2\n"
JOIN_NOT_SHARING = "2\n1\n1\n1\n1\n2\n2\n2\n"


def enrolled_coach(env: dict[str, str], name: str, chat_id: int) -> int:  # noqa: F811
    code = companion("coach", "add", "--org", "Jobcenter Bochum", "--name", name, env=env).stdout.split()[-1]
    result = companion("console", "--chat-id", str(chat_id), stdin=f"/start {code}\n", env=env)
    assert "Dieser Chat ist jetzt Ihr Coach-Zugang" in result.stdout, result.stdout  # coaches: German first
    return int(db_rows(env, f"SELECT id FROM coaches WHERE chat_id = {chat_id}")[0][0])


def test_invite_for_a_coach_links_the_participant(env: dict[str, str]) -> None:  # noqa: F811
    companion("org", "add", "--name", "Jobcenter Bochum", env=env)
    coach = enrolled_coach(env, "Anna Beispiel", 9101)
    wrong = companion("invite", "--coach", "99", env=env)
    assert wrong.returncode == 2
    code = companion("invite", "--coach", str(coach), env=env).stdout.strip().splitlines()[-1]
    joined = companion("console", "--chat-id", "1001", stdin=f"/start {code}\n{JOIN_SHARING}", env=env)
    assert "May I share short signals with Jobcenter Bochum?" in joined.stdout
    assert db_rows(env, "SELECT coach_id FROM coach_links") == [(coach,)]


def test_coach_remove_ends_access_and_can_hand_over(env: dict[str, str]) -> None:  # noqa: F811
    companion("org", "add", "--name", "Jobcenter Bochum", env=env)
    anna = enrolled_coach(env, "Anna Beispiel", 9101)
    carl = enrolled_coach(env, "Carl Kollege", 9102)
    code = companion("invite", "--coach", str(anna), env=env).stdout.strip().splitlines()[-1]
    companion("console", "--chat-id", "1001", stdin=f"/start {code}\n{JOIN_SHARING}", env=env)
    bad = companion("coach", "remove", str(anna), "--hand-over-to", "999", env=env)
    assert bad.returncode == 2
    removed = companion("coach", "remove", str(anna), "--hand-over-to", str(carl), env=env)
    assert removed.returncode == 0 and "1 participants handed over" in removed.stdout
    assert db_rows(env, "SELECT coach_id FROM coach_links") == [(carl,)]
    after = companion("console", "--chat-id", "9101", stdin="/cases\n", env=env)
    assert "Dieser Chat hat keinen Zugang zum Begleiter." in after.stdout
    listing = companion("coach", "list", env=env)
    assert "removed" in listing.stdout and "caseload=1/25" in listing.stdout
    twice = companion("coach", "remove", str(anna), env=env)
    assert twice.returncode == 2


def test_status_names_coaches_over_the_caseload_limit(env: dict[str, str]) -> None:  # noqa: F811
    env["COMPANION_CASELOAD_LIMIT"] = "1"
    companion("org", "add", "--name", "Jobcenter Bochum", env=env)
    coach = enrolled_coach(env, "Anna Beispiel", 9101)
    for chat_id in (1001, 1002):
        code = companion("invite", "--coach", str(coach), env=env).stdout.strip().splitlines()[-1]
        companion("console", "--chat-id", str(chat_id), stdin=f"/start {code}\n{JOIN_NOT_SHARING}", env=env)
    status = companion("status", env=env)
    assert f"coaches over the caseload limit of 1:\n  coach {coach}" in status.stdout
    assert "Anna" not in status.stdout


def test_audit_verify_and_head(tmp_path: Path, env: dict[str, str]) -> None:  # noqa: F811
    companion("org", "add", "--name", "Jobcenter Bochum", env=env)
    coach = enrolled_coach(env, "Anna Beispiel", 9101)
    code = companion("invite", "--coach", str(coach), env=env).stdout.strip().splitlines()[-1]
    companion("console", "--chat-id", "1001", stdin=f"/start {code}\n{JOIN_NOT_SHARING}", env=env)
    pseudonym = db_rows(env, "SELECT pseudonym FROM organisation_pseudonyms")[0][0]  # what the coach knows
    companion("console", "--chat-id", "9101", stdin=f"/case {pseudonym}\n/cases\n", env=env)
    ok = companion("audit", "verify", env=env)
    assert ok.returncode == 0 and "the audit log is intact: 3 entries" in ok.stdout
    head = companion("audit", "head", env=env).stdout.strip()
    assert head.startswith("3:")
    with sqlite3.connect(env["COMPANION_DATABASE"]) as raw:
        raw.execute("DROP TRIGGER audit_log_no_update")
        raw.execute("UPDATE audit_log SET coach_name = 'Someone Else' WHERE id = 2")
    broken = companion("audit", "verify", "--anchor", head, env=env)
    assert broken.returncode == 1 and "entry 2 was changed" in broken.stderr
    bad_anchor = companion("audit", "verify", "--anchor", "nonsense", env=env)
    assert bad_anchor.returncode == 2


def test_invite_for_a_coach_carries_the_organisations_region_unless_overridden(
    env: dict[str, str],  # noqa: F811
) -> None:
    companion("org", "add", "--name", "Jobcenter Bochum", "--region", "bochum", env=env)
    coach = enrolled_coach(env, "Anna Beispiel", 9101)
    assert companion("invite", "--coach", str(coach), env=env).returncode == 0
    assert companion("invite", "--coach", str(coach), "--region", "leverkusen", env=env).returncode == 0
    assert companion("invite", env=env).returncode == 0
    assert db_rows(env, "SELECT region FROM invitations ORDER BY id") == [
        ("bochum",),
        ("leverkusen",),
        (None,),
    ]
