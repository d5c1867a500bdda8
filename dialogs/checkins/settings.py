"""/settings and the set-up right after consent: check-in times, weekdays, quiet hours, time zone, look-back.

Buttons come first; a time can also be typed as `HH:MM`, a time zone as its name (`Europe/Berlin`, or
just `Berlin`). Every change is saved and replanned at once. Nothing here is required: "set up later"
leaves the person without check-ins until they choose some.
"""

from __future__ import annotations

from datetime import date, time
from functools import cache
from zoneinfo import available_timezones

from dialogs.appointments.reminder_plan import plan_upcoming_reminders
from dialogs.checkins import planning
from dialogs.checkins.planning import parse_time
from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import Flow, Standing
from dialogs.core.i18n import Translator
from dialogs.core.turn import Turn
from dialogs.participation.menu import show_menu
from dialogs.quiet_hours import QuietHours
from storage import participants, schedules
from storage.schedules import EVERY_DAY, Schedule

ACTIVE = frozenset({Standing.ACTIVE})
SETUP, SETTINGS = "setup", "settings"
PRESETS = {
    "morning": (time(7), time(8), time(9), time(10)),
    "evening": (time(18), time(19), time(20), time(21)),
    "quiet_start": (time(21), time(22), time(23)),
    "quiet_end": (time(6), time(7), time(8), time(9)),
}
COMMON_ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "Europe/Athens",
    "Europe/Istanbul",
    "Europe/Kyiv",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Kabul",
)
A_MONDAY = date(2026, 11, 23)


def weekday_name(tr: Translator, iso_day: int, width: str = "EEEE") -> str:
    """The locale's name of an ISO weekday (1 = Monday); `EEE` for the short form."""
    return tr.date(A_MONDAY.replace(day=A_MONDAY.day + iso_day - 1), width)


def days_text(tr: Translator, days: frozenset[int]) -> str:
    if days == EVERY_DAY:
        return tr("every day")
    return ", ".join(weekday_name(tr, d, "EEE") for d in sorted(days))


@cache
def _zone_names() -> dict[str, str]:
    """Lower-case zone names and city names to the IANA name (a city in two zones is left out)."""
    names: dict[str, str] = {}
    cities: dict[str, set[str]] = {}
    for name in available_timezones():
        names[name.lower()] = name
        cities.setdefault(name.rsplit("/", 1)[-1].replace("_", " ").lower(), set()).add(name)
    for city, zones in cities.items():
        if len(zones) == 1 and city not in names:
            names[city] = next(iter(zones))
    return names


def find_zone(text: str) -> str | None:
    """An IANA zone for what someone typed: `Europe/Berlin`, `europe/berlin`, `Berlin`, `new york`."""
    wanted = " ".join(text.strip().split()).lower()
    if not wanted or len(wanted) > 64:
        return None
    names = _zone_names()
    return names.get(wanted) or names.get(wanted.replace(" ", "_"))


