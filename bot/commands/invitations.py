"""`companion invite`: a single-use invitation for a participant, optionally bound to a coach."""

from __future__ import annotations

import argparse
from datetime import timedelta

from bot.commands.in_database import in_database
from bot.commands.parsing import Subparsers, command
from bot.commands.start_links import hand_out
from bot.settings import Settings, SettingsError
from dialogs.core.clock import SystemClock
from dialogs.info.conversation import content
from storage import coaches, invitations
from storage.database import Database


def declare(sub: Subparsers) -> None:
    invite = command(
        sub,
        "invite",
        help="create a single-use invitation for a participant",
        description="Create a single-use invitation and print its link and code.",
        runs=invite_participant,
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


def invite_participant(settings: Settings, args: argparse.Namespace) -> int:
    days = args.days if args.days is not None else settings.invitation_days
    if not 1 <= days <= 365:
        raise SettingsError("--days must be between 1 and 365.")
    regions = content().regions()
    if args.region is not None and args.region not in regions:
        raise SettingsError(f"unknown region {args.region!r}; known regions: {', '.join(regions)}")

    async def create(db: Database) -> invitations.NewInvitation:
        async with db.transaction() as tx:
            coach = await coaches.by_id(tx, args.coach) if args.coach is not None else None
            if args.coach is not None and (coach is None or not coach.active):
                raise SettingsError(f"--coach {args.coach} has no access; see `companion coach list`")
            now = SystemClock().now()
            if coach is not None:
                return await invitations.create_for_coach(
                    tx, now, timedelta(days=days), coach.id, args.region
                )
            return await invitations.create(tx, now, timedelta(days=days), region=args.region)

    created = in_database(settings, create)
    hand_out(
        settings,
        created.code,
        created.expires_at,
        as_json=args.json,
        note=f"Valid until {created.expires_at:%Y-%m-%d %H:%M} UTC, for one person.",
        without_link="(Set COMPANION_BOT_USERNAME or COMPANION_TELEGRAM_TOKEN to print the link.)",
    )
    return 0
