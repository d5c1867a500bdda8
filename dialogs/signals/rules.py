"""Rules a participant sets for what their coach is told, listed and changed in /privacy.

"Tell my coach if I have not checked in for N days" (N chosen by the participant; only days with a
planned check-in count, never a paused one, and it needs a check-in set up) and "tell my coach if my mood
is low". Both are off until the participant turns them on, and both need the sharing consent:
a rule never creates a signal by itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from dialogs import consent_texts
from dialogs.checkins.planning import plan, zone_of
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import DONE, Go, Handover, Next, Step, StepFlow
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from dialogs.local_time import local_day
from dialogs.signals.raising import allowed, raise_signal_for
from storage import checkins, consents, participants, schedules, selfreports, signal_rules, signals
from storage.database import Tx

NO_CHECKIN, MOOD_LOW = "no_checkin", "mood_low"
DAY_CHOICES = (2, 3, 5, 7, 14)
LOW_MOOD = 2  # 1 or 2 on the 1-5 scale
LOW_OF_LAST = (3, 5)  # low on at least 3 of the last 5 reports with a mood answer
MOOD_REPEAT = timedelta(days=7)  # still low a few days later: the coach was told already

NEEDS_A_CHECKIN = N_(
    "This rule counts the days on which you have a check-in. You have no check-in set up, so it cannot "
    "work yet. You can set up a check-in first."
)
MOOD_RULE = N_("Tell my coach if my mood is low (1 or 2 on 3 of my last 5 reports)")

LastCheckin = Callable[[Tx, int], Awaitable[datetime | None]]
# Where a sign of life comes from for the "tell my coach if I am silent" rule: a self-report or an
# answered check-in.
CHECKIN_SOURCES: tuple[LastCheckin, ...] = (selfreports.last_submitted, checkins.last_answered_at)


async def last_checkin(tx: Tx, participant_id: int) -> datetime | None:
    found = [moment for source in CHECKIN_SOURCES if (moment := await source(tx, participant_id))]
    return max(found) if found else None


async def silent_days(tx: Tx, participant_id: int, start: datetime, now: datetime) -> int:
    """Days since `start` that had a check-in planned, by the person's own schedule, and not paused."""
    participant = await participants.by_id(tx, participant_id)
    if participant is None:
        return 0
    zone = zone_of(participant.timezone)
    span = (local_day(now, zone) - local_day(start, zone)).days + 1
    planned = plan(await schedules.get(tx, participant_id), zone, start, span)
    return len({p.payload["day"] for p in planned if p.kind == "checkin" and p.due_at <= now})


async def check_silence_rules(tx: Tx, now: datetime) -> int:
    """Raise `no_checkin` for every rule whose silence has lasted its N check-in days; once per silence.

    Only days with a planned check-in count: not the weekdays without one, not the days of a pause (and
    the count starts afresh when a pause ends, see `pause_ended`): the person's own choices decide.
    """
    raised = 0
    for rule in await signal_rules.of_kind(tx, NO_CHECKIN):
        if rule.days is None:
            continue
        last = await last_checkin(tx, rule.participant_id)
        start = max(rule.since, last) if last is not None else rule.since
        if rule.fired_at is not None and rule.fired_at >= start:
            continue
        if await silent_days(tx, rule.participant_id, start, now) < rule.days:
            continue
        if await raise_signal_for(tx, rule.participant_id, NO_CHECKIN, str(rule.days), now):
            await signal_rules.mark_fired(tx, rule.participant_id, NO_CHECKIN, now)
            raised += 1
    return raised


async def pause_ended(tx: Tx, participant_id: int, now: datetime) -> None:
    """The days of a pause never count as silence: the no-check-in rule counts afresh from its end."""
    await signal_rules.count_from(tx, participant_id, NO_CHECKIN, now)


def mood_is_low(moods: Sequence[int]) -> bool:
    """Newest first: low (1-2) on at least 3 of the last 5 moods."""
    needed, window = LOW_OF_LAST
    return sum(1 for mood in moods[:window] if mood <= LOW_MOOD) >= needed


async def check_mood_low(tx: Tx, participant_id: int, moods: Sequence[int], now: datetime) -> bool:
    """After a new report: raise `mood_low` if the participant set the rule and the moods are low.

    True only when a signal was stored now (not when the coach was told a few days ago already).
    """
    if MOOD_LOW not in await signal_rules.for_participant(tx, participant_id) or not mood_is_low(moods):
        return False
    last = await signals.latest(tx, participant_id, MOOD_LOW)
    if last is not None and now - last < MOOD_REPEAT:
        return False
    return await raise_signal_for(tx, participant_id, MOOD_LOW, None, now)


def no_checkin_text(turn: Turn, days: int) -> str:
    return turn.tr.ngettext(
        "Tell my coach if I have not checked in for {n} day",
        "Tell my coach if I have not checked in for {n} days",
        days,
    )


