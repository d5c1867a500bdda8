"""`companion status`: the operator's overview without personal data, and whether the service runs."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.commands.in_database import read_database
from bot.commands.parsing import Subparsers, command
from bot.ops.metrics import read_backlog
from bot.ops.readiness import Check, backlog_checks
from bot.scheduler import HEARTBEAT_SECONDS
from bot.settings import Settings
from dialogs.core.clock import SystemClock
from storage import coaches, due, meta, outbox, participants
from storage.database import Tx
from storage.times import from_db

STALLED_AFTER_MINUTES = 5
STALE_AFTER_MINUTES = 5  # ten missed heartbeats
STATUS_TIMES = {
    "last_poll_at": "last successful poll",
    "heartbeat_at": "last heartbeat",
    "maintenance_at": "last maintenance",
}


def declare(sub: Subparsers) -> None:
    status = command(
        sub,
        "status",
        help="operator overview without personal data",
        description="Participants by state, due rows by kind and state, the outbox by state, dead letters, "
        "the service's last heartbeat and last successful poll of Telegram, and the readiness checks the "
        "database can answer (outbox not stuck, due rows not past their grace window). No personal data. "
        "Exit code 1 when the service is not running (no fresh heartbeat, in polling and webhook mode "
        "alike), polling has stalled or a check fails; 3 when there is no usable database at "
        "COMPANION_DATABASE (none is created).",
        runs=show_status,
    )
    status.add_argument(
        "--stale-after",
        type=int,
        default=STALE_AFTER_MINUTES,
        metavar="MINUTES",
        help="call the service not running when its last heartbeat is older "
        f"(default {STALE_AFTER_MINUTES}; it beats every {HEARTBEAT_SECONDS} s)",
    )
    status.add_argument("--json", action="store_true", help="print one JSON object (for monitoring scripts)")
    status.add_argument(
        "--stalled-after",
        type=int,
        default=STALLED_AFTER_MINUTES,
        metavar="MINUTES",
        help=f"call polling stalled when the last successful poll is older (default {STALLED_AFTER_MINUTES})",
    )


@dataclass
class Overview:
    counts: dict[str, dict[str, int]]
    times: dict[str, str | None]
    crowded: list[tuple[coaches.Coach, int]]  # coaches over the caseload limit, with their caseload
    checks: list[Check]


def show_status(settings: Settings, args: argparse.Namespace) -> int:
    async def gather(tx: Tx) -> Overview:
        counts = {
            "participants by state": await participants.count_by_status(tx),
            "due rows by kind and state": {
                f"{kind} / {state}": n for (kind, state), n in (await due.counts(tx)).items()
            },
            "outbox by state": await outbox.counts_by_status(tx),
            "dead letters by error": await outbox.dead_by_error(tx),
        }
        times = {key: await meta.get(tx, key) for key in STATUS_TIMES}
        crowded = await coaches.over_limit(tx, settings.caseload_limit)
        return Overview(counts, times, crowded, backlog_checks(await read_backlog(tx, SystemClock().now())))

    overview = read_database(settings, gather, create=False)
    if args.json:
        return _print_json(overview, args)
    for section, numbers in overview.counts.items():
        print(f"{section}:")
        for key, count in sorted(numbers.items()) or [("(none)", 0)]:
            print(f"  {key:32} {count}")
    now = SystemClock().now()
    print("service:")
    for key, label in STATUS_TIMES.items():
        value = overview.times[key]
        if value is None:
            print(f"  {label:32} never")
            continue
        moment = from_db(value)
        print(f"  {label:32} {moment:%Y-%m-%d %H:%M:%S} UTC ({_ago(now - moment)} ago)")
    print(f"coaches over the caseload limit of {settings.caseload_limit}:")
    for coach, size in overview.crowded:
        print(f"  coach {coach.id:<26} {size}")
    if not overview.crowded:
        print("  (none)")
    print("checks:")
    for check in overview.checks:
        print(f"  {check.name:32} {'ok' if check.ok else 'FAILING'}: {check.detail}")
    return _exit_code(overview, args, now)


def _exit_code(overview: Overview, args: argparse.Namespace, now: datetime) -> int:
    """1 when the service is not running, has stalled, or a check fails (each reason goes to stderr)."""
    failing = False
    for check in overview.checks:
        if not check.ok:
            print(f"CHECK FAILING: {check.name}: {check.detail}", file=sys.stderr)
            failing = True
    if not_running(overview.times, now, timedelta(minutes=args.stale_after)):
        return 1
    stalled = polling_stalled(overview.times, now, timedelta(minutes=args.stalled_after))
    return 1 if stalled or failing else 0


def _print_json(overview: Overview, args: argparse.Namespace) -> int:
    now = SystemClock().now()
    code = _exit_code(overview, args, now)
    body = {
        **{section.replace(" ", "_"): numbers for section, numbers in overview.counts.items()},
        "service": {key: overview.times[key] for key in STATUS_TIMES},
        "coaches_over_caseload_limit": [
            {"coach": coach.id, "caseload": size} for coach, size in overview.crowded
        ],
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in overview.checks},
        "ok": code == 0,
    }
    print(json.dumps(body, indent=2, sort_keys=True))
    return code


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


def _ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
