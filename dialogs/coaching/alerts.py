"""Where signals go once stored: coaches' chats (at once or in the daily digest) and webhooks.

Urgent kinds (a contact request, the crisis help) go to each linked coach at once, unless the coach is in
quiet hours and has chosen to hold urgent alerts until the morning. Every other kind waits for the coach's
daily digest. Each delivery checks the organisation's consent when it goes out and drops what is no
longer allowed (fail closed). Every delivery is written to the audit log. A withdrawal of consent takes
back what still waits in the outbox for that organisation.

Coaches read signals in their own language, with two lasting buttons: "seen" and "I will get in touch";
their answer is visible to the coach's team (same organisation) in /case.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialogs.coaching.summary import CoachSignal, granted_since, signal_text
from dialogs.core import outgoing
from dialogs.core.actions import Action, item_number
from dialogs.core.events import Choice
from dialogs.core.flow import closed, show_current
from dialogs.core.i18n import N_, Translator
from dialogs.core.turn import Turn
from dialogs.quiet_hours import QuietHours
from dialogs.signals.catalogue import KIND_BY_KEY
from dialogs.signals.raising import after_signal
from storage import (
    audit,
    coaches,
    org_pseudonyms,
    organisations,
    participants,
    signal_deliveries,
    signals,
)
from storage.coaches import Coach
from storage.database import Tx
from storage.due import DueItem
from storage.participants import Participant
from storage.signal_deliveries import CONTACT, SEEN
from storage.times import to_db

log = logging.getLogger(__name__)

URGENT_KINDS = frozenset({"contact_requested", "crisis_help_used"})
ACK_LASTING = timedelta(days=30)
DIGEST, HELD = "digest", "held_alerts"
DIGEST_HORIZON_DAYS = 7  # digests planned ahead, so a few days of downtime lose none
DIGEST_GRACE = timedelta(hours=4)
HELD_GRACE = timedelta(hours=12)
DIGEST_MAX = 20  # signals shown one by one in a digest; the rest are counted
WEBHOOK_SCHEMA = 1


async def known_as(tx: Tx, coach: Coach, participant_id: int, now: datetime) -> str:
    """The pseudonym the coach's organisation knows the participant by: the only one its staff see."""
    return await org_pseudonyms.for_organisation(tx, participant_id, coach.organisation_id, now)


def coach_translator(coach: Coach) -> Translator:
    return Translator(coach.locale, "de", coach.timezone)


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def in_quiet_hours(coach: Coach, now: datetime) -> bool:
    return QuietHours(_clock(coach.quiet_start), _clock(coach.quiet_end)).contains(
        now, ZoneInfo(coach.timezone)
    )


def next_local(coach: Coach, at: time, now: datetime) -> datetime:
    """The next moment after `now` at which the coach's clock shows `at` (DST-safe)."""
    zone = ZoneInfo(coach.timezone)
    day = now.astimezone(zone).date()
    for offset in range(3):
        moment = datetime.combine(day + timedelta(days=offset), at, tzinfo=zone).astimezone(UTC)
        if moment > now:
            return moment
    raise AssertionError("unreachable: a local time recurs within three days")


async def send_to_coach(
    tx: Tx,
    coach: Coach,
    text: str,
    now: datetime,
    *,
    choices: Sequence[Sequence[Choice]] = (),
    about: int | None = None,
) -> int | None:
    """Queue a message for a coach's chat (outside the coach's own turn); lasting buttons only."""
    if coach.chat_id is None or not coach.active:
        return None
    return await outgoing.queue_for_coach(tx, coach.chat_id, text, now, choices=choices, about=about)