async def rule_lines(turn: Turn) -> list[str]:
    """The participant's rules, one line each (for /privacy)."""
    rules = await signal_rules.for_participant(turn.tx, turn.person.id)
    lines = []
    if NO_CHECKIN in rules and rules[NO_CHECKIN].days:
        lines.append(f"• {no_checkin_text(turn, int(rules[NO_CHECKIN].days or 0))}")
    if MOOD_LOW in rules:
        lines.append(f"• {turn.tr(MOOD_RULE)}")
    return lines


class RulesStep(StrEnum):
    LIST = "list"
    DAYS = "days"


async def _show_list(turn: Turn) -> None:
    rules = await signal_rules.for_participant(turn.tx, turn.person.id)
    lines = [turn.tr("Rules for telling your coach:")]
    lines += await rule_lines(turn) or [turn.tr("You have not set any rules.")]
    if not await allowed(turn.tx, turn.person.id, MOOD_LOW):
        lines.append("")
        lines.append(
            turn.tr(
                "These rules only work while “{name}” is on. It is off now, so your coach is told nothing.",
                name=turn.tr(consent_texts.SCOPE_BY_KEY[consent_texts.SHARING].title),
            )
        )
    choices: list[list[Choice]] = []
    if NO_CHECKIN in rules:
        choices.append([Choice(turn.tr("Change the number of days"), act("set", NO_CHECKIN))])
        choices.append([Choice(turn.tr("Remove the check-in rule"), act("remove", NO_CHECKIN))])
    else:
        choices.append(
            [Choice(turn.tr("Add: tell my coach if I have not checked in"), act("set", NO_CHECKIN))]
        )
    if MOOD_LOW in rules:
        choices.append([Choice(turn.tr("Remove the mood rule"), act("remove", MOOD_LOW))])
    else:
        choices.append([Choice(turn.tr("Add: tell my coach if my mood is low"), act("set", MOOD_LOW))])
    choices.append([Choice(turn.tr("Back to privacy"), act("privacy"))])
    turn.say("\n".join(lines), choices)


async def _show_days(turn: Turn) -> None:
    days_choices = [
        Choice(turn.tr.ngettext("{n} day", "{n} days", days), act("days", days)) for days in DAY_CHOICES
    ]
    turn.say(
        turn.tr("After how many days without a check-in should I tell your coach?"),
        [days_choices[:3], days_choices[3:], [Choice(turn.tr("Back"), act("list"))]],
    )


async def _has_checkins(turn: Turn) -> bool:
    return (await schedules.get(turn.tx, turn.person.id)).has_checkins


async def _add(turn: Turn, action: Action) -> Next:
    """`set:no_checkin` asks for the number of days (once a check-in is set up); `set:mood_low` sets the
    mood rule at once."""
    if action.arg() == NO_CHECKIN:
        if await _has_checkins(turn):
            return Go(RulesStep.DAYS)
        turn.say(turn.tr(NEEDS_A_CHECKIN), [[Choice(turn.tr("⏰ Set up check-ins"), act("cmd", "settings"))]])
        return DONE
    if action.arg() == MOOD_LOW:
        await _add_mood_rule(turn)
    return Go(RulesStep.LIST)


async def _add_mood_rule(turn: Turn) -> None:
    tx, pid = turn.tx, turn.person.id
    await signal_rules.set_rule(tx, pid, MOOD_LOW, None, turn.now)
    turn.say(turn.tr("Saved: {rule}.", rule=turn.tr(MOOD_RULE)))
    reports = (await consents.current(tx, pid)).get(consent_texts.SELFREPORTS)
    if reports is None or not reports.granted:
        turn.say(
            turn.tr(
                "This rule looks at your stored reports, so it also needs “{name}”. It is off now.",
                name=turn.tr(consent_texts.SCOPE_BY_KEY[consent_texts.SELFREPORTS].title),
            )
        )


async def _days_chosen(turn: Turn, action: Action) -> Next:
    days = action.number()
    if days in DAY_CHOICES and await _has_checkins(turn):
        await signal_rules.set_rule(turn.tx, turn.person.id, NO_CHECKIN, days, turn.now)
        turn.say(turn.tr("Saved: {rule}.", rule=no_checkin_text(turn, days)))
    return Go(RulesStep.LIST)


async def _remove(turn: Turn, action: Action) -> Next:
    if action.arg() in (NO_CHECKIN, MOOD_LOW):
        await signal_rules.remove(turn.tx, turn.person.id, action.arg())
        turn.say(turn.tr("Removed. Your coach will not be told about this any more."))
    return Go(RulesStep.LIST)


async def _to_list(turn: Turn, action: Action) -> Next:
    return Go(RulesStep.LIST)


async def _to_privacy(turn: Turn, action: Action) -> Next:
    return Handover("privacy", "overview")


RULES = StepFlow(
    "rules",
    {
        RulesStep.LIST: Step(_show_list, choices={"set": _add, "remove": _remove, "privacy": _to_privacy}),
        RulesStep.DAYS: Step(_show_days, choices={"days": _days_chosen, "list": _to_list}),
    },
    first=RulesStep.LIST,
    hands_over_to={"privacy"},
)
