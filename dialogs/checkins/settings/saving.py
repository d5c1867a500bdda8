"""Saving a setting: store it, plan the check-ins (and perhaps the appointment reminders) afresh, say so."""

from __future__ import annotations

from dialogs.appointments.reminder_plan import plan_upcoming_reminders
from dialogs.checkins import planning
from dialogs.checkins.settings.steps import ScheduleStep
from dialogs.core.flow import Go, Next
from dialogs.core.turn import Turn
from dialogs.quiet_hours import QuietHours
from storage import schedules
from storage.schedules import Schedule


async def plan_from_settings(turn: Turn, *, appointments_too: bool = False) -> None:
    """Plan the participant's due rows afresh from the settings now in force; with `appointments_too`
    (a new time zone or new quiet hours) the appointment reminders are moved as well."""
    person = turn.person
    await planning.plan_checkins(turn.tx, person.id, person.timezone, turn.now, turn.config.grace)
    if appointments_too:
        await plan_upcoming_reminders(turn.tx, person, turn.now)


async def save(turn: Turn, **changes: object) -> Next:
    """Store changed settings, plan afresh, say "Saved." (and what the quiet hours now silence), and go
    back to the overview."""
    schedule = await schedules.update(turn.tx, turn.person.id, turn.now, **changes)
    await plan_from_settings(turn, appointments_too="quiet_start" in changes)
    turn.say("\n".join([turn.tr("Saved."), *quiet_warnings(turn, schedule)]))
    return Go(ScheduleStep.OVERVIEW)


def quiet_warnings(turn: Turn, schedule: Schedule) -> list[str]:
    tr = turn.tr
    warnings = []
    if schedule.morning and QuietHours.of(schedule).covers(schedule.morning):
        warnings.append(
            tr(
                "Your morning check-in at {time} is in your quiet hours now, so I will not send it.",
                time=tr.time(schedule.morning),
            )
        )
    if schedule.evening and QuietHours.of(schedule).covers(schedule.evening):
        warnings.append(
            tr(
                "Your evening check-in at {time} is in your quiet hours now, so I will not send it.",
                time=tr.time(schedule.evening),
            )
        )
    return warnings
