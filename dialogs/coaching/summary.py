"""What a coach can see about a participant: one function for the coach's /case and the participant's
/coachview, so both read exactly the same.

`summary_for_coach` builds the summary for one organisation from what the participant allows that
organisation right now: catalogue signals (only those created while the scope was on), check-in day
counts, the direction of the mood, upcoming appointments (day, time, kind). Never an answer, a score, a
place, a note or free text. Whether the person still takes part is always there: the link itself allows
that. `render_summary` writes it in any language: the coach's for /case, the participant's for /coachview.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dialogs.appointments.wording import KIND_LABELS, kind_label
from dialogs.consent_texts import APPOINTMENTS, CHECKIN_COUNTS, MOOD_TREND
from dialogs.core.i18n import N_, Translator
from dialogs.signals.catalogue import CHOICE, DATE, DAYS, HELP_CATEGORIES, KIND_BY_KEY, SIGNAL_KINDS
from storage import (
    appointments,
    checkins,
    consents,
    org_pseudonyms,
    participants,
    selfreports,
    signal_deliveries,
    signals,
)
from storage.database import Tx
from storage.participants import Status

WINDOW = timedelta(days=28)
SIGNAL_SCOPES = tuple(dict.fromkeys(kind.scope for kind in SIGNAL_KINDS))
TREND_HALF = timedelta(days=14)
TREND_MIN_REPORTS = 2  # in each half, or the trend is "not enough reports"
TREND_STEP = 0.5  # on the 1-5 scale: a smaller change is "steady"
UP, STEADY, DOWN, UNKNOWN = "up", "steady", "down", "unknown"


@dataclass(frozen=True)
class CoachSignal:
    id: int
    kind: str
    category: str | None
    at: datetime
    acks: tuple[signal_deliveries.Ack, ...] = ()


@dataclass(frozen=True)
class UpcomingAppointment:
    starts_at: datetime
    kind: str  # a key of the appointment kinds
    confirmed: bool


@dataclass(frozen=True)
class CoachSummary:
    pseudonym: str  # the one this organisation knows the participant by
    organisation: str
    taking_part: bool
    scopes: frozenset[str]  # what the participant allows this organisation now
    since: datetime
    signals: tuple[CoachSignal, ...]  # newest first
    checkin_days: tuple[int, int] | None = None  # (last 7 days, last 28 days), if allowed
    mood_trend: str | None = None  # up / steady / down / unknown, if allowed
    appointments: tuple[UpcomingAppointment, ...] | None = None  # if allowed

    @property
    def shares_signals(self) -> bool:
        return any(scope in self.scopes for scope in SIGNAL_SCOPES)


async def _answered_checkin_days(tx: Tx, participant_id: int, start: date) -> set[date]:
    return {c.day for c in await checkins.answered_between(tx, participant_id, start, date.max)}


# A day counts when the participant answered a check-in or stored a self-report that day.
CheckinDays = Callable[[Tx, int, date], Awaitable[set[date]]]
CHECKIN_DAY_SOURCES: list[CheckinDays] = [_answered_checkin_days, selfreports.days_since]

UPCOMING_SHOWN = 5


async def granted_since(tx: Tx, participant_id: int, organisation_id: int) -> dict[str, datetime]:
    """For each scope granted to the organisation now: since when it has been on without a break."""
    since: dict[str, datetime] = {}
    for record in await consents.history(tx, participant_id):
        if record.organisation_id != organisation_id:
            continue
        if not record.granted:
            since.pop(record.scope, None)
        elif record.scope not in since:
            since[record.scope] = record.at
    return since


async def checkin_day_counts(tx: Tx, participant_id: int, today: date) -> tuple[int, int]:
    days: set[date] = set()
    for source in CHECKIN_DAY_SOURCES:
        days |= await source(tx, participant_id, today - timedelta(days=27))
    last7 = sum(1 for day in days if today - timedelta(days=6) <= day <= today)
    last28 = sum(1 for day in days if today - timedelta(days=27) <= day <= today)
    return last7, last28


def trend(recent: list[int], earlier: list[int]) -> str:
    if len(recent) < TREND_MIN_REPORTS or len(earlier) < TREND_MIN_REPORTS:
        return UNKNOWN
    change = sum(recent) / len(recent) - sum(earlier) / len(earlier)
    if change >= TREND_STEP:
        return UP
    if change <= -TREND_STEP:
        return DOWN
    return STEADY


async def mood_trend(tx: Tx, participant_id: int, now: datetime) -> str:
    recent: list[int] = []
    earlier: list[int] = []
    for report in await selfreports.since(tx, participant_id, now - 2 * TREND_HALF):
        mood = report.answers.get("mood")
        if isinstance(mood, int) and not isinstance(mood, bool):
            (recent if report.submitted_at >= now - TREND_HALF else earlier).append(mood)
    return trend(recent, earlier)


async def summary_for_coach(
    tx: Tx, participant_id: int, now: datetime, organisation_id: int, organisation: str
) -> CoachSummary | None:
    """Everything the organisation's coaches may see about the participant; None when there is no such
    participant. Access (is this coach linked?) is checked by the caller, before."""
    participant = await participants.by_id(tx, participant_id)
    if participant is None:
        return None
    since = await granted_since(tx, participant_id, organisation_id)
    scopes = frozenset(since)
    start = now - WINDOW
    acks = await signal_deliveries.team_acks(tx, participant_id, organisation_id)
    shown = tuple(
        CoachSignal(s.id, s.kind, s.category, s.created_at, tuple(acks.get(s.id, ())))
        for s in await signals.since(tx, participant_id, start)
        if s.kind in KIND_BY_KEY
        and s.meant_for(organisation_id)
        and (scope := KIND_BY_KEY[s.kind].scope) in since
        and s.created_at >= since[scope]
    )
    today = now.astimezone(ZoneInfo(participant.timezone)).date()
    counts = await checkin_day_counts(tx, participant_id, today) if CHECKIN_COUNTS in scopes else None
    mood = await mood_trend(tx, participant_id, now) if MOOD_TREND in scopes else None
    upcoming: tuple[UpcomingAppointment, ...] | None = None
    if APPOINTMENTS in scopes:
        upcoming = tuple(
            UpcomingAppointment(a.starts_at, a.kind, a.confirmed)
            for a in (await appointments.upcoming(tx, participant_id, now))[:UPCOMING_SHOWN]
        )
    return CoachSummary(
        await org_pseudonyms.for_organisation(tx, participant_id, organisation_id, now),
        organisation,
        participant.status is not Status.STOPPED,
        scopes,
        start,
        shown,
        counts,
        mood,
        upcoming,
    )


def signal_text(tr: Translator, signal: CoachSignal) -> str:
    kind = KIND_BY_KEY[signal.kind]
    category = signal.category
    if kind.category_format == DAYS and category is not None:
        return tr.ngettext(
            "No check-in for {n} day (a rule the participant set)",
            "No check-in for {n} days (a rule the participant set)",
            int(category),
        )
    if category is None or not kind.label_with_category:
        return tr(kind.label)
    if kind.category_format == CHOICE:
        label = HELP_CATEGORIES.get(category, category)
        return tr(kind.label_with_category, category=tr(label))
    if kind.category_format == DATE:
        return tr(kind.label_with_category, date=tr.date(date.fromisoformat(category), "medium"))
    return tr(kind.label)


NOTHING_SHARED = N_("No signals: the participant has not allowed any to be shared.")
TREND_TEXTS = {
    UP: N_("Mood: going up"),
    STEADY: N_("Mood: steady"),
    DOWN: N_("Mood: going down"),
    UNKNOWN: N_("Mood: not enough reports to say"),
}


def ack_text(tr: Translator, ack: signal_deliveries.Ack) -> str:
    if ack.action == signal_deliveries.CONTACT:
        return tr("{name} will get in touch ({time})", name=ack.coach_name, time=tr.datetime(ack.at, "short"))
    return tr("seen by {name} ({time})", name=ack.coach_name, time=tr.datetime(ack.at, "short"))


def render_summary(tr: Translator, summary: CoachSummary) -> str:
    lines = [tr("Participant {pseudonym}", pseudonym=summary.pseudonym)]
    lines.append(tr("Takes part.") if summary.taking_part else tr("Participation ended."))
    if summary.taking_part:
        if not summary.shares_signals:
            lines.append(tr(NOTHING_SHARED))
        else:
            lines.append(tr("Signals since {date}:", date=tr.date(summary.since, "medium")))
            if not summary.signals:
                lines.append(tr("No signals."))
            for s in summary.signals:
                line = f"• {tr.datetime(s.at, 'short')}: {signal_text(tr, s)}"
                if s.acks:
                    line += " – " + "; ".join(ack_text(tr, ack) for ack in s.acks)
                lines.append(line)
        if summary.checkin_days is not None:
            week, month = summary.checkin_days
            lines.append(
                tr(
                    "Days with a check-in: {week} of the last 7, {month} of the last 28.",
                    week=tr.number(week),
                    month=tr.number(month),
                )
            )
        if summary.mood_trend is not None:
            lines.append(tr(TREND_TEXTS[summary.mood_trend]))
        if summary.appointments is not None:
            if not summary.appointments:
                lines.append(tr("No upcoming appointments."))
            else:
                lines.append(tr("Upcoming appointments:"))
                for appointment in summary.appointments:
                    kind = kind_label(tr, appointment.kind if appointment.kind in KIND_LABELS else "other")
                    when = tr.datetime(appointment.starts_at, "short")
                    lines.append(
                        f"• {when}: {kind}"
                        if appointment.confirmed
                        else tr("• {time}: {kind} (not yet confirmed)", time=when, kind=kind)
                    )
    return "\n".join(lines)
