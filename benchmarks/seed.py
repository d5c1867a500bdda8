"""Bulk seeding of large databases for the benchmarks (plain SQL, not through the dialogs)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from storage.times import to_db

CHAT_BASE = 10_000_000
RETENTION_DAYS = 90  # the default of `COMPANION_RETENTION_DAYS`: part of the consent texts shown


def answered_consents(locale: str, retention_days: int = RETENTION_DAYS) -> list[tuple[str, int, str, str]]:
    """Every consent scope answered with today's texts in `locale`, as `(scope, granted, version, sha256)`:
    required scopes and self-reports granted, sharing and the other optional scopes declined. A participant
    seeded so is not asked again at their first tap."""
    from dialogs import consent_texts
    from dialogs.core.i18n import Translator

    tr = Translator(locale, "de", "Europe/Berlin")
    return [
        (
            scope.key,
            int(scope.required or scope.key == consent_texts.SELFREPORTS),
            consent_texts.TEXT_VERSION,
            consent_texts.text_sha256(consent_texts.shown_text(tr, scope, None, retention_days)),
        )
        for scope in consent_texts.SCOPES
    ]


def seed(
    path: Path,
    participants: int,
    due_at: datetime,
    *,
    spread: timedelta = timedelta(0),
    future_rows_each: int = 0,
    grace: timedelta = timedelta(minutes=30),
) -> None:
    """`participants` active people (every consent answered, see `answered_consents`) whose morning
    check-in is at `due_at` (Berlin time, no evening check-in, no quiet hours) with its `checkin` row due
    then (spread evenly over `spread`), plus `future_rows_each` rows on the following days (for the
    start-up benchmark). The planning job finds nothing more to plan for today.

    The file must already carry the schema (open it once with `Database.open`)."""
    now = datetime.now(UTC)
    local = due_at.astimezone(ZoneInfo("Europe/Berlin"))
    day, morning = local.date(), f"{local:%H:%M}"  # the seeded rows are these people's morning check-in
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        with conn:
            conn.executemany(
                "INSERT INTO participants (id, pseudonym, chat_id, locale, timezone, status, enrolled_at,"
                " status_at) VALUES (?, ?, ?, ?, 'Europe/Berlin', 'active', ?, ?)",
                (
                    (i, f"P-{i:06d}", CHAT_BASE + i, "de" if i % 2 else "en", to_db(now), to_db(now))
                    for i in range(1, participants + 1)
                ),
            )
            consents = {locale: answered_consents(locale) for locale in ("de", "en")}
            conn.executemany(
                "INSERT INTO consents (participant_id, scope, granted, text_version, text_sha256, locale, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (i, *answer, locale, to_db(now))
                    for i in range(1, participants + 1)
                    for locale in ["de" if i % 2 else "en"]
                    for answer in consents[locale]
                ),
            )
            conn.executemany(
                "INSERT INTO schedules (participant_id, morning, evening, quiet_start, quiet_end, updated_at)"
                " VALUES (?, ?, NULL, '00:00', '00:00', ?)",
                ((i, morning, to_db(now)) for i in range(1, participants + 1)),
            )
            step = spread / participants if participants else timedelta(0)

            def rows() -> object:
                for i in range(1, participants + 1):
                    at = due_at + step * (i - 1)
                    payload = json.dumps({"slot": "morning", "day": str(day)})
                    yield (
                        i,
                        "checkin",
                        f"checkin:morning:{day}",
                        to_db(at),
                        to_db(at + grace),
                        payload,
                        to_db(now),
                    )
                    for n in range(future_rows_each):
                        later = due_at + timedelta(days=n + 1)
                        payload = json.dumps({"slot": "morning", "day": str(later.date())})
                        key = f"checkin:morning:{later.date()}"
                        yield (i, "checkin", key, to_db(later), to_db(later + grace), payload, to_db(now))

            conn.executemany(
                "INSERT INTO due (participant_id, kind, key, due_at, grace_until, status, payload,"
                " created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
                rows(),  # type: ignore[arg-type]
            )
    finally:
        conn.close()
