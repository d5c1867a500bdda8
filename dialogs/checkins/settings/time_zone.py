"""The participant's time zone: a button for a common one (showing the time there now) or a typed name.

A name can be an IANA zone (`Europe/Berlin`, in any case) or just its city (`Berlin`, `new york`). A new
zone moves every planned check-in and appointment reminder to the new local times.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from dialogs.checkins.settings.saving import plan_from_settings
from dialogs.checkins.settings.steps import ScheduleStep, back_choice, in_rows
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import STAY, Go, Next, Step
from dialogs.core.i18n import Translator
from dialogs.core.turn import Turn
from storage import participants

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


async def _show(turn: Turn) -> None:
    tr = turn.tr
    choices = [
        Choice(f"{city(zone)} · {Translator(tr.locale, tr.fallback, zone).time(turn.now)}", act("zone", zone))
        for zone in COMMON_ZONES
    ]
    rows = in_rows(choices, 2)
    rows.append([back_choice(turn)])
    turn.say(
        tr(
            "Which time zone are you in? Each button shows the time there now. "
            "You can also write a name, like Europe/Berlin."
        ),
        rows,
    )


async def _set_zone(turn: Turn, zone: str) -> Next:
    await participants.set_timezone(turn.tx, turn.person.id, zone)
    turn.participant = await participants.by_id(turn.tx, turn.person.id)
    turn.retranslate()
    await plan_from_settings(turn, appointments_too=True)
    turn.say(turn.tr("Saved. It is {time} in {zone} now.", time=turn.tr.time(turn.now), zone=zone))
    return Go(ScheduleStep.OVERVIEW)


async def _chosen(turn: Turn, action: Action) -> Next:
    zone = find_zone(action.arg())
    return STAY if zone is None else await _set_zone(turn, zone)


async def _written(turn: Turn, text: str) -> Next:
    zone = find_zone(text)
    if zone is None:
        turn.say(
            turn.tr(
                "I do not know the time zone “{name}”. Please write it like Europe/Berlin, or tap a button.",
                name=text[:40],
            )
        )
        return STAY
    return await _set_zone(turn, zone)


STEP = Step(_show, choices={"zone": _chosen}, text=_written, back=ScheduleStep.OVERVIEW)