def ack_choices(tr: Translator, delivery_id: int) -> list[list[Choice]]:
    return [
        [
            Choice(tr("👁 Seen"), f"ack:{SEEN}:{delivery_id}", lasting=ACK_LASTING),
            Choice(tr("📞 I will get in touch"), f"ack:{CONTACT}:{delivery_id}", lasting=ACK_LASTING),
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
    coach's organisation, and granted since before the signal was made. Anything else: no."""
    if not coach.active or not await coaches.is_linked(tx, coach.id, participant_id):
        return False
    kind = KIND_BY_KEY.get(signal.kind)
    if kind is None:
        return False
    since = (await granted_since(tx, participant_id, coach.organisation_id)).get(kind.scope)
    return since is not None and signal.created_at >= since


async def _deliver_now(
    tx: Tx, coach: Coach, participant: Participant, signal: signals.Signal, delivery_id: int, now: datetime
) -> None:
    tr = coach_translator(coach)
    known = await known_as(tx, coach, participant.id, now)
    await send_to_coach(
        tx,
        coach,
        alert_text(tr, known, signal),
        now,
        choices=ack_choices(tr, delivery_id),
        about=participant.id,
    )
    await _audit_delivery(tx, coach, known, signal, "chat", now)


async def _audit_delivery(
    tx: Tx, coach: Coach, pseudonym: str, signal: signals.Signal, channel: str, now: datetime
) -> None:
    await audit.append(
        tx,
        action=audit.SIGNAL_DELIVERED,
        now=now,
        pseudonym=pseudonym,
        coach_id=coach.id,
        coach_name=coach.name,
        organisation=coach.organisation,
        detail={"kind": signal.kind, "channel": channel},
    )
    await signals.mark_delivered(tx, signal.id, now)


@after_signal
async def route_signal(tx: Tx, signal_id: int, participant_id: int, now: datetime) -> None:
    """A signal was stored: alert, hold or queue it for each linked coach; post it to webhooks."""
    signal = await signals.get(tx, signal_id)
    participant = await participants.by_id(tx, participant_id)
    if signal is None or participant is None:
        return
    urgent = signal.kind in URGENT_KINDS
    for coach in await coaches.coaches_of(tx, participant_id):
        if not await still_allowed(tx, coach, participant_id, signal):
            continue
        at_once = urgent and (coach.urgent_in_quiet or not in_quiet_hours(coach, now))
        delivery_id = await signal_deliveries.add(
            tx,
            signal_id=signal.id,
            participant_id=participant_id,
            coach_id=coach.id,
            urgent=urgent,
            sent=at_once,
            now=now,
        )
        if at_once:
            await _deliver_now(tx, coach, participant, signal, delivery_id, now)
            continue
        if urgent:
            end = next_local(coach, _clock(coach.quiet_end), now)
            await _schedule(tx, coach, HELD, f"{HELD}:{to_db(end)}", end, HELD_GRACE, now)
    await post_webhooks(tx, participant, signal, now)


async def post_webhooks(tx: Tx, participant: Participant, signal: signals.Signal, now: datetime) -> None:
    kind = KIND_BY_KEY[signal.kind]
    for organisation_id, _ in await coaches.organisations_of(tx, participant.id):
        organisation = await organisations.by_id(tx, organisation_id)
        if organisation is None or not organisation.webhook_url:
            continue
        since = (await granted_since(tx, participant.id, organisation_id)).get(kind.scope)
        if since is None or signal.created_at < since:
            continue
        known = await org_pseudonyms.for_organisation(tx, participant.id, organisation_id, now)
        body = {
            "schema": WEBHOOK_SCHEMA,
            "id": str(uuid.uuid4()),
            "type": "signal",
            "organisation": organisation.name,
            "pseudonym": known,
            "kind": signal.kind,
            "category": signal.category,
            "time": to_db(signal.created_at),
        }
        await outgoing.queue_webhook(tx, organisation_id, body, participant.id, now)
        await audit.append(
            tx,
            action=audit.SIGNAL_DELIVERED,
            now=now,
            pseudonym=known,
            organisation=organisation.name,
            detail={"kind": signal.kind, "channel": "webhook"},
        )
        await signals.mark_delivered(tx, signal.id, now)


async def _schedule(
    tx: Tx, coach: Coach, kind: str, key: str, at: datetime, grace: timedelta, now: datetime
) -> None:
    from storage import due

    await due.schedule_for_coach(tx, coach_id=coach.id, kind=kind, key=key, due_at=at, now=now, grace=grace)


async def plan_digests(tx: Tx, coach: Coach, now: datetime) -> None:
    """Keep the coach's next digests planned (existing rows stay; a changed time: `replan_digests`)."""
    at = _clock(coach.digest_at)
    zone = ZoneInfo(coach.timezone)
    today = now.astimezone(zone).date()
    for offset in range(DIGEST_HORIZON_DAYS + 1):
        day: date = today + timedelta(days=offset)
        moment = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if moment > now:
            await _schedule(tx, coach, DIGEST, f"{DIGEST}:{day.isoformat()}", moment, DIGEST_GRACE, now)


async def plan_all_digests(tx: Tx, now: datetime) -> None:
    for coach in await coaches.all_coaches(tx):
        if coach.active:
            await plan_digests(tx, coach, now)


async def replan_digests(tx: Tx, coach: Coach, now: datetime) -> None:
    from storage import due

    await due.drop_for_coach(tx, coach.id, kind=DIGEST)
    await plan_digests(tx, coach, now)


async def _send_waiting(turn: Turn, *, urgent_only: bool, header: bool) -> int:
    """Send the coach's waiting signals that are still allowed; drop the others. Returns how many went."""
    coach = turn.coach
    assert coach is not None
    tr, ready = turn.tr, []
    for delivery in await signal_deliveries.waiting(turn.tx, coach.id, urgent_only=urgent_only):
        signal = await signals.get(turn.tx, delivery.signal_id)
        participant = await participants.by_id(turn.tx, delivery.participant_id)
        if (
            signal is None
            or participant is None
            or not await still_allowed(turn.tx, coach, participant.id, signal)
        ):
            await signal_deliveries.settle(turn.tx, delivery.id, "dropped", turn.now)
            continue
        ready.append((delivery, signal, participant))
    if ready and header:
        turn.say(
            tr.ngettext(
                "Your daily summary: {n} new signal.", "Your daily summary: {n} new signals.", len(ready)
            )
        )
    for number, (delivery, signal, participant) in enumerate(ready):
        await signal_deliveries.settle(turn.tx, delivery.id, "sent", turn.now)
        known = await known_as(turn.tx, coach, participant.id, turn.now)
        if number < DIGEST_MAX:
            turn.say(alert_text(tr, known, signal), ack_choices(tr, delivery.id))
        await _audit_delivery(turn.tx, coach, known, signal, "digest", turn.now)
    if len(ready) > DIGEST_MAX:
        more = len(ready) - DIGEST_MAX
        turn.say(tr.ngettext("{n} more signal is in /cases.", "{n} more signals are in /cases.", more))
    return len(ready)


async def digest_due(turn: Turn, item: DueItem) -> None:
    """The daily digest: every waiting signal still allowed, one message each with its buttons. Nothing
    waiting, no message: a quiet day stays quiet."""
    coach = turn.coach
    assert coach is not None
    await _send_waiting(turn, urgent_only=False, header=True)
    await plan_digests(turn.tx, coach, turn.now)


async def held_due(turn: Turn, item: DueItem) -> None:
    """Quiet hours are over: the urgent signals held back go out now."""
    if turn.coach is not None:
        await _send_waiting(turn, urgent_only=True, header=False)


async def ack_item(turn: Turn, choice: Action) -> None:
    """A coach's "seen" / "I will get in touch" on a signal: only on their own delivery, only while they
    still may see that signal."""
    action = str(choice)
    coach = turn.coach
    _, answer, number = [*action.split(":"), "", ""][:3]
    delivery_id = item_number(number)
    delivery = await signal_deliveries.get(turn.tx, delivery_id) if delivery_id is not None else None
    signal = await signals.get(turn.tx, delivery.signal_id) if delivery else None
    if (
        coach is None
        or delivery is None
        or signal is None
        or delivery.coach_id != coach.id
        or answer not in (SEEN, CONTACT)
        or not await still_allowed(turn.tx, coach, delivery.participant_id, signal)
    ):
        await closed(turn)
        return
    participant = await participants.by_id(turn.tx, delivery.participant_id)
    assert participant is not None
    known = await known_as(turn.tx, coach, participant.id, turn.now)
    await signal_deliveries.acknowledge(
        turn.tx,
        signal_id=signal.id,
        participant_id=participant.id,
        coach_id=coach.id,
        action=answer,
        now=turn.now,
    )
    await audit.append(
        turn.tx,
        action=audit.SIGNAL_ACKNOWLEDGED,
        now=turn.now,
        pseudonym=known,
        coach_id=coach.id,
        coach_name=coach.name,
        organisation=coach.organisation,
        detail={"kind": signal.kind, "answer": answer},
    )
    if answer == CONTACT:
        turn.say(
            turn.tr(
                "Noted: you will get in touch with {pseudonym}. Your team sees this in /case.",
                pseudonym=known,
            )
        )
    else:
        turn.say(turn.tr("Noted as seen. Your team sees this in /case."))
    await show_current(turn)


ENDED = N_("⚪ {pseudonym}: participation ended.")


async def participation_ended(tx: Tx, participant: Participant, now: datetime) -> None:
    """The participant stopped (or deleted everything while taking part): their coaches learn that, and
    nothing else. What still waits about them is taken back."""
    linked = await coaches.coaches_of(tx, participant.id)
    await withdraw_waiting(tx, participant.id, None)
    for coach in linked:
        known = await known_as(tx, coach, participant.id, now)
        await send_to_coach(tx, coach, coach_translator(coach)(ENDED, pseudonym=known), now)
        await audit.append(
            tx,
            action=audit.PARTICIPATION_ENDED,
            now=now,
            pseudonym=known,
            coach_id=coach.id,
            coach_name=coach.name,
            organisation=coach.organisation,
        )
    for organisation_id, name in await coaches.organisations_of(tx, participant.id):
        organisation = await organisations.by_id(tx, organisation_id)
        if organisation is None or not organisation.webhook_url:
            continue
        known = await org_pseudonyms.for_organisation(tx, participant.id, organisation_id, now)
        body: dict[str, object] = {
            "schema": WEBHOOK_SCHEMA,
            "id": str(uuid.uuid4()),
            "type": "participation_ended",
            "organisation": name,
            "pseudonym": known,
            "kind": None,
            "category": None,
            "time": to_db(now),
        }
        await outgoing.queue_webhook(tx, organisation_id, body, None, now)
        await audit.append(
            tx,
            action=audit.PARTICIPATION_ENDED,
            now=now,
            pseudonym=known,
            organisation=name,
            detail={"channel": "webhook"},
        )


async def withdraw_waiting(tx: Tx, participant_id: int, organisation_id: int | None) -> int:
    """Take back alerts and webhook posts about the participant still waiting in the outbox for one
    organisation (None: for every one). Digest entries need nothing: they are checked when they go."""
    linked = await coaches.coaches_of(tx, participant_id, active_only=False)
    chosen = [c for c in linked if organisation_id is None or c.organisation_id == organisation_id]
    chats = [c.chat_id for c in chosen if c.chat_id is not None]
    return await outgoing.withdraw_about(
        tx, participant_id, chats, sorted({c.organisation_id for c in chosen})
    )
