"""The fixed catalogue of summary signals: the only things a coach can ever learn.

A signal is a kind from this list, a pseudonym, a time and at most a coarse category. Never a raw
answer, a score or free text.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.i18n import N_


@dataclass(frozen=True)
class SignalKind:
    key: str
    scope: str  # the consent scope that allows it
    description: str  # msgid, as the participant reads it in the consent and in /privacy
    shareable: bool = True


SIGNAL_KINDS: tuple[SignalKind, ...] = (
    SignalKind("contact_requested", "sharing", N_("You asked to be contacted.")),
    SignalKind("new_date_needed", "sharing", N_("You need a new date for an appointment.")),
    SignalKind(
        "help_to_get_there",
        "sharing",
        N_("You need help to get to an appointment (for example an interpreter or travel costs)."),
    ),
    SignalKind("mood_low", "sharing", N_("Your mood was low on 3 of your last 5 reports.")),
    SignalKind("paused", "sharing", N_("You paused the companion, and until which day.")),
    SignalKind("unreachable", "sharing", N_("Messages to you cannot be delivered.")),
    SignalKind("participation_ended", "sharing", N_("You ended your participation (no reason is given).")),
)
