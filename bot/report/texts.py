"""The report's words: what each line is called and how it is counted (German and English catalogues)."""

from __future__ import annotations

from dialogs.consent_texts import SCOPES
from dialogs.core.i18n import N_, Translator
from dialogs.signals.catalogue import KIND_BY_KEY

TITLE = N_("Programme report")
ALL = N_("All organisations")
REGION = N_("Region {region}")
PERIOD = N_("{start} to {end}")
MADE = N_("Made on {date} (UTC). Months are calendar months in UTC.")
TOTAL = N_("Period")
FIGURE = N_("Figure")
DEFINITIONS = N_("What each figure counts")
RULE_TITLE = N_("Small counts are hidden")
RULE = N_(
    "Each count is worked out per month and per organisation (people without an organisation: per region). "
    "Such a count is shown when it is 0 or at least 5; a count from 1 to 4 is shown as x. A region, all "
    "organisations, a sum of kinds and the period column add up only the counts shown: 12+ means 12 in the "
    "counts shown and a few more hidden. So every report shows the same figure for the same month, and no "
    "difference of two reports, whatever their periods, gives back a hidden count."
)
PARTS_RULE = N_(
    "A part of another figure (active, paused and consent among those taking part, pause signals among "
    "pauses begun, reminders answered, requests not taken) is also shown as x when the rest is from 1 to 4, "
    "so that no subtraction gives such a count."
)
TIMES_RULE = N_(
    "Response times are not counts and are not added up. A median or 90th percentile is shown only when it "
    "is worked out from at least {n} items of that month or period; otherwise the cell stays empty."
)
TANDEM = N_(
    "Someone accompanied by two organisations (a tandem) counts for each of them, so a region or all "
    "organisations count pairs of person and organisation."
)
GROUPS = {
    "participation": N_("Taking part"),
    "consent": N_("Consent given, at the end of the month"),
    "signals": N_("Signals to the team, by kind"),
    "appointments": N_("Appointment reminders"),
    "response": N_("Contact requests: how fast the team took and closed them (working hours, h:mm)"),
}
LABELS = {
    "offered": N_("Offered (invitations made)"),
    "enrolled": N_("Enrolled"),
    "ended": N_("Ended"),
    "taking_part": N_("Taking part at the end of the month"),
    "active": N_("Active in the last 28 days"),
    "paused": N_("Paused at the end of the month"),
    "pauses_begun": N_("Pauses begun"),
    "signals_total": N_("All signals"),
    "reminded": N_("Appointment reminders sent"),
    "answered": N_("Reminders answered"),
    "items": N_("Contact requests"),
    "not_taken": N_("Not taken (yet)"),
    "take_median": N_("Time to take: median"),
    "take_p90": N_("Time to take: 90th percentile"),
    "close_median": N_("Time to close: median"),
    "close_p90": N_("Time to close: 90th percentile"),
}
MEANINGS = {
    "offered": N_("Invitations created in the month, by the organisation of the coach who made them."),
    "enrolled": N_(
        "Invitations used in the month to join (connecting someone who already takes part is not counted)."
    ),
    "ended": N_(
        "People who ended their participation in the month and are still stopped. Someone who deleted "
        "everything is gone."
    ),
    "taking_part": N_(
        "People who joined before the month's end and had not ended by then (now, for this month)."
    ),
    "active": N_(
        "People taking part with a check-in answer or a self-report in the 28 days before the month's end."
    ),
    "paused": N_(
        "People whose check-ins were paused at the month's end. Only the current pause is stored, so an "
        "ended pause no longer counts here (see pauses begun)."
    ),
    "pauses_begun": N_(
        "Pauses of check-ins begun in the month, counted when each began (changing the length of a pause "
        "is not a new one)."
    ),
    "consent": N_(
        "People taking part whose latest decision before the month's end for this scope was yes (sharing "
        "scopes: for this organisation)."
    ),
    "signals": N_(
        "Summary signals made in the month that reached the organisation (its team inbox), by kind."
    ),
    "reminded": N_(
        "Appointment reminders sent in the month (an appointment with two reminders counts twice), counted "
        "when each was handed over for sending, for the organisations accompanying the person then. A "
        "reminder that was planned but not sent (the appointment removed before) is not counted; one that "
        "Telegram could not deliver (the person had blocked the bot) is."
    ),
    "answered": N_("Appointments whose reminder got its first one-tap answer in the month."),
    "items": N_(
        "Contact requests that came into the team inbox in the month; requests the person withdrew are "
        "left out (also from the times)."
    ),
    "not_taken": N_("Of those, requests nobody has taken so far."),
    "times": N_(
        "Working time (the organisation's working days and hours) from the request coming in to a coach "
        "taking it, or to closing it. The month is the month the request came in."
    ),
    "crisis": N_(
        "Crisis alerts: coaches are no longer told when someone opens the crisis card, so there are none "
        "to time."
    ),
}


def label(tr: Translator, key: str) -> str:
    if key.startswith("consent:"):
        scope = next(s for s in SCOPES if s.key == key.removeprefix("consent:"))
        return tr(scope.title)
    if key.startswith("signal:"):
        return tr(KIND_BY_KEY[key.removeprefix("signal:")].label)
    return tr(LABELS[key])


def definitions(tr: Translator, min_items: int) -> list[tuple[str, str]]:
    """(name, meaning) for every figure, in the report's order."""
    names = [
        (LABELS[k], MEANINGS[k])
        for k in ("offered", "enrolled", "ended", "taking_part", "active", "paused", "pauses_begun")
    ]
    names += [(GROUPS["consent"], MEANINGS["consent"]), (GROUPS["signals"], MEANINGS["signals"])]
    names += [(LABELS[k], MEANINGS[k]) for k in ("reminded", "answered", "items", "not_taken")]
    found = [(tr(name), tr(meaning)) for name, meaning in names]
    times, crisis, response = MEANINGS["times"], MEANINGS["crisis"], GROUPS["response"]
    found.append((tr(response), tr(times) + " " + tr(TIMES_RULE, n=min_items)))
    found.append(("", tr(crisis)))
    return found
