"""/alerts in a coach's chat: the time of the daily summary, the quiet hours, and whether contact requests
and crisis alerts also come during quiet hours. A change replans the coach's digests at once.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from dialogs.coaching.alert_times import replan_digests
from dialogs.coaching.coach_chat import coach_of
from dialogs.coaching.commands import CoachStep
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import Go, Handover, Next, Step, StepFlow, start
from dialogs.core.turn import Turn
from storage import coaches
from storage.coaches import Coach

DIGEST_TIMES = ("07:00", "08:00", "09:00", "12:00", "16:00")
QUIET_CHOICES = (("20:00", "07:00"), ("18:00", "08:00"), ("22:00", "06:00"), ("00:00", "00:00"))
# The buttons' actions (`digest:07:00`, `quiet:20:00-07:00`) and the setting each one chooses.
DIGEST_ACTIONS = {Action.parse(act("digest", at)): at for at in DIGEST_TIMES}
QUIET_ACTIONS = {Action.parse(act("quiet", f"{start}-{end}")): (start, end) for start, end in QUIET_CHOICES}


class AlertsStep(StrEnum):
    OVERVIEW = "overview"
    DIGEST = "digest"
    QUIET = "quiet"


async def alerts_command(turn: Turn, args: str) -> None:
    await start(turn, "coach_alerts", AlertsStep.OVERVIEW)


def _quiet_label(turn: Turn, start: str, end: str) -> str:
    return turn.tr("No quiet hours") if start == end else turn.tr("{start} to {end}", start=start, end=end)


def _alerts_text(turn: Turn, coach: Coach) -> str:
    hours = _quiet_label(turn, coach.quiet_start, coach.quiet_end)
    quiet = hours if coach.quiet_start == coach.quiet_end else turn.tr("Quiet hours: {hours}", hours=hours)
    urgent = (
        turn.tr("Contact requests and crisis alerts come at once, also during quiet hours.")
        if coach.urgent_in_quiet
        else turn.tr("Contact requests and crisis alerts that come during quiet hours wait until they end.")
    )
    return "\n".join(
        [
            turn.tr("Your alerts:"),
            turn.tr("Daily summary of the other signals: {time}", time=coach.digest_at),
            quiet,
            urgent,
        ]
    )


async def _show_overview(turn: Turn) -> None:
    coach = coach_of(turn)
    toggle = (
        turn.tr("Hold urgent alerts during quiet hours")
        if coach.urgent_in_quiet
        else turn.tr("Send urgent alerts also during quiet hours")
    )
    turn.say(
        _alerts_text(turn, coach),
        [
            [Choice(turn.tr("⏰ Time of the daily summary"), act("goto", AlertsStep.DIGEST))],
            [Choice(turn.tr("🌙 Quiet hours"), act("goto", AlertsStep.QUIET))],
            [Choice(toggle, act("urgent"))],
            [Choice(turn.tr("Back to the menu"), act("menu"))],
        ],
    )


async def _show_digest(turn: Turn) -> None:
    times = [Choice(at, act("digest", at)) for at in DIGEST_TIMES]
    turn.say(
        turn.tr("When should the daily summary come?"),
        [times[:3], times[3:], [Choice(turn.tr("Back"), act("overview"))]],
    )


async def _show_quiet(turn: Turn) -> None:
    choices = [
        [Choice(_quiet_label(turn, start, end), act("quiet", f"{start}-{end}"))]
        for start, end in QUIET_CHOICES
    ]
    turn.say(
        turn.tr("When should I not send you alerts?"),
        [*choices, [Choice(turn.tr("Back"), act("overview"))]],
    )


async def _open(turn: Turn, action: Action) -> Next:
    """`goto:digest`, `goto:quiet`: one of the two settings' questions."""
    wanted = action.arg()
    return Go(wanted if wanted in (AlertsStep.DIGEST, AlertsStep.QUIET) else AlertsStep.OVERVIEW)


async def _overview(turn: Turn, action: Action) -> Next:
    return Go(AlertsStep.OVERVIEW)


async def _save(turn: Turn, changed: Coach) -> Next:
    await coaches.set_alerts(
        turn.tx,
        changed.id,
        digest_at=changed.digest_at,
        quiet_start=changed.quiet_start,
        quiet_end=changed.quiet_end,
        urgent_in_quiet=changed.urgent_in_quiet,
    )
    turn.coach = await coaches.by_id(turn.tx, changed.id)
    await replan_digests(turn.tx, coach_of(turn), turn.now)
    turn.say(turn.tr("Saved."))
    return Go(AlertsStep.OVERVIEW)


async def _digest_chosen(turn: Turn, action: Action) -> Next:
    at = DIGEST_ACTIONS.get(action)
    if at is None:
        return Go(AlertsStep.OVERVIEW)
    return await _save(turn, replace(coach_of(turn), digest_at=at))


async def _quiet_chosen(turn: Turn, action: Action) -> Next:
    hours = QUIET_ACTIONS.get(action)
    if hours is None:
        return Go(AlertsStep.OVERVIEW)
    start, end = hours
    return await _save(turn, replace(coach_of(turn), quiet_start=start, quiet_end=end))


async def _urgent_toggled(turn: Turn, action: Action) -> Next:
    coach = coach_of(turn)
    return await _save(turn, replace(coach, urgent_in_quiet=not coach.urgent_in_quiet))


async def _to_menu(turn: Turn, action: Action) -> Next:
    return Handover("coach", CoachStep.MENU)


COACH_ALERTS = StepFlow(
    "coach_alerts",
    {
        AlertsStep.OVERVIEW: Step(_show_overview, choices={"goto": _open, "urgent": _urgent_toggled}),
        AlertsStep.DIGEST: Step(_show_digest, choices={"digest": _digest_chosen, "overview": _overview}),
        AlertsStep.QUIET: Step(_show_quiet, choices={"quiet": _quiet_chosen, "overview": _overview}),
    },
    first=AlertsStep.OVERVIEW,
    everywhere={"menu": _to_menu},
    hands_over_to={"coach"},
)
