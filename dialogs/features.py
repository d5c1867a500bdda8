"""Everything the engine routes to, registered in this one place: commands (in the order /help and
Telegram's command menu list them), flows, due kinds, lasting buttons and the main menu.

The engine receives `REGISTRY`; nothing registers itself on import. `Registry.of` refuses a name used twice
and checks every flow's steps and handovers, so a misspelt name fails here, at start-up and in the tests.
"""

from __future__ import annotations

from dialogs.appointments import answers as appointment_answers
from dialogs.appointments import conversation as appointments
from dialogs.appointments.reminder_plan import FOLLOWUP, PROPOSAL, REMINDER
from dialogs.checkins import checkin, lookback, myweek, pause
from dialogs.checkins.settings import conversation as settings
from dialogs.coaching import (
    acknowledgements,
    alert_settings,
    alert_times,
    alerts,
    appointment_proposal,
    commands,
    digests,
)
from dialogs.coaching.inbox import escalation
from dialogs.consent_texts import CHECKINS
from dialogs.core.flow import ACTIVE, ALL_STANDINGS, COACHES, PARTICIPANTS, Standing
from dialogs.core.i18n import N_
from dialogs.core.registry import Command, DueKind, Hooks, LastingButton, MenuEntry, Registry
from dialogs.crisis import card, distress
from dialogs.info import conversation as info
from dialogs.participation import consent, enrolment, help_command, language, linking, menu, stop
from dialogs.privacy import choices as privacy
from dialogs.privacy import data_rights, what_coaches_see
from dialogs.questionnaires import selfreport
from dialogs.signals import rules

COMMANDS = (
    Command("appointments", appointments.appointments_command, N_("Your appointments and reminders"), ACTIVE),
    Command("report", selfreport.report_command, N_("Tell me how you are (voluntary)"), ACTIVE),
    Command("cases", commands.cases_command, N_("Your caseload: everyone connected with you"), COACHES),
    Command("case", commands.case_command, N_("One participant's summary: /case P-XXXX"), COACHES),
    Command("invite", commands.invite_command, N_("A new invitation link for one participant"), COACHES),
    Command("alerts", alert_settings.alerts_command, N_("When alerts and the daily summary come"), COACHES),
    Command(
        "appointment",
        appointment_proposal.appointment_command,
        N_("Propose an appointment to a participant"),
        COACHES,
    ),
    Command(
        "coachview",
        what_coaches_see.coachview_command,
        N_("See what your coach can see about you"),
        PARTICIPANTS,
    ),
    Command(
        "mydata",
        data_rights.mydata_command,
        N_("Get a copy of everything stored about you"),
        PARTICIPANTS,
    ),
    Command(
        "delete",
        data_rights.delete_command,
        N_("Delete everything about you"),
        ALL_STANDINGS - {Standing.STRANGER},
    ),
    Command(
        "settings",
        settings.settings_command,
        N_("Check-in times, days, quiet hours and time zone"),
        ACTIVE,
    ),
    Command(
        "start",
        enrolment.start_command,
        N_("Start or take part again"),
        ALL_STANDINGS | COACHES,
        in_menu=False,
    ),
    Command(
        "help", help_command.help_command, N_("What I can do, and help numbers"), ALL_STANDINGS | COACHES
    ),
    Command("sos", help_command.sos_command, N_("Help now: crisis numbers"), ALL_STANDINGS | COACHES),
    Command("info", info.info_command, N_("Help and information near you"), PARTICIPANTS),
    Command(
        "language",
        language.language_command,
        N_("Change the language"),
        (ALL_STANDINGS - {Standing.STRANGER}) | COACHES,
    ),
    Command("myweek", myweek.myweek_command, N_("See your last weeks (only you)"), PARTICIPANTS),
    Command("pause", pause.pause_command, N_("Pause check-ins for some days"), ACTIVE),
    Command("resume", pause.resume_command, N_("End a pause"), ACTIVE),
    Command("privacy", privacy.privacy_command, N_("See and change what you allowed"), PARTICIPANTS),
    Command("stop", stop.stop_command, N_("Stop taking part"), ALL_STANDINGS - {Standing.STRANGER}),
)

FLOWS = (
    menu.MENU,
    appointments.APPOINTMENTS,
    rules.RULES,
    selfreport.ReportFlow(),
    checkin.CHECKIN,
    commands.COACH,
    alert_settings.COACH_ALERTS,
    appointment_proposal.COACH_APPOINTMENT,
    linking.LINK,
    data_rights.DELETE,
    settings.SCHEDULE,
    consent.CONSENT,
    info.INFO,
    language.LANGUAGE,
    pause.PAUSE,
    privacy.PRIVACY,
)

DUE = (
    DueKind(REMINDER, appointment_answers.send_reminder, CHECKINS),
    DueKind(FOLLOWUP, appointment_answers.ask_followup, CHECKINS),
    DueKind(PROPOSAL, appointment_answers.tell_proposal, CHECKINS),
    DueKind("checkin", checkin.checkin_due, CHECKINS),
    DueKind("nudge", checkin.nudge_due, CHECKINS),
    DueKind(alert_times.DIGEST, digests.digest_due, CHECKINS),
    DueKind(alert_times.HELD, digests.held_due, CHECKINS),
    DueKind(escalation.ESCALATE, escalation.escalation_due, CHECKINS),
    DueKind("lookback", lookback.lookback_due, CHECKINS),
    DueKind("resume", pause.resume_due, CHECKINS),
)

BUTTONS = (
    LastingButton(appointment_answers.BUTTON, appointment_answers.answer),
    LastingButton(checkin.BUTTON, checkin.checkin_button),
    LastingButton(alerts.ACK, acknowledgements.ack_item),
    LastingButton("orgscope", linking.offered_scope),
    LastingButton(card.CRISIS, card.crisis_item),
)

MAIN_MENU = (
    MenuEntry(N_("ℹ️ Help and information"), "info"),
    MenuEntry(N_("⏰ Check-ins"), "settings"),
    MenuEntry(N_("⏸ Pause"), "pause"),
    MenuEntry(N_("📅 Appointments"), "appointments"),
    MenuEntry(N_("📝 How I am"), "report"),
    MenuEntry(N_("📈 My weeks"), "myweek"),
    MenuEntry(N_("🔒 Privacy"), "privacy"),
    MenuEntry(N_("🌐 Language"), "language"),
    MenuEntry(N_("❓ Help"), "help"),
)
# What typed text at the main menu may mean, tried in order (a search of the help information).
MENU_TEXT = (info.search_from_menu,)

HOOKS = Hooks(
    crisis_words=card.crisis_words,
    crisis_card=card.show_crisis,
    distress_words=distress.answer_distress,
    consent_renewal=enrolment.renew_if_needed,
    home=menu.show_menu,
    stopped=menu.stopped_note,
    coach_text=commands.coach_text,
    need_invitation=enrolment.NEED_INVITATION,
)

REGISTRY = Registry.of(
    commands=COMMANDS,
    flows=FLOWS,
    due=DUE,
    buttons=BUTTONS,
    menu=MAIN_MENU,
    menu_text=MENU_TEXT,
    hooks=HOOKS,
)
