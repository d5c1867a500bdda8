"""What a coach can see about a participant: one function for the coaches' side and for /coachview.

`summary_for_coach` returns only catalogue signals whose consent scope is granted right now, inside a
recent window. No aggregate is allowed for coaches: never an answer, a score, a self-report aggregate
(those are the participant's own, in /myweek) or free text. `render_summary` writes it in any language:
the coaches' side in the coach's, /coachview in the participant's, so both read exactly the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dialogs.flow import PARTICIPANTS, command, show_current
from dialogs.i18n import N_, Translator
from dialogs.signal_catalogue import CHOICE, DATE, DAYS, HELP_CATEGORIES, KIND_BY_KEY, SIGNAL_KINDS
from dialogs.turn import Turn
from storage import consents, participants, signals
from storage.database import Tx

WINDOW = timedelta(days=28)
SIGNAL_SCOPES = tuple(dict.fromkeys(kind.scope for kind in SIGNAL_KINDS))


@dataclass(frozen=True)
class CoachSignal:
    kind: str
    category: str | None
    at: datetime


@dataclass(frozen=True)
class CoachSummary:
    pseudonym: str
    scopes: tuple[str, ...]  # signal scopes the participant allows now
    since: datetime
    signals: tuple[CoachSignal, ...]  # newest first


async def summary_for_coach(
    tx: Tx, participant_id: int, now: datetime, organisation: str | None = None
) -> CoachSummary | None:
    """Everything a coach may see about the participant; None when there is no such participant.

    `organisation` is for the coaches' side: consent is not yet recorded per organisation, so every
    organisation sees the same. Signals of a scope the participant has withdrawn are not shown, even if
    they were created while it was granted.
    """
    participant = await participants.by_id(tx, participant_id)
    if participant is None:
        return None
    current = await consents.current(tx, participant_id)
    scopes = tuple(s for s in SIGNAL_SCOPES if s in current and current[s].granted)
    since = now - WINDOW
    shown = tuple(
        CoachSignal(s.kind, s.category, s.created_at)
        for s in await signals.since(tx, participant_id, since)
        if s.kind in KIND_BY_KEY and KIND_BY_KEY[s.kind].scope in scopes
    )
    return CoachSummary(participant.pseudonym, scopes, since, shown)


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


def render_summary(tr: Translator, summary: CoachSummary) -> str:
    lines = [tr("Participant {pseudonym}", pseudonym=summary.pseudonym)]
    if not summary.scopes:
        lines.append(tr(NOTHING_SHARED))
        return "\n".join(lines)
    lines.append(tr("Signals since {date}:", date=tr.date(summary.since, "medium")))
    if not summary.signals:
        lines.append(tr("No signals."))
    lines += [f"• {tr.datetime(s.at, 'short')}: {signal_text(tr, s)}" for s in summary.signals]
    return "\n".join(lines)


@command("coachview", N_("See what your coach can see about you"), PARTICIPANTS)
async def coachview_command(turn: Turn, args: str) -> None:
    assert turn.participant is not None
    summary = await summary_for_coach(turn.tx, turn.participant.id, turn.now)
    assert summary is not None
    turn.say(turn.tr("This is exactly what your coach can see about you:"))
    turn.say(render_summary(turn.tr, summary))
    turn.say(
        turn.tr(
            "Your coach never sees your answers or your words. You can change what is shared in /privacy."
        )
    )
    await show_current(turn)
