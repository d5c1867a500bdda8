"""`companion appointment add`: propose an appointment to a participant, who confirms it in the chat."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.commands.in_database import in_database
from bot.commands.parsing import Subparsers, actions, command
from bot.settings import Settings
from dialogs.core.clock import Clock, SystemClock
from dialogs.core.config import EngineConfig
from storage import appointments, org_pseudonyms, participants
from storage.database import Database
from storage.sealing import sealer_for


class UsageError(Exception):
    """Input on the command line that cannot be used; the message says what to do."""


def declare(sub: Subparsers) -> None:
    appointment = actions(
        sub, "appointment", help="appointments for participants", description="Appointments for participants."
    )
    add = command(
        appointment,
        "add",
        help="propose an appointment; the participant confirms it in the chat",
        description="Add an appointment for a participant. They are told in the chat and confirm it with "
        "one tap; until then it is only proposed, and declining removes it.",
        runs=propose_appointment,
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


def propose_appointment(settings: Settings, args: argparse.Namespace) -> int:
    async def add(db: Database) -> str:
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
        print(in_database(settings, add))
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
