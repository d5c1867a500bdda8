"""The true counts behind the report, per unit (organisation, or region without one) and month, before
anything is hidden. `bot.report.figures` publishes them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.report.scope import moment, next_month
from dialogs.consent_texts import SCOPES
from storage import report, report_counts
from storage.database import Tx
from storage.report import Member, Unit

Key = tuple[Unit, str]  # (unit, 'YYYY-MM')


@dataclass
class Counts:
    """count[line key][(unit, month)]; a unit not named has 0."""

    by_line: dict[str, Counter[Key]] = field(default_factory=dict)
    seen: set[Unit] = field(default_factory=set)

    def add(self, line: str, unit: Unit, month: str, n: int = 1) -> None:
        self.by_line.setdefault(line, Counter())[(unit, month)] += n
        self.seen.add(unit)

    def get(self, line: str, unit: Unit, month: str) -> int:
        return self.by_line.get(line, Counter())[(unit, month)]


def _month(at: datetime) -> str:
    return at.strftime("%Y-%m")


def month_end(month: date, now: datetime) -> datetime:
    """Where a month's snapshot is taken: its end, or now for the month under way."""
    return min(moment(next_month(month)), now)


async def collect(tx: Tx, now: datetime, months: list[date]) -> Counts:
    counts = Counts()
    for line, found in (("offered", await report.offered(tx)), ("enrolled", await report.enrolled(tx))):
        for (unit, month), n in found.items():
            counts.add(line, unit, month, n)
    members = await report.members(tx)
    for member in members:
        if member.stopped_at is not None:
            for unit in member.units:
                counts.add("ended", unit, _month(member.stopped_at))
    await _snapshots(tx, now, months, members, counts)
    for (unit, month, kind), n in (await report.signals_by_unit(tx)).items():
        counts.add(f"signal:{kind}", unit, month, n)
    await _counters(tx, counts)
    return counts


def taking_part(member: Member, at: datetime) -> bool:
    return member.enrolled_at < at and (member.stopped_at is None or member.stopped_at >= at)


def paused(member: Member, at: datetime) -> bool:
    return (
        member.paused_until is not None
        and member.paused_until > at
        and member.paused_since is not None
        and member.paused_since <= at
    )


async def _snapshots(
    tx: Tx, now: datetime, months: list[date], members: list[Member], counts: Counts
) -> None:
    """At each month's end: taking part, active in the last 28 days, paused, consent granted per scope."""
    latest_end = max((month_end(m, now) for m in months if moment(m) <= now), default=None)
    decisions = await report.consents(tx, latest_end) if latest_end else []
    per_org_scopes = {scope.key for scope in SCOPES if scope.per_organisation}
    for month in months:
        if moment(month) > now:
            continue
        key, end = month.strftime("%Y-%m"), month_end(month, now)
        active = await report.active_people(tx, end)
        current = {m.id: m for m in members if taking_part(m, end)}
        for member in current.values():
            for unit in member.units:
                counts.add("taking_part", unit, key)
                if member.id in active:
                    counts.add("active", unit, key)
                if paused(member, end):
                    counts.add("paused", unit, key)
        granted: dict[tuple[int, str, int | None], bool] = {}
        for row in decisions:
            if row.at < end:
                granted[(row.participant_id, row.scope, row.organisation_id)] = row.granted
        for (participant_id, scope, organisation_id), yes in granted.items():
            who = current.get(participant_id)
            if not yes or who is None or (scope in per_org_scopes) != (organisation_id is not None):
                continue
            for unit in who.units:
                if organisation_id is None or unit[0] == organisation_id:
                    counts.add(f"consent:{scope}", unit, key)


COUNTER_LINES = {
    report_counts.REMINDER_SENT: "reminded",
    report_counts.REMINDER_ANSWERED: "answered",
    report_counts.PAUSE_BEGUN: "pauses_begun",
}


async def _counters(tx: Tx, counts: Counts) -> None:
    """What was counted when it happened (`storage.report_counts`): reminders sent and answered, pauses
    begun."""
    for (unit, month, kind), n in (await report_counts.by_unit(tx)).items():
        if kind in COUNTER_LINES:
            counts.add(COUNTER_LINES[kind], unit, month, n)
