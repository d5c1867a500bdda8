"""`companion org hours` and `companion coach email`: an organisation's escalation time and working hours
(the inbox counts escalation in working minutes and brings follow-ups back at the start of a working day),
and a coach's work e-mail for the "something new in the case view" mail. Wrong values are named in plain
sentences."""

from __future__ import annotations

import argparse
import re
from dataclasses import replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.commands.in_database import in_database
from bot.settings import Settings, SettingsError
from storage import coaches, inbox, organisations
from storage.database import Database
from storage.inbox import TeamSettings

CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
LONGEST_ESCALATION = 7 * 24 * 60  # a week of working minutes
EMAIL_MAX = 254


def _clock(text: str, option: str) -> str:
    found = CLOCK.fullmatch(text.strip())
    if found is None:
        raise SettingsError(f"{option} must be a time of day like 08:00 or 16:30, not {text!r}.")
    return f"{int(found.group(1)):02d}:{found.group(2)}"


def checked_hours(current: TeamSettings, args: argparse.Namespace) -> TeamSettings:
    """The organisation's settings with the given options changed; SettingsError names what is wrong."""
    value = current
    if args.escalate_after is not None:
        if not 1 <= args.escalate_after <= LONGEST_ESCALATION:
            raise SettingsError(
                f"--escalate-after is in working minutes: a number from 1 to {LONGEST_ESCALATION}."
            )
        value = replace(value, escalate_after_minutes=args.escalate_after)
    if args.days is not None:
        days = args.days.strip()
        if not days or any(d not in "1234567" for d in days) or len(set(days)) != len(days):
            raise SettingsError(
                "--days lists the working days as digits, 1 for Monday to 7 for Sunday, each once: "
                "for example 12345."
            )
        value = replace(value, work_days="".join(sorted(days)))
    if args.start is not None:
        value = replace(value, work_start=_clock(args.start, "--start"))
    if args.end is not None:
        value = replace(value, work_end=_clock(args.end, "--end"))
    if value.work_start >= value.work_end:
        raise SettingsError(
            f"The working day must start before it ends: {value.work_start} is not before {value.work_end}."
        )
    if args.timezone is not None:
        try:
            ZoneInfo(args.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"--timezone must be a time zone name like Europe/Berlin, not {args.timezone!r}."
            ) from None
        value = replace(value, timezone=args.timezone)
    return value


def describe(value: TeamSettings) -> str:
    return (
        f"escalate-after={value.escalate_after_minutes}min days={value.work_days} "
        f"hours={value.work_start}-{value.work_end} timezone={value.timezone}"
    )


def set_hours(settings: Settings, args: argparse.Namespace) -> int:
    async def change(db: Database) -> TeamSettings:
        async with db.transaction() as tx:
            organisation = await organisations.find(tx, args.org)
            if organisation is None:
                raise SettingsError(f"There is no organisation {args.org!r}; see `companion org list`.")
            value = checked_hours(await inbox.settings(tx, organisation.id), args)
            await inbox.set_settings(tx, organisation.id, value)
            return value

    print(f"saved: {describe(in_database(settings, change))}")
    return 0


def checked_email(text: str) -> str:
    address = text.strip()
    if len(address) > EMAIL_MAX or EMAIL.fullmatch(address) is None:
        raise SettingsError(f"{text!r} is not an e-mail address like name@jobcenter.example.org.")
    return address


def set_email(settings: Settings, args: argparse.Namespace) -> int:
    if args.none == (args.address is not None):
        raise SettingsError("Give either the coach's work e-mail address or --none to remove it.")
    address = None if args.none else checked_email(args.address)

    async def change(db: Database) -> None:
        async with db.transaction() as tx:
            coach = await coaches.by_id(tx, args.coach_id)
            if coach is None or (not coach.active and coach.status is coaches.CoachStatus.REMOVED):
                raise SettingsError(f"There is no coach number {args.coach_id}; see `companion coach list`.")
            await coaches.set_email(tx, coach.id, address)

    in_database(settings, change)
    print("saved" if address else "removed: no more e-mail notifications for this coach")
    return 0
