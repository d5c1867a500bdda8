"""The staff commands of the coaches' side: `companion org ...`, `companion coach ...`, `companion audit ...`
and `companion stats`. `bot.cli` adds them to its parser."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from bot.evaluation import parse_month, render_csv, render_text, stats_table
from bot.settings import Settings, SettingsError
from dialogs.core.clock import SystemClock
from storage import audit, buttons, coaches, conversations, due, organisations, outbox
from storage.coaches import CoachStatus
from storage.database import Database
from storage.organisations import Organisation

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    org = sub.add_parser(
        "org", help="organisations (job centres, service providers)", description="Organisations."
    )
    org_sub = org.add_subparsers(dest="org_command", metavar="ACTION", required=True)
    add = org_sub.add_parser(
        "add",
        help="add an organisation; prints its webhook secret once",
        description="Add an organisation whose coaches accompany participants. Prints the secret that signs "
        "its webhook posts (shown only now; `companion org webhook ORG --new-secret` makes a new one).",
    )
    add.add_argument("--name", required=True, help="its name, as participants will read it")
    add.add_argument("--region", default=None, help="the region of its participants' local help information")
    add.add_argument("--webhook-url", default=None, help="optional: POST each signal here (https)")
    org_sub.add_parser("list", help="list organisations", description="List organisations and their coaches.")
    webhook = org_sub.add_parser(
        "webhook",
        help="set or remove an organisation's webhook, or make a new secret",
        description="Set or remove an organisation's webhook URL, or replace its signing secret.",
    )
    webhook.add_argument("org", help="the organisation's name or number")
    choice = webhook.add_mutually_exclusive_group()
    choice.add_argument("--url", default=None, help="the new webhook URL (https)")
    choice.add_argument("--none", action="store_true", help="remove the webhook")
    webhook.add_argument("--new-secret", action="store_true", help="make and print a new signing secret")

    coach = sub.add_parser("coach", help="coaches and their access", description="Coaches and their access.")
    coach_sub = coach.add_subparsers(dest="coach_command", metavar="ACTION", required=True)
    coach_add = coach_sub.add_parser(
        "add",
        help="add a coach: prints a single-use link, valid 72 hours",
        description="Add a coach of an organisation. Prints a single-use link (and its code) that the coach "
        "opens in Telegram within 72 hours to get coach access in that chat.",
    )
    coach_add.add_argument("--org", required=True, help="the organisation's name or number")
    coach_add.add_argument(
        "--name", required=True, help="the coach's name, as participants and the team see it"
    )
    coach_add.add_argument("--json", action="store_true", help='print {"id", "code", "link", "expires_at"}')
    coach_sub.add_parser("list", help="list coaches", description="Coaches with state and caseload size.")
    remove = coach_sub.add_parser(
        "remove",
        help="end a coach's access at once",
        description="End a coach's access at once: commands and buttons stop working, nothing more is "
        "sent to them, their links to participants end (or move to a colleague with --hand-over-to).",
    )
    remove.add_argument("coach_id", type=int, help="the coach's number (see `companion coach list`)")
    remove.add_argument(
        "--hand-over-to", type=int, default=None, help="a colleague's number, same organisation"
    )

    audit_parser = sub.add_parser("audit", help="the audit log", description="The append-only audit log.")
    audit_sub = audit_parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_sub.add_parser(
        "verify",
        help="recompute the hash chain; exit code 1 on a broken or missing entry",
        description="Recompute the audit log's hash chain and report the first broken or missing entry. "
        "With --anchor ID:HASH (from an earlier `companion audit head`, kept elsewhere) it also notices "
        "deleted newest entries.",
    )
    verify.add_argument("--anchor", default=None, help="ID:HASH of an entry noted earlier")
    audit_sub.add_parser(
        "head",
        help="print the newest entry's ID:HASH, to keep elsewhere as an anchor",
        description="Print the newest entry's ID:HASH. Keep it outside this server; `audit verify --anchor` "
        "then also notices entries deleted from the end.",
    )

    stats = sub.add_parser(
        "stats",
        help="monthly evaluation figures, small counts suppressed",
        description="Per month: invited, enrolled, active in the last 28 days, check-in days, appointment "
        "answers by kind, signals by kind. Counts from 1 to 4 are shown as x; totals add only the "
        "figures shown (12+), so no two reports can be subtracted to reveal one (see docs/evaluation.md).",
    )
    stats.add_argument("--from", dest="start", default=None, help="first month, YYYY-MM")
    stats.add_argument("--to", dest="end", default=None, help="last month, YYYY-MM")
    stats.add_argument("--csv", action="store_true", help="CSV (safe to open in a spreadsheet)")


def _run(settings: Settings, work: Callable[[Database], object]) -> object:
    async def go() -> object:
        async with await Database.open(settings.database) as db:
            result = work(db)
            return await result if asyncio.iscoroutine(result) else result

    return asyncio.run(go())


def check_webhook_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        return url  # a receiver on this machine (tests, a local relay)
    raise SettingsError(f"the webhook URL must start with https:// (got {url!r})")


async def _organisation(db: Database, name_or_id: str) -> Organisation:
    async with db.read() as tx:
        found = await organisations.find(tx, name_or_id)
    if found is None:
        raise SettingsError(f"no organisation {name_or_id!r}; see `companion org list`")
    return found


def cmd_org(settings: Settings, args: argparse.Namespace) -> int:
    now = SystemClock().now()

    async def add(db: Database) -> Organisation:
        name = args.name.strip()
        if not name or len(name) > organisations.NAME_MAX:
            raise SettingsError(f"--name must have 1 to {organisations.NAME_MAX} characters")
        url = check_webhook_url(args.webhook_url) if args.webhook_url else None
        async with db.transaction() as tx:
            if await organisations.find(tx, name) is not None:
                raise SettingsError(f"an organisation named {name!r} exists already")
            return await organisations.create(tx, name=name, region=args.region, webhook_url=url, now=now)

    async def listing(db: Database) -> None:
        async with db.read() as tx:
            found = await organisations.all_organisations(tx)
            staff = await coaches.all_coaches(tx)
        for organisation in found:
            active = sum(1 for c in staff if c.organisation_id == organisation.id and c.active)
            webhook = organisation.webhook_url or "-"
            print(
                f"{organisation.id:4}  {organisation.name}  region={organisation.region or '-'}  "
                f"coaches={active}  webhook={webhook}"
            )
        if not found:
            print("(no organisations yet: companion org add --name ...)")

    async def webhook(db: Database) -> str | None:
        organisation = await _organisation(db, args.org)
        async with db.transaction() as tx:
            if args.none:
                await organisations.set_webhook(tx, organisation.id, None)
            elif args.url:
                await organisations.set_webhook(tx, organisation.id, check_webhook_url(args.url))
            return await organisations.rotate_secret(tx, organisation.id) if args.new_secret else None

    if args.org_command == "add":
        created = _run(settings, add)
        assert isinstance(created, Organisation)
        print(f"added organisation {created.id}: {created.name}")
        print(f"webhook secret (shown only now, keep it safe): {created.webhook_secret}")
        return 0
    if args.org_command == "list":
        _run(settings, listing)
        return 0
    secret = _run(settings, webhook)
    if isinstance(secret, str):
        print(f"new webhook secret (shown only now, keep it safe): {secret}")
    print("saved")
    return 0


def cmd_coach(settings: Settings, args: argparse.Namespace) -> int:
    now = SystemClock().now()
    if args.coach_command == "add":
        return _coach_add(settings, args, now)
    if args.coach_command == "list":

        async def listing(db: Database) -> None:
            async with db.read() as tx:
                for coach in await coaches.all_coaches(tx):
                    size = await coaches.caseload_size(tx, coach.id)
                    print(
                        f"{coach.id:4}  {coach.name}  ({coach.organisation})  {coach.status.value}  "
                        f"caseload={size}/{settings.caseload_limit}"
                    )

        _run(settings, listing)
        return 0

    async def remove(db: Database) -> str:
        async with db.transaction() as tx:
            coach = await coaches.by_id(tx, args.coach_id)
            if coach is None or coach.status is CoachStatus.REMOVED:
                raise SettingsError(f"no coach {args.coach_id} with access; see `companion coach list`")
            moved = 0
            if args.hand_over_to is not None:
                colleague = await coaches.by_id(tx, args.hand_over_to)
                if (
                    colleague is None
                    or not colleague.active
                    or colleague.organisation_id != coach.organisation_id
                ):
                    raise SettingsError("--hand-over-to must name an active coach of the same organisation")
                moved = await coaches.hand_over(tx, coach.id, colleague.id, now)
            await coaches.remove(tx, coach.id, now)
            await due.drop_for_coach(tx, coach.id)
            if coach.chat_id is not None:
                await outbox.cancel_pending(tx, coach.chat_id)
                await buttons.forget_chat(tx, coach.chat_id)
                await conversations.delete(tx, coach.chat_id)
        return f"removed coach {coach.id} ({coach.name}); {moved} participants handed over"

    print(_run(settings, remove))
    return 0


def _coach_add(settings: Settings, args: argparse.Namespace, now: datetime) -> int:
    from bot.cli import bot_username

    name = args.name.strip()
    if not name or len(name) > coaches.NAME_MAX:
        raise SettingsError(f"--name must have 1 to {coaches.NAME_MAX} characters")

    async def add(db: Database) -> coaches.NewCoach:
        organisation = await _organisation(db, args.org)
        async with db.transaction() as tx:
            return await coaches.create(
                tx,
                organisation_id=organisation.id,
                name=name,
                locale=settings.default_locale,
                timezone=settings.timezone,
                now=now,
            )

    created = _run(settings, add)
    assert isinstance(created, coaches.NewCoach)
    username = bot_username(settings)
    link = f"https://t.me/{username}?start={created.code}" if username else None
    if args.json:
        print(
            json.dumps(
                {
                    "id": created.coach.id,
                    "code": created.code,
                    "link": link,
                    "expires_at": created.expires_at.isoformat(),
                }
            )
        )
        return 0
    if link:
        print(link)
    print(created.code)
    print(
        f"Coach {created.coach.id} ({name}, {created.coach.organisation}): open the link in the coach's own "
        f"Telegram until {created.expires_at:%Y-%m-%d %H:%M} UTC. It works once.",
        file=sys.stderr,
    )
    return 0


def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    anchor = None
    if getattr(args, "anchor", None):
        anchor_id, _, anchor_hash = str(args.anchor).partition(":")
        if not anchor_id.isdigit() or len(anchor_hash) != 64:
            raise SettingsError("--anchor must look like ID:HASH, as `companion audit head` prints it")
        anchor = (int(anchor_id), anchor_hash)

    async def work(db: Database) -> audit.Verdict | tuple[int, str] | None:
        async with db.read() as tx:
            if args.audit_command == "head":
                return await audit.head(tx)
            return await audit.verify(tx, anchor)

    result = _run(settings, work)
    if args.audit_command == "head":
        print("(the audit log is empty)" if result is None else "{}:{}".format(*result))  # type: ignore[misc]
        return 0
    assert isinstance(result, audit.Verdict)
    if result.ok:
        print(f"the audit log is intact: {result.entries} entries")
        return 0
    print(f"the audit log is broken: {result.problem}", file=sys.stderr)
    return 1


def cmd_stats(settings: Settings, args: argparse.Namespace) -> int:
    start = parse_month(args.start) if args.start else None
    end = parse_month(args.end) if args.end else None
    if start and end and start > end:
        raise SettingsError("--from must not be after --to")
    now = SystemClock().now()

    async def work(db: Database) -> object:
        async with db.read() as tx:
            return await stats_table(tx, now, start, end)

    table = _run(settings, work)
    print(render_csv(table) if args.csv else render_text(table), end="")  # type: ignore[arg-type]
    return 0


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "org": cmd_org,
    "coach": cmd_coach,
    "audit": cmd_audit,
    "stats": cmd_stats,
}
