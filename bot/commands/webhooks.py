"""`companion webhooks`: failed webhook posts (the receiver was down too long) listed and sent again."""

from __future__ import annotations

import argparse

from bot.commands.in_database import in_database
from bot.commands.organisations import organisation_named
from bot.commands.parsing import Subparsers, actions, command
from bot.settings import Settings
from dialogs.core.clock import SystemClock
from storage import inbox_webhooks
from storage.database import Database


def declare(sub: Subparsers) -> None:
    hooks = actions(
        sub,
        "webhooks",
        help="failed webhook posts: count and resend",
        description="Webhook posts that failed after every retry keep their body (a pseudonym and summary "
        "fields only) until a withdrawal takes them back or they are purged; they can be sent again.",
    )
    for name, runs, text in (
        ("failed", count_failed, "count the failed posts"),
        ("resend", resend_failed, "queue the failed posts again (signed anew when they go)"),
    ):
        parser = command(hooks, name, help=text, description=text[0].upper() + text[1:] + ".", runs=runs)
        parser.add_argument("--org", default=None, help="only this organisation (name or number)")


async def _organisation_id(db: Database, args: argparse.Namespace) -> int | None:
    return (await organisation_named(db, args.org)).id if args.org else None


def count_failed(settings: Settings, args: argparse.Namespace) -> int:
    async def count(db: Database) -> int:
        organisation_id = await _organisation_id(db, args)
        async with db.read() as tx:
            return await inbox_webhooks.failed(tx, organisation_id)

    print(f"failed webhook posts: {in_database(settings, count)}")
    return 0


def resend_failed(settings: Settings, args: argparse.Namespace) -> int:
    async def resend(db: Database) -> int:
        organisation_id = await _organisation_id(db, args)
        async with db.transaction() as tx:
            return await inbox_webhooks.resend(tx, SystemClock().now(), organisation_id)

    print(f"queued again: {in_database(settings, resend)} (they go out while `companion run` runs)")
    return 0
