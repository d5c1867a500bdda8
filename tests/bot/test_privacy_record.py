"""`companion privacy record`: the record of processing follows the code and the settings, never shows a
secret, and the demo records committed under docs/ are exactly what the code generates."""

from __future__ import annotations

import asyncio
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from dialogs import consent_texts
from dialogs.privacy.record import RETENTION_SETTINGS
from storage import organisations
from storage.data_catalogue import CATALOGUE
from storage.database import Database

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
DEMO_KEY = "3jW9bbNwX7b0Hx1y4x6dDqzD0Z1m8bZ5d2Q9n8Vx3kA="  # a valid Fernet key, for the demo only
DEMO_WEBHOOK = "https://case-system.example.org/companion/signals"
REGENERATE = "COMPANION_REGENERATE_DOCS"


@pytest.fixture
def installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A demo installation in an empty folder: one organisation with a webhook, an encryption key."""
    for name in list(os.environ):
        if name.startswith("COMPANION_") and name != REGENERATE:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COMPANION_DATABASE", "companion.db")
    monkeypatch.setenv("COMPANION_ENCRYPTION_KEYS", DEMO_KEY)
    monkeypatch.setenv("COMPANION_LOG_LEVEL", "WARNING")

    async def create() -> None:
        async with await Database.open(tmp_path / "companion.db") as db, db.transaction() as tx:
            await organisations.create(
                tx, name="Jobcenter Musterstadt", region=None, webhook_url=DEMO_WEBHOOK, now=NOW
            )

    asyncio.run(create())
    return tmp_path


def record(folder: Path, lang: str = "en", fmt: str = "md") -> str:
    out = folder / f"record.{fmt}"
    assert main(["privacy", "record", "--lang", lang, "--format", fmt, "--output", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def set_webhook(folder: Path, url: str | None) -> None:
    async def change() -> None:
        async with await Database.open(folder / "companion.db") as db, db.transaction() as tx:
            await organisations.set_webhook(tx, 1, url)

    asyncio.run(change())


def secret_of_the_organisation(folder: Path) -> str:
    async def read() -> str:
        async with await Database.open(folder / "companion.db") as db, db.read() as tx:
            found = await organisations.by_id(tx, 1)
            assert found is not None
            return found.webhook_secret

    return asyncio.run(read())


def test_a_webhook_is_named_by_its_host_never_its_secret_path_or_the_keys(installation: Path) -> None:
    for lang in ("de", "en"):
        for fmt in ("md", "html"):
            text = record(installation, lang, fmt)
            assert "case-system.example.org" in text
            assert secret_of_the_organisation(installation) not in text
            assert "/companion/signals" not in text
            assert DEMO_KEY not in text


def test_the_record_changes_with_a_consent_scope_a_retention_setting_and_a_webhook(
    installation: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = record(installation)
    assert "| Storing how you are |" in before and "| `COMPANION_RETENTION_DAYS` | 90 |" in before

    changed = consent_texts.Scope(
        consent_texts.SELFREPORTS, False, "Storing how you slept", "May I keep how you slept, for a week?"
    )
    scopes = tuple(changed if s.key == consent_texts.SELFREPORTS else s for s in consent_texts.SCOPES)
    monkeypatch.setattr(consent_texts, "SCOPES", scopes)
    after_scope = record(installation)
    assert "Storing how you slept" in after_scope and "May I keep how you slept, for a week?" in after_scope
    assert "| Storing how you are |" not in after_scope

    monkeypatch.setenv("COMPANION_RETENTION_DAYS", "45")
    after_retention = record(installation)
    assert "| `COMPANION_RETENTION_DAYS` | 45 |" in after_retention
    rows = [line for line in after_retention.splitlines() if line.startswith("| `selfreports` |")]
    selfreports_row = rows[-1]  # the table's row, after the scope's
    assert "45 days" in selfreports_row and "90 days" not in selfreports_row

    set_webhook(installation, "https://other-case-system.example.net/in")
    after_webhook = record(installation)
    assert "other-case-system.example.net" in after_webhook
    assert "case-system.example.org" not in after_webhook
    set_webhook(installation, None)
    assert "no webhook" in record(installation)


def test_without_a_key_the_record_says_no_free_text_is_asked_for(
    installation: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "1 key(s) configured" in record(installation)
    monkeypatch.delenv("COMPANION_ENCRYPTION_KEYS")
    text = record(installation)
    assert "no key configured" in text and "asks for no free text" in text


def test_with_the_web_case_view_on_the_record_names_its_second_factor_and_the_mail_server(
    installation: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "web case view is off" in record(installation)
    monkeypatch.setenv("COMPANION_WEB_LISTEN", "127.0.0.1:8081")
    monkeypatch.setenv("COMPANION_WEB_IDLE_MINUTES", "20")
    monkeypatch.setenv("COMPANION_SMTP_HOST", "mail.example.org")
    monkeypatch.setenv("COMPANION_SMTP_SENDER", "case-view@example.org")
    text = record(installation)
    assert "TOTP" in text and "after 20 idle minutes" in text
    assert "web case view is off" not in text
    assert "`mail.example.org`" in text


def test_every_table_and_every_scope_is_in_the_record(installation: Path) -> None:
    text = record(installation)
    for table in CATALOGUE:
        assert f"| `{table.name}` |" in text
    for scope in consent_texts.SCOPES:
        assert f"| `{scope.key}` |" in text


def test_each_retention_the_catalogue_names_is_a_setting_the_record_reports() -> None:
    named = {table.retention.setting for table in CATALOGUE} - {None}
    assert named <= set(RETENTION_SETTINGS) <= set(Settings.model_fields)


def test_html_escapes_what_comes_from_the_database(installation: Path) -> None:
    async def add() -> None:
        async with await Database.open(installation / "companion.db") as db, db.transaction() as tx:
            await organisations.create(tx, name="<b>Träger</b> & Co", region=None, webhook_url=None, now=NOW)

    asyncio.run(add())
    page = record(installation, "de", "html")
    assert "&lt;b&gt;Träger&lt;/b&gt; &amp; Co" in page and "<b>Träger" not in page
    assert page.startswith("<!DOCTYPE html>") and '<html lang="de">' in page


def test_without_a_database_it_says_so_and_creates_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COMPANION_DATABASE", str(tmp_path / "missing.db"))
    assert main(["privacy", "record"]) == 3
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_committed_demo_record_is_what_the_code_generates(installation: Path, lang: str) -> None:
    """Regenerate both with `COMPANION_REGENERATE_DOCS=1 uv run pytest tests/bot/test_privacy_record.py`."""
    committed = ROOT / "docs" / f"record-of-processing.{lang}.md"
    generated = record(installation, lang)
    if os.environ.get(REGENERATE):
        committed.write_text(generated, encoding="utf-8")
    command = f"{REGENERATE}=1 uv run pytest tests/bot/test_privacy_record.py"
    assert committed.read_text(encoding="utf-8") == generated, (
        f"{committed.name} is out of date: run `{command}`"
    )


CITED = re.compile(r"(tests/[\w/]+\.py)::(\w+)")


@pytest.mark.parametrize("document", ["dpia.md", "dpia.en.md"])
def test_every_test_the_dpia_cites_exists(document: str) -> None:
    text = (ROOT / "docs" / document).read_text(encoding="utf-8")
    cited = CITED.findall(text)
    assert len(cited) >= 10  # the measures point to their tests
    missing = []
    for path, name in cited:
        source = ROOT / path
        defined = rf"^\s*(async )?def {name}\("
        if not source.exists() or not re.search(defined, source.read_text("utf-8"), re.M):
            missing.append(f"{path}::{name}")
    assert missing == []
