"""The fixed catalogue of summary signals: the only things a coach can ever learn.

A signal is a kind from this list, a pseudonym, a time and at most a coarse category. Never a raw
answer, a score or free text. Each kind names the consent scope that allows it; some are raised only
when the participant set a rule for it themselves. One kind, `participation_ended`, is never stored as a
signal (`stored=False`): it reaches the coaches as a notice of its own, and the participant's consent text
names it with the others.
`docs/signals.md` describes every kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogs.core.i18n import N_

SHARING = "sharing"

# How a kind's category may look: one of its fixed keys, a calendar day, or a small number of days.
CHOICE, DATE, DAYS = "choice", "date", "days"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAYS = re.compile(r"[1-9]\d?")


@dataclass(frozen=True)
class SignalKind:
    key: str
    scope: str  # the consent scope that allows it
    description: str  # msgid, as the participant reads it in the consent text
    label: str  # msgid, what the coach sees (and the participant in /coachview)
    shareable: bool = True
    categories: tuple[str, ...] = ()  # for CHOICE: the allowed keys
    category_format: str = ""  # "", CHOICE, DATE or DAYS
    rule: bool = False  # raised only when the participant set a rule of this kind
    # False: never stored in the signals table (a notice sent to coaches instead); it has no signal column
    # in `companion stats` and `raise_signal` refuses it.
    stored: bool = True
    # With a category: CHOICE "{category}" (the category's label), DATE "{date}". DAYS kinds are written
    # with their own plural message in `coach_summary.signal_text`.
    label_with_category: str = ""
    # True: nothing raises it any more (`raise_signal` refuses it, no consent text names it); kept so that
    # rows stored before still show.

    def category_ok(self, category: str | None) -> bool:
        if category is None:
            return True
        if self.category_format == CHOICE:
            return category in self.categories
        if self.category_format == DATE:
            return _DATE.fullmatch(category) is not None
        if self.category_format == DAYS:
            return _DAYS.fullmatch(category) is not None
        return False


# Kinds of help to get to an appointment, with how the coach reads them.
HELP_CATEGORIES: dict[str, str] = {
    "interpreter": N_("an interpreter"),
    "travel_costs": N_("travel costs"),
    "accompaniment": N_("someone to come along"),
    "childcare": N_("childcare"),
    "other": N_("other help"),
}

SIGNAL_KINDS: tuple[SignalKind, ...] = (
    SignalKind(
        "contact_requested",
        SHARING,
        N_("You asked to be contacted."),
        N_("Asked to be contacted"),
    ),
    SignalKind(
        "new_date_needed",
        SHARING,
        N_("You need a new date for an appointment."),
        N_("Needs a new date for an appointment"),
    ),
    SignalKind(
        "help_to_get_there",
        SHARING,
        N_("You need help to get to an appointment (for example an interpreter or travel costs)."),
        N_("Needs help to get to an appointment"),
        label_with_category=N_("Needs help to get to an appointment: {category}"),
        categories=tuple(HELP_CATEGORIES),
        category_format=CHOICE,
    ),
    SignalKind(
        "mood_low",
        SHARING,
        N_("Your mood was low on 3 of your last 5 reports (only if you turn this rule on)."),
        N_("Mood low on 3 of the last 5 reports"),
        rule=True,
    ),
    SignalKind(
        "no_checkin",
        SHARING,
        N_("You have not checked in for a number of days you chose (only if you turn this rule on)."),
        N_("No check-in for some days (a rule the participant set)"),
        category_format=DAYS,
        rule=True,
    ),
    SignalKind(
        "paused",
        SHARING,
        N_("You paused the companion, and until which day."),
        N_("Paused the companion"),
        label_with_category=N_("Paused the companion until {date}"),
        category_format=DATE,
    ),
    SignalKind(
        "unreachable",
        SHARING,
        N_("Messages to you cannot be delivered."),
        N_("Messages cannot be delivered"),
    ),
    SignalKind(
        "participation_ended",
        SHARING,
        N_("You ended your participation (no reason is given)."),
        N_("Ended participation"),
        stored=False,
    ),
)
KIND_BY_KEY = {kind.key: kind for kind in SIGNAL_KINDS}
STORED_KINDS = tuple(kind for kind in SIGNAL_KINDS if kind.stored)  # the kinds the signals table can hold


def kinds_for_scope(scope: str) -> tuple[SignalKind, ...]:
    return tuple(kind for kind in SIGNAL_KINDS if kind.scope == scope and kind.shareable)
