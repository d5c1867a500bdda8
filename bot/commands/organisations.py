"""`companion org`: the organisations (job centres, service providers) whose coaches accompany participants,
and the webhooks their signals are posted to."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from urllib.parse import urlsplit

from bot.commands.in_database import in_database, read_database
from bot.commands.parsing import Subparsers, actions, checked_name, command
from bot.commands.work_settings import describe, set_hours
from bot.settings import Settings, SettingsError
from dialogs.core.clock import SystemClock
from storage import coaches, inbox, organisations
from storage.database import Database, Tx
from storage.organisations import Organisation

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def declare(sub: Subparsers) -> None:
    org_sub = actions(
        sub, "org", help="organisations (job centres, service providers)", description="Organisations."
    )
    add = command(
        org_sub,
        "add",
        help="add an organisation; prints its webhook secret once",
        description="Add an organisation whose coaches accompany participants. Prints the secret that signs "
        "its webhook posts (shown only now; `companion org webhook ORG --new-secret` makes a new one).",
        runs=add_organisation,
    )
    add.add_argument("--name", required=True, help="its name, as participants will read it")
    add.add_argument("--region", default=None, help="the region of its participants' local help information")
    add.add_argument("--webhook-url", default=None, help="optional: POST each signal here (https)")
    listing = command(
        org_sub,
        "list",
        help="list organisations",
        description="List organisations and their coaches.",
        runs=list_organisations,
    )
    listing.add_argument("--json", action="store_true", help="print a JSON list (for scripts)")
    webhook = command(
        org_sub,
        "webhook",
        help="set or remove an organisation's webhook, or make a new secret",
        description="Set or remove an organisation's webhook URL, or replace its signing secret.",
        runs=change_webhook,
    )
    webhook.add_argument("org", help="the organisation's name or number")
    choice = webhook.add_mutually_exclusive_group()
    choice.add_argument("--url", default=None, help="the new webhook URL (https)")
    choice.add_argument("--none", action="store_true", help="remove the webhook")
    webhook.add_argument("--new-secret", action="store_true", help="make and print a new signing secret")
    hours = command(
        org_sub,
        "hours",
        help="set an organisation's escalation time and working hours",
        description="Set how long an urgent inbox item may stay untaken (in working minutes) before the "
        "whole team is told, and the working days and hours that count (follow-ups come back at the start).",
        runs=set_hours,
    )
    hours.add_argument("org", help="the organisation's name or number")
    hours.add_argument("--escalate-after", type=int, default=None, metavar="MIN", help="working minutes")
    hours.add_argument("--days", default=None, help="working days as digits, 1 = Monday: e.g. 12345")
    hours.add_argument("--start", default=None, help="start of the working day, e.g. 08:00")
    hours.add_argument("--end", default=None, help="end of the working day, e.g. 16:00")
    hours.add_argument("--timezone", default=None, help="e.g. Europe/Berlin")


def check_webhook_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        return url  # a receiver on this machine (tests, a local relay)
    raise SettingsError(f"the webhook URL must start with https:// (got {url!r})")


async def organisation_named(db: Database, name_or_id: str) -> Organisation:
    """The organisation an argument names by its name or number."""
    async with db.read() as tx:
        found = await organisations.find(tx, name_or_id)
    if found is None:
        raise SettingsError(f"no organisation {name_or_id!r}; see `companion org list`")
    return found


def add_organisation(settings: Settings, args: argparse.Namespace) -> int:
    now = SystemClock().now()

    async def add(db: Database) -> Organisation:
        name = checked_name(args.name, organisations.NAME_MAX)
        url = check_webhook_url(args.webhook_url) if args.webhook_url else None
        async with db.transaction() as tx:
            if await organisations.find(tx, name) is not None:
                raise SettingsError(f"an organisation named {name!r} exists already")
            return await organisations.create(tx, name=name, region=args.region, webhook_url=url, now=now)

    created = in_database(settings, add)
    print(f"added organisation {created.id}: {created.name}")
    print(f"webhook secret (shown only now, keep it safe): {created.webhook_secret}")
    return 0


def list_organisations(settings: Settings, args: argparse.Namespace) -> int:
    async def listing(
        tx: Tx,
    ) -> tuple[list[Organisation], list[coaches.Coach], dict[int, inbox.TeamSettings]]:
        found = await organisations.all_organisations(tx)
        hours = {o.id: await inbox.settings(tx, o.id) for o in found}
        return found, await coaches.all_coaches(tx), hours

    found, staff, hours = read_database(settings, listing)
    if getattr(args, "json", False):
        rows = [
            {
                "id": o.id,
                "name": o.name,
                "region": o.region,
                "active_coaches": sum(1 for c in staff if c.organisation_id == o.id and c.active),
                "webhook_url": o.webhook_url,
                **asdict(hours[o.id]),
            }
            for o in found
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for organisation in found:
        active = sum(1 for c in staff if c.organisation_id == organisation.id and c.active)
        webhook = organisation.webhook_url or "-"
        print(
            f"{organisation.id:4}  {organisation.name}  region={organisation.region or '-'}  "
            f"coaches={active}  webhook={webhook}  {describe(hours[organisation.id])}"
        )
    if not found:
        print("(no organisations yet: companion org add --name ...)")
    return 0


def change_webhook(settings: Settings, args: argparse.Namespace) -> int:
    async def change(db: Database) -> str | None:
        organisation = await organisation_named(db, args.org)
        async with db.transaction() as tx:
            if args.none:
                await organisations.set_webhook(tx, organisation.id, None)
            elif args.url:
                await organisations.set_webhook(tx, organisation.id, check_webhook_url(args.url))
            return await organisations.rotate_secret(tx, organisation.id) if args.new_secret else None

    secret = in_database(settings, change)
    if secret is not None:
        print(f"new webhook secret (shown only now, keep it safe): {secret}")
    print("saved")
    return 0
