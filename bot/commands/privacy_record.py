"""`companion privacy record`: the record of processing activities (Art. 30 GDPR) of this installation,
generated from the code's declarations, the database and the settings in force (`dialogs/privacy/record`)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from bot.commands.in_database import read_database
from bot.commands.parsing import Subparsers, actions, command
from bot.settings import Settings
from dialogs.privacy import record


def declare(sub: Subparsers) -> None:
    privacy_sub = actions(
        sub, "privacy", help="data protection documents", description="Documents for data protection."
    )
    parser = command(
        privacy_sub,
        "record",
        help="write the record of processing (Art. 30 GDPR) of this installation",
        description="Write the record of processing activities (Verarbeitungsverzeichnis, Art. 30 GDPR) of "
        "this installation: purposes per consent scope, data per stored table, legal bases, recipients "
        "(organisations, webhook hosts, never secrets), retention from the settings, where the data lives "
        "and "
        "the technical measures in force. Generated from the code and the settings; run it again after "
        "changes.",
        runs=write_record,
    )
    parser.add_argument("--lang", choices=record.LANGUAGES, default="de", help="language (default: de)")
    parser.add_argument("--format", choices=record.FORMATS, default="md", help="md or html (default: md)")
    parser.add_argument("--output", type=Path, default=None, help="write to this file instead of stdout")


def installation(settings: Settings) -> record.Installation:
    return record.Installation(
        database=settings.database,
        periods={name: int(getattr(settings, name)) for name in record.RETENTION_SETTINGS},
        keys=len(settings.key_list),
        telegram_api_url=settings.telegram_api_url,
        telegram_webhook_url=settings.webhook_url,
        web_sessions=(
            (settings.web_idle_minutes, settings.web_session_hours) if settings.web_address() else None
        ),
        mail_host=settings.smtp_host if settings.smtp() else None,
    )


def write_record(settings: Settings, args: argparse.Namespace) -> int:
    inst = installation(settings)
    facts = read_database(settings, lambda tx: record.gather(tx, inst), create=False)
    text = record.render(facts, args.lang, args.format)
    if args.output is None:
        print(text, end="")
        return 0
    output: Path = args.output
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    print(f"wrote {output}")
    return 0