def city(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


async def plan_from_settings(turn: Turn, *, appointments_too: bool = False) -> None:
    """Plan the participant's due rows afresh from the settings now in force; with `appointments_too`
    (a new time zone or new quiet hours) the appointment reminders are moved as well."""
    assert turn.participant is not None
    await planning.plan_checkins(
        turn.tx, turn.participant.id, turn.participant.timezone, turn.now, turn.config.grace
    )
    if appointments_too:
        await plan_upcoming_reminders(turn.tx, turn.participant, turn.now)


async def begin_setup(turn: Turn) -> None:
    """Right after consent: offer a morning and an evening time, or "set up later"."""
    turn.reset("schedule", "morning", mode=SETUP)
    await SCHEDULE.show(turn)


async def settings_command(turn: Turn, args: str) -> None:
    turn.reset("schedule", "overview", mode=SETTINGS)
    await SCHEDULE.show(turn)


def overview_lines(turn: Turn, schedule: Schedule) -> list[str]:
    tr = turn.tr
    assert turn.participant is not None
    lines = [tr("Your check-ins:")]
    lines.append(
        tr("Morning check-in: {time}", time=tr.time(schedule.morning))
        if schedule.morning
        else tr("Morning check-in: off")
    )
    lines.append(
        tr("Evening check-in: {time}", time=tr.time(schedule.evening))
        if schedule.evening
        else tr("Evening check-in: off")
    )
    lines.append(tr("Days: {days}", days=days_text(tr, schedule.weekdays)))
    if schedule.has_quiet_hours:
        lines.append(
            tr(
                "Quiet hours: {start} to {end}",
                start=tr.time(schedule.quiet_start),
                end=tr.time(schedule.quiet_end),
            )
        )
    else:
        lines.append(tr("Quiet hours: none"))
    lines.append(
        tr(
            "Time zone: {zone} (it is {time} there now)",
            zone=turn.participant.timezone,
            time=tr.time(turn.now),
        )
    )
    if schedule.lookback_day:
        lines.append(tr("Weekly look-back: {day}", day=weekday_name(tr, schedule.lookback_day)))
    else:
        lines.append(tr("Weekly look-back: off"))
    if schedule.paused_at(turn.now) and schedule.paused_until is not None:
        lines.append(tr("Paused until {date}.", date=tr.date(schedule.paused_until, "full")))
    return lines


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


class ScheduleFlow(Flow):
    name = "schedule"

    def _mode(self, turn: Turn) -> str:
        return str(turn.data.get("mode", SETTINGS))

    async def _schedule(self, turn: Turn) -> Schedule:
        assert turn.participant is not None
        return await schedules.get(turn.tx, turn.participant.id)

    def _back(self, turn: Turn) -> Choice:
        if self._mode(turn) == SETUP:
            return Choice(turn.tr("Set up later"), "later")
        return Choice(turn.tr("Back"), "back")

    def _time_choices(self, turn: Turn, step: str) -> list[list[Choice]]:
        presets = [Choice(turn.tr.time(t), f"time:{schedules.hhmm(t)}") for t in PRESETS[step]]
        return [presets[i : i + 4] for i in range(0, len(presets), 4)]

    async def show(self, turn: Turn) -> None:
        tr, step = turn.tr, turn.step
        schedule = await self._schedule(turn)
        typed_hint = tr("You can also write a time, like 08:30.")
        if step == "overview":
            paused = schedule.paused_at(turn.now)
            turn.say(
                "\n".join(overview_lines(turn, schedule)),
                [
                    [Choice(tr("🌅 Morning"), "go:morning"), Choice(tr("🌙 Evening"), "go:evening")],
                    [Choice(tr("📆 Days"), "go:days"), Choice(tr("🤫 Quiet hours"), "go:quiet_start")],
                    [
                        Choice(tr("🌍 Time zone"), "go:timezone"),
                        Choice(tr("🗓 Weekly look-back"), "go:lookback"),
                    ],
                    [
                        Choice(tr("▶️ Resume now"), "cmd:resume")
                        if paused
                        else Choice(tr("⏸ Pause"), "cmd:pause")
                    ],
                    [Choice(tr("Back to the menu"), "menu")],
                ],
            )
        elif step == "morning":
            question = (
                tr(
                    "Would you like a short check-in every morning? It takes less than a minute. "
                    "When would suit you?"
                )
                if self._mode(turn) == SETUP
                else tr("When should I ask you in the morning?")
            )
            rows = self._time_choices(turn, step)
            rows.append([Choice(tr("No morning check-in"), "off")])
            rows.append([self._back(turn)])
            turn.say(f"{question}\n{typed_hint}", rows)
        elif step == "evening":
            question = (
                tr("And in the evening? I would ask how your day went. When would suit you?")
                if self._mode(turn) == SETUP
                else tr("When should I ask you in the evening?")
            )
            rows = self._time_choices(turn, step)
            rows.append([Choice(tr("No evening check-in"), "off")])
            rows.append([self._back(turn)])
            turn.say(f"{question}\n{typed_hint}", rows)
        elif step == "days":
            chosen = self._chosen_days(turn, schedule)
            toggles = [
                Choice(("✓ " if d in chosen else "") + weekday_name(tr, d), f"day:{d}")
                for d in sorted(EVERY_DAY)
            ]
            rows = [toggles[i : i + 2] for i in range(0, len(toggles), 2)]
            rows.append([Choice(tr("Every day"), "everyday"), Choice("✅ " + tr("Done"), "done")])
            rows.append([self._back(turn)])
            turn.say(tr("On which days would you like check-ins? Tap to choose, then tap Done."), rows)
        elif step == "quiet_start":
            rows = self._time_choices(turn, step)
            rows.append([Choice(tr("No quiet hours"), "off")])
            rows.append([self._back(turn)])
            turn.say(
                tr("When should your quiet hours begin? I send nothing during quiet hours.")
                + "\n"
                + typed_hint,
                rows,
            )
        elif step == "quiet_end":
            rows = self._time_choices(turn, step)
            rows.append([self._back(turn)])
            turn.say(tr("And when should they end?") + "\n" + typed_hint, rows)
        elif step == "timezone":
            choices = [
                Choice(
                    f"{city(zone)} · {Translator(tr.locale, tr.fallback, zone).time(turn.now)}",
                    f"zone:{zone}",
                )
                for zone in COMMON_ZONES
            ]
            rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
            rows.append([self._back(turn)])
            turn.say(
                tr(
                    "Which time zone are you in? Each button shows the time there now. "
                    "You can also write a name, like Europe/Berlin."
                ),
                rows,
            )
        elif step == "lookback":
            days = [Choice(weekday_name(tr, d), f"lookback:{d}") for d in sorted(EVERY_DAY)]
            rows = [days[i : i + 2] for i in range(0, len(days), 2)]
            rows.append([Choice(tr("No look-back"), "lookback:off")])
            rows.append([self._back(turn)])
            turn.say(
                tr(
                    "Once a week I can show you a short look back on your week. Only you see it. "
                    "On which day would you like it?"
                ),
                rows,
            )
        else:
            turn.goto("schedule", "overview")
            await self.show(turn)

    async def on_choice(self, turn: Turn, choice: Action) -> None:
        action = str(choice)
        step = turn.step
        if action == "menu":
            await show_menu(turn)
            return
        if action == "later" and self._mode(turn) == SETUP:
            turn.say(turn.tr("Okay. You can set up check-ins at any time with /settings."))
            await show_menu(turn)
            return
        if action == "back":
            await self._to_overview(turn)
            return
        if step == "overview" and action.startswith("go:"):
            target = action.removeprefix("go:")
            if target in ("morning", "evening", "days", "quiet_start", "timezone", "lookback"):
                turn.goto("schedule", target)
                turn.data.pop("days", None)
            await self.show(turn)
            return
        if step in ("morning", "evening"):
            if action == "off":
                await self._set_slot(turn, step, None)
                return
            chosen = parse_time(action.removeprefix("time:")) if action.startswith("time:") else None
            if chosen is not None:
                await self._set_slot(turn, step, chosen)
                return
        elif step == "days":
            await self._days(turn, action)
            return
        elif step in ("quiet_start", "quiet_end"):
            if step == "quiet_start" and action == "off":
                await self._save(turn, quiet_start=time(0), quiet_end=time(0))
                return
            chosen = parse_time(action.removeprefix("time:")) if action.startswith("time:") else None
            if chosen is not None:
                await self._quiet(turn, step, chosen)
                return
        elif step == "timezone" and action.startswith("zone:"):
            zone = find_zone(action.removeprefix("zone:"))
            if zone is not None:
                await self._set_zone(turn, zone)
                return
        elif step == "lookback" and action.startswith("lookback:"):
            value = action.removeprefix("lookback:")
            if value == "off" or (value.isdigit() and 1 <= int(value) <= 7):
                await self._save(turn, lookback_day=None if value == "off" else int(value))
                return
        await self.show(turn)

    async def on_text(self, turn: Turn, text: str) -> None:
        step = turn.step
        if step in ("morning", "evening", "quiet_start", "quiet_end"):
            chosen = parse_time(text)
            if chosen is None:
                turn.say(
                    turn.tr(
                        "I could not read “{text}” as a time. Please write hours and minutes, like 08:30, "
                        "or tap a button.",
                        text=text[:20],
                    )
                )
                await self.show(turn)
                return
            if step in ("morning", "evening"):
                await self._set_slot(turn, step, chosen)
            else:
                await self._quiet(turn, step, chosen)
            return
        if step == "timezone":
            zone = find_zone(text)
            if zone is None:
                turn.say(
                    turn.tr(
                        "I do not know the time zone “{name}”. Please write it like Europe/Berlin, "
                        "or tap a button.",
                        name=text[:40],
                    )
                )
                await self.show(turn)
                return
            await self._set_zone(turn, zone)
            return
        await super().on_text(turn, text)

    async def _set_slot(self, turn: Turn, slot: str, chosen: time | None) -> None:
        schedule = await self._schedule(turn)
        tr = turn.tr
        if chosen is not None and QuietHours.of(schedule).covers(chosen):
            turn.say(
                tr(
                    "{time} is in your quiet hours ({start} to {end}). I send nothing then. "
                    "Please choose another time.",
                    time=tr.time(chosen),
                    start=tr.time(schedule.quiet_start),
                    end=tr.time(schedule.quiet_end),
                )
            )
            await self.show(turn)
            return
        assert turn.participant is not None
        await schedules.update(turn.tx, turn.participant.id, turn.now, **{slot: chosen})
        await plan_from_settings(turn)
        if self._mode(turn) == SETUP:
            if slot == "morning":
                turn.goto("schedule", "evening")
                await self.show(turn)
            else:
                await self._finish_setup(turn)
            return
        turn.say(tr("Saved."))
        await self._to_overview(turn)

    async def _finish_setup(self, turn: Turn) -> None:
        tr = turn.tr
        schedule = await self._schedule(turn)
        if schedule.morning is None and schedule.evening is None:
            turn.say(tr("Okay, no check-ins for now. You can set them up at any time with /settings."))
            await show_menu(turn)
            return
        lines = [tr("All set.")]
        if schedule.morning:
            lines.append(tr("Morning check-in: {time}", time=tr.time(schedule.morning)))
        if schedule.evening:
            lines.append(tr("Evening check-in: {time}", time=tr.time(schedule.evening)))
        lines.append(
            tr(
                "Quiet hours are from {start} to {end}: I send nothing then.",
                start=tr.time(schedule.quiet_start),
                end=tr.time(schedule.quiet_end),
            )
        )
        lines.append(tr("You can change this at any time with /settings, and pause with /pause."))
        turn.say("\n".join(lines))
        await show_menu(turn)

    def _chosen_days(self, turn: Turn, schedule: Schedule) -> frozenset[int]:
        """The days toggled so far in this step, or the saved ones before the first tap."""
        if isinstance(turn.data.get("days"), list):
            return frozenset(int(d) for d in turn.data["days"])
        return schedule.weekdays

    async def _days(self, turn: Turn, action: str) -> None:
        schedule = await self._schedule(turn)
        chosen = set(self._chosen_days(turn, schedule))
        if action.startswith("day:") and action.removeprefix("day:") in {str(d) for d in EVERY_DAY}:
            chosen ^= {int(action.removeprefix("day:"))}
            turn.goto("schedule", "days", days=sorted(chosen))
            await self.show(turn)
            return
        if action == "everyday":
            await self._save(turn, weekdays=EVERY_DAY)
            return
        if action == "done":
            if not chosen:
                turn.say(turn.tr("Please choose at least one day. To have no check-ins, turn off the times."))
                await self.show(turn)
                return
            await self._save(turn, weekdays=frozenset(chosen))
            return
        await self.show(turn)

    async def _quiet(self, turn: Turn, step: str, chosen: time) -> None:
        if step == "quiet_start":
            turn.goto("schedule", "quiet_end", quiet_start=schedules.hhmm(chosen))
            await self.show(turn)
            return
        start = parse_time(str(turn.data.get("quiet_start", "")))
        if start is None:
            turn.goto("schedule", "quiet_start")
            await self.show(turn)
            return
        if start == chosen:
            turn.say(
                turn.tr(
                    "Quiet hours cannot begin and end at the same time. To have none, tap “No quiet hours”."
                )
            )
            turn.goto("schedule", "quiet_start")
            await self.show(turn)
            return
        await self._save(turn, quiet_start=start, quiet_end=chosen)

    async def _set_zone(self, turn: Turn, zone: str) -> None:
        assert turn.participant is not None
        await participants.set_timezone(turn.tx, turn.participant.id, zone)
        turn.participant = await participants.by_id(turn.tx, turn.participant.id)
        turn.retranslate()
        await plan_from_settings(turn, appointments_too=True)
        turn.say(turn.tr("Saved. It is {time} in {zone} now.", time=turn.tr.time(turn.now), zone=zone))
        await self._to_overview(turn)

    async def _save(self, turn: Turn, **changes: object) -> None:
        assert turn.participant is not None
        schedule = await schedules.update(turn.tx, turn.participant.id, turn.now, **changes)
        await plan_from_settings(turn, appointments_too="quiet_start" in changes)
        turn.say("\n".join([turn.tr("Saved."), *quiet_warnings(turn, schedule)]))
        await self._to_overview(turn)

    async def _to_overview(self, turn: Turn) -> None:
        if self._mode(turn) == SETUP:
            await self._finish_setup(turn)
            return
        turn.goto("schedule", "overview")
        await self.show(turn)


SCHEDULE = ScheduleFlow()
