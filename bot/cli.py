"""The `companion` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import catalogue, coach_cli
from bot.scheduler import HEARTBEAT_SECONDS
from bot.settings import Settings, SettingsError, load_settings, settings_table
from dialogs.core.clock import Clock, SystemClock
from dialogs.core.config import EngineConfig
from dialogs.info.content import ContentError
from dialogs.info.conversation import content
from dialogs.privacy.upkeep import DailyResult, run_daily
from storage import (
    appointments,
    checkpoints,
    coaches,
    due,
    invitations,
    meta,
    org_pseudonyms,
    outbox,
    participants,
    selfreports,
)
from storage.database import Database, DatabaseError
from storage.sealing import Sealer, new_key, sealer_for
from storage.times import from_db

log = logging.getLogger("companion")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _not_a_proxy_page(record: logging.LogRecord) -> bool:
    """python-telegram-bot logs an error page that is not JSON (a 502 from Telegram's proxy) whole, with a
    traceback, at ERROR. The outbox already retries that message and logs it in one line."""
    return not record.getMessage().startswith("Can not load invalid JSON data")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format=LOG_FORMAT, stream=sys.stderr)
    # httpx logs request URLs, which contain the bot token; python-telegram-bot logs update contents at DEBUG.
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler", "aiosqlite", "uvicorn"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    request_log = logging.getLogger("telegram.request.BaseRequest")
    if _not_a_proxy_page not in request_log.filters:
        request_log.addFilter(_not_a_proxy_page)


def build_parser() -> argparse.ArgumentParser:
    settings_help = "\n".join(f"  {name:32} {meaning}" for name, _, meaning in settings_table())
    parser = argparse.ArgumentParser(
        prog="companion",
        description="A voluntary Telegram companion for job-centre health and addiction coaching programmes.",
        epilog=f"Settings (environment or .env):\n{settings_help}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser(
        "run",
        help="run the Telegram bot (long polling, or --webhook)",
        description="Run the Telegram bot with long polling, or as a webhook behind a reverse proxy. "
        "Needs COMPANION_TELEGRAM_TOKEN; --webhook also needs COMPANION_WEBHOOK_URL.",
    )
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates on COMPANION_WEBHOOK_LISTEN:COMPANION_WEBHOOK_PORT instead of polling",
    )

    console = sub.add_parser(
        "console",
        help="talk to the bot in this terminal (no Telegram needed)",
        description="The same conversations in the terminal; buttons become numbers. "
        "Reads stdin, so input can be piped.",
    )
    console.add_argument("--chat-id", type=int, default=0, help="pretend to be this chat (default 0)")

    invite = sub.add_parser(
        "invite",
        help="create a single-use invitation for a participant",
        description="Create a single-use invitation and print its link and code.",
    )
    invite.add_argument("--days", type=int, default=None, help="days until it expires (default 14)")
    invite.add_argument("--json", action="store_true", help='print {"code", "link", "expires_at"}')
    invite.add_argument(
        "--region",
        help="the programme's region, for local help information (e.g. bochum); "
        "with --coach, the coach's organisation's region unless given",
    )
    invite.add_argument(
        "--coach", type=int, default=None, help="bind it to this coach (number from `companion coach list`)"
    )

    db = sub.add_parser("db", help="database maintenance", description="Database maintenance.")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser(
        "upgrade",
        help="apply schema migrations (also done at every start)",
        description="Apply schema migrations.",
    )
    backup = db_sub.add_parser(
        "backup",
        help="write a consistent copy of the database, also while running",
        description="Write a consistent copy of the database (SQLite online backup). Safe while "
        "`companion run` is running. To restore, stop the service and copy the backup over "
        "COMPANION_DATABASE.",
    )
    backup.add_argument("path", type=Path, help="where to write the copy (must not exist)")

    appointment = sub.add_parser(
        "appointment",
        help="appointments for participants",
        description="Appointments for participants.",
    )
    appointment_sub = appointment.add_subparsers(dest="appointment_command", metavar="ACTION", required=True)
    add = appointment_sub.add_parser(
        "add",
        help="propose an appointment; the participant confirms it in the chat",
        description="Add an appointment for a participant. They are told in the chat and confirm it with "
        "one tap; until then it is only proposed, and declining removes it.",
    )
    add.add_argument(
        "--participant",
        required=True,
        metavar="P-XXXX",
        help="the participant's pseudonym (the internal one or an organisation's)",
    )
    add.add_argument(
        "--at", required=True, metavar='"YYYY-MM-DD HH:MM"', help="local time in the participant's time zone"
    )
    add.add_argument("--kind", required=True, help="one of: " + ", ".join(appointments.KINDS))
    add.add_argument(
        "--place",
        default=None,
        help=f"where (at most {appointments.PLACE_MAX} characters; stored encrypted, so it needs "
        "COMPANION_ENCRYPTION_KEYS)",
    )
    add.add_argument(
        "--note",
        default=None,
        help=f"a short note (at most {appointments.NOTE_MAX} characters; stored encrypted, so it needs "
        "COMPANION_ENCRYPTION_KEYS)",
    )

    status = sub.add_parser(
        "status",
        help="operator overview without personal data",
        description="Participants by state, due rows by kind and state, the outbox by state, dead letters, "
        "the service's last heartbeat and last successful poll of Telegram. No personal data. Exit code 1 "
        "when the service is not running (no fresh heartbeat, in polling and webhook mode alike) or polling "
        "has stalled; 3 when there is no usable database at COMPANION_DATABASE (none is created).",
    )
    status.add_argument(
        "--stale-after",
        type=int,
        default=STALE_AFTER_MINUTES,
        metavar="MINUTES",
        help="call the service not running when its last heartbeat is older "
        f"(default {STALE_AFTER_MINUTES}; it beats every {HEARTBEAT_SECONDS} s)",
    )
    status.add_argument(
        "--stalled-after",
        type=int,
        default=STALLED_AFTER_MINUTES,
        metavar="MINUTES",
        help=f"call polling stalled when the last successful poll is older (default {STALLED_AFTER_MINUTES})",
    )

    keys = sub.add_parser(
        "keys",
        help="encryption keys for free text at rest",
        description="Keys for free text at rest (COMPANION_ENCRYPTION_KEYS, comma-separated, newest first).",
    )
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    keys_sub.add_parser(
        "new",
        help="print a fresh key",
        description="Print a fresh key. Put it first in COMPANION_ENCRYPTION_KEYS and keep the old keys "
        "behind it until `companion keys rotate` has run.",
    )
    keys_sub.add_parser(
        "rotate",
        help="re-encrypt every stored text with the newest key",
        description="Re-encrypt every stored free text (self-report notes, appointment places and notes) "
        "with the first key of COMPANION_ENCRYPTION_KEYS, and encrypt appointment places and notes that "
        "were stored as plain text before they were encrypted. Afterwards the older keys can be removed. "
        "Stop the bot first or run it at a quiet time.",
    )

    sub.add_parser(
        "purge",
        help="run the daily upkeep now: delete expired answers, check coach rules",
        description="Delete raw self-report answers older than COMPANION_RETENTION_DAYS (weekly "
        "aggregates stay) and raise the no-check-in signals participants asked for. The running bot "
        "does this daily; this command is for cron or a manual run.",
    )

    coach_cli.add_parsers(sub)

    locales = sub.add_parser("locales", help="translation catalogues", description="Translation catalogues.")
    loc_sub = locales.add_subparsers(dest="locales_command", metavar="ACTION", required=True)
    loc_sub.add_parser(
        "status",
        help="coverage, fuzzy count and review status per locale",
        description="Coverage, fuzzy count and review status per locale.",
    )
    loc_sub.add_parser(
        "update",
        help="extract strings into messages.pot and merge into every locale",
        description="Extract strings and merge them into every locale (for developers).",
    )
    new = loc_sub.add_parser(
        "new",
        help="start a catalogue for a new language",
        description="Start a catalogue for a new language.",
    )
    new.add_argument("locale", help="language code, for example 'it'")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        content()  # the help information is checked before anything starts
        handler = COMMANDS[args.command]
        return handler(settings, args)
    except SettingsError as exc:
        print(f"companion: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        print(
            f"companion: {exc}\nFix the files under locales/info (see locales/info/README.md).",
            file=sys.stderr,
        )
        return 4
    except DatabaseError as exc:
        print(
            f"companion: the database cannot be used: {exc}\nCheck COMPANION_DATABASE, or restore a backup.",
            file=sys.stderr,
        )
        return 3
    except KeyboardInterrupt:
        return 130


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.service import run_telegram

    token = settings.require_token()
    if args.webhook:
        settings.require_webhook_url()
    asyncio.run(run_telegram(settings, token, webhook=args.webhook))
    return 0


def cmd_console(settings: Settings, args: argparse.Namespace) -> int:
    from bot.service import run_console

    if settings.log_level == "INFO":
        logging.getLogger().setLevel(logging.WARNING)  # the terminal is the conversation
    asyncio.run(run_console(settings, sys.stdin, sys.stdout, chat_id=args.chat_id))
    return 0


def cmd_invite(settings: Settings, args: argparse.Namespace) -> int:
    days = args.days if args.days is not None else settings.invitation_days
    if not 1 <= days <= 365:
        raise SettingsError("--days must be between 1 and 365.")
    regions = content().regions()
    if args.region is not None and args.region not in regions:
        raise SettingsError(f"unknown region {args.region!r}; known regions: {', '.join(regions)}")

    async def create() -> invitations.NewInvitation:
        async with await Database.open(settings.database) as db, db.transaction() as tx:
            coach = await coaches.by_id(tx, args.coach) if args.coach is not None else None
            if args.coach is not None and (coach is None or not coach.active):
                raise SettingsError(f"--coach {args.coach} has no access; see `companion coach list`")
            now = SystemClock().now()
            if coach is not None:
                return await invitations.create_for_coach(
                    tx, now, timedelta(days=days), coach.id, args.region
                )
            return await invitations.create(tx, now, timedelta(days=days), region=args.region)

    created = asyncio.run(create())
    username = bot_username(settings)
    link = f"https://t.me/{username}?start={created.code}" if username else None
    if args.json:
        print(json.dumps({"code": created.code, "link": link, "expires_at": created.expires_at.isoformat()}))
        return 0
    if link:
        print(link)
    else:
        print("(Set COMPANION_BOT_USERNAME or COMPANION_TELEGRAM_TOKEN to print the link.)", file=sys.stderr)
    print(created.code)
    print(f"Valid until {created.expires_at:%Y-%m-%d %H:%M} UTC, for one person.", file=sys.stderr)
    return 0


def bot_username(settings: Settings) -> str | None:
    return settings.bot_username or _username_from_token(settings)


def _username_from_token(settings: Settings) -> str | None:
    """Ask Telegram for the bot's username when only the token is configured."""
    if settings.telegram_token is None:
        return None
    from telegram import Bot

    async def ask() -> str | None:
        assert settings.telegram_token is not None
        try:
            async with Bot(
                settings.telegram_token.get_secret_value(), base_url=settings.telegram_api_url
            ) as bot:
                return bot.username
        except Exception as exc:
            log.warning("could not ask Telegram for the bot's username: %s", type(exc).__name__)
            return None

    return asyncio.run(ask())


def cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    if args.db_command == "backup":
        return _backup(settings, args.path)

    async def upgrade() -> list[str]:
        async with await Database.open(settings.database, migrate=False) as db:
            return await db.upgrade()

    applied = asyncio.run(upgrade())
    print("\n".join(f"applied {name}" for name in applied) or "the database is up to date")
    return 0


class UsageError(Exception):
    """Input on the command line that cannot be used; the message says what to do."""


def cmd_appointment(settings: Settings, args: argparse.Namespace) -> int:
    async def add() -> str:
        async with await Database.open(settings.database) as db:
            return await add_appointment(
                db,
                SystemClock(),
                settings.engine_config(),
                pseudonym=args.participant,
                at=args.at,
                kind=args.kind,
                place=args.place,
                note=args.note,
            )

    try:
        print(asyncio.run(add()))
    except UsageError as exc:
        print(f"companion: {exc}", file=sys.stderr)
        return 2
    return 0


async def add_appointment(
    db: Database,
    clock: Clock,
    config: EngineConfig,
    *,
    pseudonym: str,
    at: str,
    kind: str,
    place: str | None = None,
    note: str | None = None,
) -> str:
    """Propose an appointment to a participant and tell them in the chat; returns what to print."""
    from dialogs.appointments.reminder_plan import propose
    from dialogs.appointments.when import local_moment
    from dialogs.core.engine import Engine
    from dialogs.core.events import Event, EventKind
    from dialogs.core.sanitize import clean
    from dialogs.features import REGISTRY

    code = kind.strip().lower().replace("_", "").replace("-", "").replace(" ", "")
    if code not in appointments.KINDS:
        raise UsageError(f"unknown kind {kind!r}; use one of: {', '.join(appointments.KINDS)}")
    place = " ".join(clean(place or "").split()) or None
    note = " ".join(clean(note or "").split()) or None
    if place is not None and len(place) > appointments.PLACE_MAX:
        raise UsageError(f"--place is too long ({len(place)} characters, at most {appointments.PLACE_MAX})")
    if note is not None and len(note) > appointments.NOTE_MAX:
        raise UsageError(f"--note is too long ({len(note)} characters, at most {appointments.NOTE_MAX})")
    sealer = sealer_for(config.encryption_keys)
    if (place is not None or note is not None) and sealer is None:
        raise UsageError(
            "--place and --note are free text, which is only stored encrypted: set COMPANION_ENCRYPTION_KEYS "
            "first (make a key with `companion keys new`), or leave them out"
        )
    try:
        local = datetime.strptime(at.strip().replace("T", " "), "%Y-%m-%d %H:%M")
    except ValueError:
        raise UsageError(f'cannot read --at {at!r}; write it like "2026-12-01 10:00"') from None
    async with db.transaction() as tx:
        now = clock.now()
        # The internal pseudonym, or the one an organisation knows the person by (a coach may only know
        # that one); they never collide, and the answer names the pseudonym the operator typed.
        participant = await participants.by_pseudonym(tx, pseudonym)
        if participant is None and (known_to := await org_pseudonyms.participant_of(tx, pseudonym)):
            participant = await participants.by_id(tx, known_to)
        if participant is None:
            raise UsageError(f"no participant with the pseudonym {pseudonym!r}")
        named = pseudonym.strip().upper()
        if participant.status is not participants.Status.ACTIVE:
            raise UsageError(
                f"{named} is {participant.status.value}: they cannot be told now, so nothing was added"
            )
        zone = participant.timezone
        starts_at = local_moment(local.date(), local.time(), ZoneInfo(zone))
        if starts_at is None:
            raise UsageError(f"{at} does not exist in {zone}: the clocks change then")
        if starts_at <= now:
            raise UsageError(f"{at} ({zone}) is in the past")
        created, due_id = await propose(
            tx,
            participant,
            starts_at=starts_at,
            kind=code,
            place=None if place is None or sealer is None else sealer.seal(place),
            note=None if note is None or sealer is None else sealer.seal(note),
            now=now,
        )
    await Engine(db, clock, config, REGISTRY).handle(Event(participant.chat_id, EventKind.DUE, due_id=due_id))
    return (
        f"Appointment {created.id} proposed to {named} for {local:%Y-%m-%d %H:%M} ({zone}). "
        "They are asked in the chat to confirm it."
    )


def _backup(settings: Settings, target: Path) -> int:
    if target.exists():
        raise SettingsError(f"{target} exists already; choose a new file name so no backup is overwritten.")
    if target.resolve() == settings.database.resolve():
        raise SettingsError("the backup must go to another file than COMPANION_DATABASE.")

    async def copy() -> None:
        async with await Database.open(settings.database, create=False) as db:
            await db.backup(target)

    asyncio.run(copy())
    print(f"backup written to {target}")
    return 0


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    async def gather() -> tuple[dict[str, dict[str, int]], dict[str, str | None]]:
        async with await Database.open(settings.database, create=False) as db, db.read() as tx:
            counts = {
                "participants by state": await participants.count_by_status(tx),
                "due rows by kind and state": {
                    f"{kind} / {state}": n for (kind, state), n in (await due.counts(tx)).items()
                },
                "outbox by state": await outbox.counts_by_status(tx),
                "dead letters by error": await outbox.dead_by_error(tx),
            }
            times = {key: await meta.get(tx, key) for key in STATUS_TIMES}
            return counts, times

    async def over_limit() -> list[tuple[coaches.Coach, int]]:
        async with await Database.open(settings.database, create=False) as db, db.read() as tx:
            return await coaches.over_limit(tx, settings.caseload_limit)

    counts, times = asyncio.run(gather())
    for section, numbers in counts.items():
        print(f"{section}:")
        for key, count in sorted(numbers.items()) or [("(none)", 0)]:
            print(f"  {key:32} {count}")
    now = SystemClock().now()
    print("service:")
    for key, label in STATUS_TIMES.items():
        value = times[key]
        if value is None:
            print(f"  {label:32} never")
            continue
        moment = from_db(value)
        print(f"  {label:32} {moment:%Y-%m-%d %H:%M:%S} UTC ({_ago(now - moment)} ago)")
    crowded = asyncio.run(over_limit())
    print(f"coaches over the caseload limit of {settings.caseload_limit}:")
    for coach, size in crowded:
        print(f"  coach {coach.id:<26} {size}")
    if not crowded:
        print("  (none)")
    if not_running(times, now, timedelta(minutes=args.stale_after)):
        return 1
    return 1 if polling_stalled(times, now, timedelta(minutes=args.stalled_after)) else 0


def not_running(times: dict[str, str | None], now: datetime, limit: timedelta) -> bool:
    """No heartbeat, or one older than `limit`: the service is not running (whether it polls or serves a
    webhook), or it runs but cannot write to its database."""
    heartbeat = times.get("heartbeat_at")
    if heartbeat is None:
        print("SERVICE NOT RUNNING: no heartbeat was ever recorded in this database", file=sys.stderr)
        return True
    age = now - from_db(heartbeat)
    if age <= limit:
        return False
    print(
        f"SERVICE NOT RUNNING: last heartbeat {_ago(age)} ago "
        f"(more than {limit.total_seconds() // 60:.0f} minutes)",
        file=sys.stderr,
    )
    return True


def polling_stalled(times: dict[str, str | None], now: datetime, limit: timedelta) -> bool:
    """The service is running (its heartbeat is fresh) and polls Telegram (a poll was recorded; webhook mode
    records none), but no poll has succeeded for too long."""
    heartbeat, poll = times.get("heartbeat_at"), times.get("last_poll_at")
    if heartbeat is None or poll is None or now - from_db(heartbeat) > limit:
        return False
    stalled = now - from_db(poll) > limit
    if stalled:
        print(
            f"POLLING STALLED: no successful poll of Telegram for more than {limit.seconds // 60} minutes",
            file=sys.stderr,
        )
    return stalled


def cmd_keys(settings: Settings, args: argparse.Namespace) -> int:
    if args.keys_command == "new":
        print(new_key())
        return 0
    keys = settings.key_list
    if not keys:
        raise SettingsError(
            "COMPANION_ENCRYPTION_KEYS is not set. Make a key with `companion keys new` and set it first."
        )

    async def rotate() -> tuple[int, int, appointments.Resealed]:
        async with await Database.open(settings.database) as db:
            async with db.transaction() as tx:
                sealer = Sealer(keys)
                rotated, unreadable = await selfreports.rotate_notes(tx, sealer)
                texts = await appointments.rotate_text(tx, sealer)
                await checkpoints.owe(tx)  # the copies under the old keys leave the log, too
            if not await checkpoints.settle(db):
                print("a reader holds the database log: the old copies go at the service's next sweep")
            return rotated, unreadable, texts

    notes, unreadable_notes, texts = asyncio.run(rotate())
    rotated = notes + texts.rotated
    unreadable = unreadable_notes + texts.unreadable
    print(
        f"re-encrypted {rotated} stored texts with the newest key "
        f"({notes} self-report notes, {texts.rotated} appointment places and notes)"
    )
    print(f"encrypted {texts.sealed_legacy} appointment places and notes stored as plain text before")
    if unreadable:
        print(
            f"{unreadable} stored texts could not be opened with any configured key and were left as they "
            "are: add the key they were written with to COMPANION_ENCRYPTION_KEYS and run this again",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_purge(settings: Settings, args: argparse.Namespace) -> int:
    async def purge() -> DailyResult:
        async with await Database.open(settings.database) as db:
            return await run_daily(db, SystemClock().now(), settings.engine_config())

    result = asyncio.run(purge())
    for kind, count in result.deleted.items():
        print(f"deleted {count:6} {kind}")
    print(f"erased {result.erased} people who stopped or could not be reached long ago")
    print(f"raised {result.signals} no-check-in signals")
    return 0


STALLED_AFTER_MINUTES = 5
STALE_AFTER_MINUTES = 5  # ten missed heartbeats
STATUS_TIMES = {
    "last_poll_at": "last successful poll",
    "heartbeat_at": "last heartbeat",
    "maintenance_at": "last maintenance",
}


def _ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def cmd_locales(settings: Settings, args: argparse.Namespace) -> int:
    if args.locales_command == "update":
        touched = catalogue.update()
        print("updated messages.pot and: " + ", ".join(touched))
        return 0
    if args.locales_command == "new":
        print(f"created {catalogue.new_locale(args.locale)}")
        return 0
    rows = catalogue.status()
    print(f"{'locale':8} {'coverage':>9} {'fuzzy':>6} {'problems':>9}  review")
    for row in rows:
        print(f"{row.locale:8} {row.coverage:9.0%} {row.fuzzy:6} {len(row.problems):9}  {row.review or '-'}")
    return 0


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "run": cmd_run,
    "console": cmd_console,
    "invite": cmd_invite,
    "db": cmd_db,
    "appointment": cmd_appointment,
    "status": cmd_status,
    "keys": cmd_keys,
    "purge": cmd_purge,
    "locales": cmd_locales,
    **coach_cli.COMMANDS,
}

if __name__ == "__main__":
    sys.exit(main())
