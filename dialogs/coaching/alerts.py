"""Telling coaches about a participant: a new signal, and the end of the participation.

Urgent kinds (a contact request) go to each linked coach at once, unless the coach is in
quiet hours and has chosen to hold urgent alerts until the morning (`alert_times.py`). Every other kind
waits for the coach's daily digest (`digests.py`). Each delivery checks the organisation's consent when it
goes out and drops what is no longer allowed (fail closed). Every delivery is written to the audit log,
and the organisations' webhooks get theirs (`webhooks.py`). A withdrawal of consent takes back what still
waits in the outbox for that organisation.

Coaches read signals in their own language, with two lasting buttons: "seen" and "I will get in touch"
(`acknowledgements.py`); their answer is visible to the coach's team (same organisation) in /case.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dialogs.appointments.wording import one_line
from dialogs.coaching import webhooks
from dialogs.coaching.alert_times import hold_until_quiet_ends, in_quiet_hours
from dialogs.coaching.coach_chat import audit_coach, coach_translator, known_as, send_to_coach, tell_coach
from dialogs.coaching.inbox import items as inbox_items
from dialogs.coaching.inbox.notify import something_new
from dialogs.coaching.summary import CoachSignal, granted_since, signal_text
from dialogs.consent_texts import APPOINTMENTS
from dialogs.core import outgoing
from dialogs.core.actions import act
from dialogs.core.events import Choice
from dialogs.core.i18n import N_, Translator
from dialogs.signals.catalogue import KIND_BY_KEY
from storage import appointments, audit, coaches, participants, signal_deliveries, signals
from storage.appointments import Appointment
from storage.coaches import Coach
from storage.database import Tx
from storage.participants import Participant
from storage.signal_deliveries import CONTACT, SEEN

URGENT_KINDS = frozenset({"contact_requested"})
# Help to get to an appointment that is less than a day away goes out at once (as an urgent kind), not in the
# next digest, and names the appointment (day, time, kind) where the organisation may see appointments.
HELP_KIND = "help_to_get_there"
SOON = timedelta(hours=24)
FOR_APPOINTMENT = N_("For the appointment: {appointment}")
ACK = "ack"  # the lasting buttons' action: `ack:seen:12`, `ack:contact:12` (a delivery's id)
ACK_LASTING = timedelta(days=30)
ENDED = N_("⚪ {pseudonym}: participation ended.")


def ack_choices(tr: Translator, delivery_id: int) -> list[list[Choice]]:
    return [
        [
            Choice(tr("👁 Seen"), act(ACK, SEEN, delivery_id), lasting=ACK_LASTING),
            Choice(tr("📞 I will get in touch"), act(ACK, CONTACT, delivery_id), lasting=ACK_LASTING),
        ]
    ]


def alert_text(tr: Translator, pseudonym: str, signal: signals.Signal) -> str:
    shown = CoachSignal(signal.id, signal.kind, signal.category, signal.created_at)
    mark = "🔴" if signal.kind in URGENT_KINDS else "🟡"
    return tr(
        "{mark} {pseudonym}: {signal} ({time})",
        mark=mark,
        pseudonym=pseudonym,
        signal=signal_text(tr, shown),
        time=tr.datetime(signal.created_at, "short"),
    )


async def still_allowed(tx: Tx, coach: Coach, participant_id: int, signal: signals.Signal) -> bool:
    """The access check at delivery time: an active coach, still linked, the scope still granted to the
    coach's organisation (and the signal meant for it), and granted since before the signal was made.
    Anything else: no."""
    if not coach.active or not signal.meant_for(coach.organisation_id):
        return False
    if not await coaches.is_linked(tx, coach.id, participant_id):
        return False
    kind = KIND_BY_KEY.get(signal.kind)
    if kind is None:
        return False
    since = (await granted_since(tx, participant_id, coach.organisation_id)).get(kind.scope)
    return since is not None and signal.created_at >= since


async def record_delivery(
    tx: Tx, coach: Coach, pseudonym: str, signal: signals.Signal, channel: str, now: datetime
) -> None:
    """A signal reached a coach (`channel`: "chat" at once, "digest" later): audit it, mark it delivered."""
    await audit_coach(
        tx, coach, audit.SIGNAL_DELIVERED, pseudonym, now, {"kind": signal.kind, "channel": channel}
    )
    await signals.mark_delivered(tx, signal.id, now)


async def appointment_soon(tx: Tx, participant_id: int, now: datetime) -> Appointment | None:
    """The participant's next confirmed appointment if it is less than `SOON` away (help to get there is
    asked from its reminders, so this is the appointment the help is for)."""
    for appointment in await appointments.upcoming(tx, participant_id, now):
        if appointment.starts_at - now > SOON:
            return None
        if appointment.confirmed:
            return appointment
    return None


async def _alert_now(
    tx: Tx,
    coach: Coach,
    participant: Participant,
    signal: signals.Signal,
    delivery_id: int,
    now: datetime,
    soon: Appointment | None = None,
) -> None:
    tr = coach_translator(coach)
    known = await known_as(tx, coach, participant.id, now)
    text = alert_text(tr, known, signal)
    if soon is not None and APPOINTMENTS in await granted_since(tx, participant.id, coach.organisation_id):
        text += "\n" + tr(FOR_APPOINTMENT, appointment=one_line(tr, soon))
    await send_to_coach(
        tx,
        coach,
        text,
        now,
        choices=ack_choices(tr, delivery_id),
        about=participant.id,
    )
    await record_delivery(tx, coach, known, signal, "chat", now)


async def route_signal(tx: Tx, signal_id: int, participant_id: int, now: datetime) -> None:
    """A signal was stored: alert, hold or queue it for each linked coach; post it to webhooks."""
    signal = await signals.get(tx, signal_id)
    participant = await participants.by_id(tx, participant_id)
    if signal is None or participant is None:
        return
    soon = await appointment_soon(tx, participant_id, now) if signal.kind == HELP_KIND else None
    prompt = signal.kind in URGENT_KINDS or soon is not None  # at once, not in the digest
    for coach in await coaches.coaches_of(tx, participant_id):
        if not await still_allowed(tx, coach, participant_id, signal):
            continue
        at_once = prompt and (coach.urgent_in_quiet or not in_quiet_hours(coach, now))
        delivery_id = await signal_deliveries.add(
            tx,
            signal_id=signal.id,
            participant_id=participant_id,
            coach_id=coach.id,
            urgent=prompt,
            sent=at_once,
            now=now,
        )
        if at_once:
            await _alert_now(tx, coach, participant, signal, delivery_id, now, soon)
        elif prompt:
            await hold_until_quiet_ends(tx, coach, now)
        if prompt:
            await something_new(tx, coach, now, urgent=True)
    await inbox_items.add_for_signal(tx, signal, signal.kind in URGENT_KINDS, now)
    await webhooks.post_signal(tx, participant, signal, now)


async def participation_ended(tx: Tx, participant: Participant, now: datetime) -> None:
    """The participant stopped (or deleted everything while taking part): their coaches learn that, and
    nothing else. What still waits about them is taken back."""
    linked = await coaches.coaches_of(tx, participant.id)
    await withdraw_waiting(tx, participant.id, None)
    for coach in linked:
        await tell_coach(tx, coach, participant.id, audit.PARTICIPATION_ENDED, ENDED, now)
    await webhooks.post_participation_ended(tx, participant, now)


async def withdraw_waiting(
    tx: Tx, participant_id: int, organisation_id: int | None, now: datetime | None = None
) -> int:
    """Take back alerts and webhook posts about the participant still waiting in the outbox for one
    organisation (None: for every one), and hide the inbox items whose scope is off now (with `now`).
    Digest entries need nothing: they are checked when they go."""
    if now is not None:
        await inbox_items.withdraw_scope(tx, participant_id, organisation_id, now)
    linked = await coaches.coaches_of(tx, participant_id, active_only=False)
    chosen = [c for c in linked if organisation_id is None or c.organisation_id == organisation_id]
    chats = [c.chat_id for c in chosen if c.chat_id is not None]
    return await outgoing.withdraw_about(
        tx, participant_id, chats, sorted({c.organisation_id for c in chosen})
    )


async def connection_made(tx: Tx, participant_id: int, organisation_id: int, now: datetime) -> None:
    """The participant connected with a coach of the organisation: its webhook learns it."""
    await webhooks.post_connection(tx, participant_id, organisation_id, True, now)


async def connection_ending(tx: Tx, participant_id: int, organisation_id: int, now: datetime) -> None:
    """The participant is ending the connection (consents for it already off, links not yet gone): the
    organisation's inbox items are hidden and its webhook learns both."""
    await inbox_items.withdraw_scope(tx, participant_id, organisation_id, now)
    await webhooks.post_connection(tx, participant_id, organisation_id, False, now)
