"""`companion coach`: coaches of an organisation, their access and their caseloads."""

from __future__ import annotations

import argparse
import sys

from bot.commands.in_database import in_database, read_database
from bot.commands.organisations import organisation_named
from bot.commands.parsing import Subparsers, actions, checked_name, command
from bot.commands.start_links import hand_out
from bot.settings import Settings, SettingsError
from bot.web.auth import new_totp_secret
from dialogs.core.clock import SystemClock
from storage import buttons, coaches, conversations, due, outbox, web_accounts, web_sessions
from storage.coaches import CoachStatus
from storage.database import Database, Tx


def declare(sub: Subparsers) -> None:
    coach_sub = actions(
        sub, "coach", help="coaches and their access", description="Coaches and their access."
    )
    add = command(
        coach_sub,
        "add",
        help="add a coach: prints a single-use link, valid 72 hours",
        description="Add a coach of an organisation. Prints a single-use link (and its code) that the coach "
        "opens in Telegram within 72 hours to get coach access in that chat.",
        runs=add_coach,
    )
    add.add_argument("--org", required=True, help="the organisation's name or number")
    add.add_argument("--name", required=True, help="the coach's name, as participants and the team see it")
    add.add_argument("--json", action="store_true", help='print {"id", "code", "link", "expires_at"}')
    command(
        coach_sub,
        "list",
        help="list coaches",
        description="Coaches with state and caseload size.",
        runs=list_coaches,
    )
    remove = command(
        coach_sub,
        "remove",
        help="end a coach's access at once",
        description="End a coach's access at once: commands and buttons stop working, nothing more is "
        "sent to them, their links to participants end (or move to a colleague with --hand-over-to).",
        runs=remove_coach,
    )
    remove.add_argument("coach_id", type=int, help="the coach's number (see `companion coach list`)")
    remove.add_argument(
        "--hand-over-to", type=int, default=None, help="a colleague's number, same organisation"
    )


def add_coach(settings: Settings, args: argparse.Namespace) -> int:
    now = SystemClock().now()
    name = checked_name(args.name, coaches.NAME_MAX)

    web_base = web_base_url(settings)

    async def add(db: Database) -> tuple[coaches.NewCoach, str | None]:
        organisation = await organisation_named(db, args.org)
        async with db.transaction() as tx:
            created = await coaches.create(
                tx,
                organisation_id=organisation.id,
                name=name,
                locale=settings.default_locale,
                timezone=settings.timezone,
                now=now,
            )
            web_link = None
            if web_base is not None:
                token, _ = await web_accounts.new_setup_link(tx, created.coach.id, new_totp_secret(), now)
                web_link = f"{web_base}/setup/{token}"
            return created, web_link

    created, web_link = in_database(settings, add)
    if web_link is not None and not args.json:
        print(f"Web case view: {web_link}")
        print(
            f"  (the coach opens it within {web_accounts.SETUP_VALID.days * 24} hours to choose a password"
            " and "
            "add an authenticator app; it works once)",
            file=sys.stderr,
        )
    elif web_link is None:
        print("The web case view is off (COMPANION_WEB_LISTEN unset): no web set-up link.", file=sys.stderr)
    hand_out(
        settings,
        created.code,
        created.expires_at,
        as_json=args.json,
        json_first={"id": created.coach.id, "web_setup_link": web_link},
        note=f"Coach {created.coach.id} ({name}, {created.coach.organisation}): open the link in the coach's "
        f"own Telegram until {created.expires_at:%Y-%m-%d %H:%M} UTC. It works once.",
    )
    return 0


def list_coaches(settings: Settings, args: argparse.Namespace) -> int:
    async def listing(tx: Tx) -> list[tuple[coaches.Coach, int]]:
        return [(coach, await coaches.caseload_size(tx, coach.id)) for coach in await coaches.all_coaches(tx)]

    for coach, size in read_database(settings, listing):
        print(
            f"{coach.id:4}  {coach.name}  ({coach.organisation})  {coach.status.value}  "
            f"caseload={size}/{settings.caseload_limit}"
        )
    return 0


def remove_coach(settings: Settings, args: argparse.Namespace) -> int:
    now = SystemClock().now()

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
            await web_sessions.revoke_coach(tx, coach.id, now)  # signed out of the web view at once
            await web_accounts.remove_account(tx, coach.id)
            await due.drop_for_coach(tx, coach.id)
            if coach.chat_id is not None:
                await outbox.cancel_pending(tx, coach.chat_id)
                await buttons.forget_chat(tx, coach.chat_id)
                await conversations.delete(tx, coach.chat_id)
        return f"removed coach {coach.id} ({coach.name}); {moved} participants handed over"

    print(in_database(settings, remove))
    return 0


def web_base_url(settings: Settings) -> str | None:
    """The web view's public address when it is configured (a wrong setting stops here, before any change)."""
    if settings.web_address() is None and not settings.web_base_url:
        return None
    return settings.web_public_url()
