""" "I can't come": what the bot says, and the protective path for a job-centre appointment.

Since 1 July 2026 (the "Neue Grundsicherung", 13th SGB II amendment act) a job-centre appointment missed
without an important reason ("wichtiger Grund", § 32 SGB II Meldeversäumnis) can cut the money: from the
second missed appointment by 30 % of the standard need, and after three in a row the person counts as not
reachable (§ 7b SGB II) and loses the benefit until they report in person. A reason given in time (a sick
note, Arbeitsunfähigkeitsbescheinigung, § 56 SGB II) is as a rule an important reason, and the Federal
Employment Agency itself advises to cancel before the appointment so that a new date can be agreed.
Sources, checked 2026-12-07:
- https://www.gegen-hartz.de/news/alle-jetzt-beschlossenen-sgb-ii-aenderungen-beim-buergergeld-ab-1-juli-2026
  (Bundestag vote of 2026-03-05, in force 2026-07-01, § 7b Erreichbarkeit after three missed appointments)
- https://www.buergergeld.org/news/30-prozent-keule-neue-burgergeld-sanktionen-grundsicherung
  (30 % for repeated Meldeversäumnisse, for one month, "repeated" from the second one)
- https://haufe.de/sozialwesen/sgb-office-professional/sauer-sgbii-32-meldeversaeumnisse-21-ueberblick_idesk_PI434_HI2675071.html
  (§ 32: a reduction only without an important reason, after a hearing)
- https://www.gegen-hartz.de/news/buergergeld-jobcenter-fordert-eine-wegeunfaehigkeitsbescheinigung
  (BSG 2010: a sick note as a rule suffices for a Meldetermin, not without exception)
- https://www.derwesten.de/politik/buergergeld-jobcenter-arbeitsunfaehigkeit-bescheinigung-geld-id300472475.html
  (2023-03, the BA: cancel in time and in advance, then a new date or a phone appointment is possible)

What the bot does is only advice and a text to copy: it never tells the job centre anything, and it never
records that anyone missed anything. The answer "cannot" stays the appointment's latest answer, shown back
only to the participant, as for every other kind; the coach hears of it only through "please ask my coach
to contact me" or "I need a new date", with the sharing consent (`dialogs/signals/raising.py`).
"""

from __future__ import annotations

from dialogs.core.events import Choice
from dialogs.core.i18n import N_, Translator
from dialogs.core.turn import Turn
from storage.appointments import Appointment

JOBCENTRE = "jobcentre"

WHY_BEFORE = N_(
    "Thank you for telling me early. For the job centre this matters: since July 2026, missing an "
    "appointment without an important reason can cut your Grundsicherungsgeld.\n\n"
    "So please tell the job centre before the appointment: by phone, letter or online. Say why you cannot "
    "come. If you are ill, ask your doctor for a sick note (Arbeitsunfähigkeitsbescheinigung) and send it "
    "to them: it shows that you had an important reason."
)
WHAT_IT_SAYS = N_(
    "The message above is in German, for the job centre. It says that you cannot come on {date} at {time} "
    "and asks for a new date. Write your reason and your name where the dots are. To copy it, press and "
    "hold it. Can I help with anything else?"
)

# Goes to the job centre, so it is German whatever the participant's language; never translated.
GERMAN_MESSAGE = (
    "Sehr geehrte Damen und Herren,\n"
    "ich kann den Termin am {date} um {time} Uhr leider nicht wahrnehmen.\n"
    "Grund: ............ (zum Beispiel: Ich bin krank, die Arbeitsunfähigkeitsbescheinigung"
    " reiche ich nach.)\n"
    "Bitte geben Sie mir einen neuen Termin.\n"
    "Mit freundlichen Grüßen\n"
    "............ (Name, Kundennummer)"
)


def protects(appointment: Appointment) -> bool:
    """The protective path is for job-centre appointments, where a missed one can cost money."""
    return appointment.kind == JOBCENTRE


def german_message(appointment: Appointment, timezone: str) -> str:
    """The message to the job centre, with the appointment's date and time in German, in local time."""
    german = Translator("de", timezone=timezone)
    starts = appointment.starts_at
    return GERMAN_MESSAGE.format(date=german.date(starts, "full"), time=german.time(starts))


def say_protective(turn: Turn, appointment: Appointment, choices: list[list[Choice]]) -> None:
    """Why to tell the job centre before, the German message to copy, what it says (with the choices)."""
    tr = turn.tr
    turn.say(tr(WHY_BEFORE))
    turn.say(german_message(appointment, turn.person.timezone))
    turn.say(
        tr(WHAT_IT_SAYS, date=tr.short_date(appointment.starts_at), time=tr.time(appointment.starts_at)),
        choices,
    )
