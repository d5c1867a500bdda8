"""`companion status`: the operator's overview without personal data, and whether the service runs."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.commands.in_database import read_database
from bot.commands.parsing import Subparsers, command
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
        "the service's last heartbeat and last successful poll of Telegram. No personal data. Exit code 1 "
        "when the service is not running (no fresh heartbeat, in polling and webhook mode alike) or polling "
        "has stalled; 3 when there is no usable database at COMPANION_DATABASE (none is created).",
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
        return Overview(counts, times, await coaches.over_limit(tx, settings.caseload_limit))

    overview = read_database(settings, gather, create=False)
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
    if not_running(overview.times, now, timedelta(minutes=args.stale_after)):
        return 1
    return 1 if polling_stalled(overview.times, now, timedelta(minutes=args.stalled_after)) else 0


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
