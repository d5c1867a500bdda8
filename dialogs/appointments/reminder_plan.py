"""Turning an appointment into due rows (reminders, the follow-up) and back out of them.

Due-row keys name the appointment and a plan generation: `appt:<id>:r<gen>:<code>` for reminders,
`appt:<id>:f<gen>` for the follow-up, `appt:<id>:s:<minute>` for "remind me again". Every replanning
cancels what is still pending and plans afresh under a new generation (the appointment's `sequence`), so a
reminder already sent never blocks its successor.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dialogs.appointments.calendar_file import calendar_file
from dialogs.appointments.when import (
    DEFAULT_REMINDERS,
    REMINDER_CODES,
    PlannedReminder,
    alarm_offsets,
    followup_moment,
    plan_reminders,
)
from dialogs.appointments.wording import opened
from dialogs.core.turn import Turn
from dialogs.quiet_hours import quiet_hours_for
from storage import appointments, buttons, due
from storage.appointments import Appointment
from storage.database import Tx
from storage.due import DueItem
from storage.outbox import Attachment
from storage.participants import Participant

REMINDER, FOLLOWUP, PROPOSAL = "reminder", "followup", "appointment_proposal"
FOLLOWUP_GRACE = timedelta(hours=3)  # a late "how did it go?" is still fine within the afternoon


def prefix(appointment_id: int) -> str:
    return f"appt:{appointment_id}:"


async def chosen_reminders(tx: Tx, appointment: Appointment) -> list[str]:
    """The appointment's own choice, else the participant's defaults, else the programme's defaults."""
    if appointment.reminders is not None:
        codes = appointment.reminders
    else:
        own = await appointments.default_reminders(tx, appointment.participant_id)
        codes = own if own is not None else list(DEFAULT_REMINDERS)
    return [code for code in REMINDER_CODES if code in codes]


async def renew_reminders(
    tx: Tx, participant: Participant, appointment_id: int, now: datetime, *, moved: bool = False
) -> list[PlannedReminder]:
    """Cancel the appointment's pending reminders and follow-up and plan them again from what is stored.

    `moved`: the time changed, so a pending "remind me again" goes too. Only confirmed appointments that
    lie ahead get reminders.
    """
    key = prefix(appointment_id)
    for part in ("r", "f", *(("s",) if moved else ())):
        await due.cancel(tx, participant.id, now, key_prefix=key + part)
    appointment = await appointments.of_participant(tx, participant.id, appointment_id)
    if appointment is None or not appointment.confirmed or appointment.starts_at <= now:
        return []
    generation = await appointments.bump(tx, appointment.id, now)
    zone = ZoneInfo(participant.timezone)
    quiet = await quiet_hours_for(tx, participant)
    planned = plan_reminders(appointment.starts_at, await chosen_reminders(tx, appointment), zone, quiet, now)
    payload = {"appointment_id": appointment.id}
    for reminder in planned:
        await due.schedule(
            tx,
            participant_id=participant.id,
            kind=REMINDER,
            key=f"{key}r{generation}:{reminder.code}",
            due_at=reminder.due_at,
            now=now,
            grace=reminder.grace,
            payload={**payload, "moved": reminder.moved},
        )
    await due.schedule(
        tx,
        participant_id=participant.id,
        kind=FOLLOWUP,
        key=f"{key}f{generation}",
        due_at=followup_moment(appointment.starts_at, zone, quiet),
        now=now,
        grace=FOLLOWUP_GRACE,
        payload=payload,
    )
    return planned


async def plan_upcoming_reminders(
    tx: Tx, participant: Participant, now: datetime, *, only_defaults: bool = False
) -> int:
    """Replan every upcoming confirmed appointment (after a change of time zone, quiet hours or defaults).

    Settings code of other features calls this when the participant's time zone or quiet hours change.
    Returns how many appointments were replanned.
    """
    if only_defaults:
        chosen = await appointments.using_defaults(tx, participant.id, now)
    else:
        chosen = [a for a in await appointments.upcoming(tx, participant.id, now) if a.confirmed]
    for appointment in chosen:
        await renew_reminders(tx, participant, appointment.id, now)
    return len(chosen)


async def remind_again(
    tx: Tx, participant: Participant, appointment: Appointment, at: datetime, now: datetime
) -> None:
    """One more reminder at the participant's request (it is theirs, so quiet hours do not move it)."""
    await due.schedule(
        tx,
        participant_id=participant.id,
        kind=REMINDER,
        key=f"{prefix(appointment.id)}s:{at:%Y%m%d%H%M}",
        due_at=at,
        now=now,
        grace=min(due.DEFAULT_GRACE, appointment.starts_at - at),
        payload={"appointment_id": appointment.id, "again": True},
    )


async def upcoming_reminders(tx: Tx, participant: Participant, appointment_id: int) -> list[DueItem]:
    """The still-pending reminders of an appointment, in time order."""
    rows = await due.for_participant(tx, participant.id, key_prefix=prefix(appointment_id))
    return [row for row in rows if row.kind == REMINDER]


async def remove(tx: Tx, participant: Participant, appointment_id: int, now: datetime) -> None:
    """Delete an appointment with everything planned for it; its old buttons stop working."""
    await due.cancel(tx, participant.id, now, key_prefix=prefix(appointment_id))
    await buttons.forget_action(tx, participant.chat_id, prefix(appointment_id))
    await appointments.delete(tx, appointment_id)


async def calendar_for(turn: Turn, appointment: Appointment) -> Attachment:
    codes = await chosen_reminders(turn.tx, appointment)
    offsets = alarm_offsets(appointment.starts_at, codes, turn.tr.timezone)
    text = opened(turn.config.encryption_keys, appointment)
    return calendar_file(turn.tr, appointment, offsets, turn.now, text)


async def propose(
    tx: Tx,
    participant: Participant,
    *,
    starts_at: datetime,
    kind: str,
    place: bytes | None,
    note: bytes | None,
    now: datetime,
) -> tuple[Appointment, int]:
    """Staff add an appointment: it stays proposed until the participant confirms it in the chat.

    `place` and `note` come sealed (or None).

    Returns the appointment and the due row that tells the participant (due now; it may still be sent
    until the appointment starts).
    """
    appointment = await appointments.create(
        tx,
        participant_id=participant.id,
        starts_at=starts_at,
        kind=kind,
        place=place,
        note=note,
        status="proposed",
        added_by="staff",
        now=now,
    )
    due_id = await due.schedule(
        tx,
        participant_id=participant.id,
        kind=PROPOSAL,
        key=f"{prefix(appointment.id)}p",
        due_at=now,
        now=now,
        grace=starts_at - now,
        payload={"appointment_id": appointment.id},
    )
    assert due_id is not None
    return appointment, due_id
