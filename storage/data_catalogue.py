"""What every stored table holds, why, on which legal basis and for how long: the declarations the record of
processing (`companion privacy record`) is generated from.

Every table the migrations create is declared here, and nothing else: `tests/storage/test_data_catalogue.py`
fails when a migration adds a table without its entry, or an entry names a table that does not exist.
A retention names the setting (a field of `bot.settings.Settings`) that sets its period, or none when the
period is fixed in the code; the rule's text may use `{days}`, the setting's current value.
The texts are document wording for a data protection officer, in English and German, not participant-facing
catalogue text. `dialogs/privacy/upkeep.py` is what applies each period.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Basis(StrEnum):
    CONSENT = "consent"  # Art. 6(1)(a), and Art. 9(2)(a) for health data
    SECURITY = "security"  # rows needed to keep the service safe and correct, about anyone who writes to it
    ACCOUNTABILITY = "accountability"  # the audit log: it must outlive a withdrawal, or it proves nothing
    STAFF = "staff"  # coaches and organisations: staff data of the organisations, not of participants
    NONE = "none"  # no personal data


@dataclass(frozen=True)
class Text:
    en: str
    de: str

    def __call__(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


@dataclass(frozen=True)
class Retention:
    setting: str | None  # a field of bot.settings.Settings, or None for a period fixed in the code
    rule: Text  # may contain {days}: the setting's value


@dataclass(frozen=True)
class Table:
    name: str
    health: bool  # whether the rows are, or reveal, health data (Art. 9 GDPR)
    basis: Basis
    category: Text
    purpose: Text
    retention: Retention


AS_PARTICIPANT = Retention(
    "erase_after_days",
    Text(
        "while the person takes part; after /stop (or when Telegram reports them unreachable) {days} days, "
        "then erased with everything else; /delete erases at once",
        "solange die Person teilnimmt; nach /stop (oder wenn Telegram sie unerreichbar meldet) {days} Tage, "
        "dann mit allem anderen gelöscht; /delete löscht sofort",
    ),
)
RAW_ANSWERS = Retention(
    "retention_days",
    Text(
        "{days} days, then deleted by the daily upkeep",
        "{days} Tage, dann von der täglichen Bereinigung gelöscht",
    ),
)
SIGNAL_PERIOD = Retention(
    "signal_days",
    Text("{days} days with their signal", "{days} Tage, zusammen mit dem Signal"),
)
INSTALLATION = Retention(None, Text("as long as the installation", "solange die Installation besteht"))
KEPT = Retention(
    None,
    Text(
        "kept (append-only by design); names pseudonyms only, which point to nobody after erasure",
        "aufbewahrt (mit Absicht nur anfügbar); nennt nur Pseudonyme, die nach Löschung auf niemanden "
        "mehr verweisen",
    ),
)


def _period(setting: str | None, en: str, de: str) -> Retention:
    return Retention(setting, Text(en, de))


# One table in a few lines: name, health data?, basis, category, purpose, retention.
# fmt: off
CATALOGUE: tuple[Table, ...] = (
    Table("participants", True, Basis.CONSENT,  # taking part in such a programme is itself health data
          Text("pseudonym, Telegram chat id, language, time zone, help region, status and its time",
               "Pseudonym, Telegram-Chat-ID, Sprache, Zeitzone, Hilfe-Region, Status und dessen Zeitpunkt"),
          Text("deliver messages in the person's language",
               "Nachrichten in der Sprache der Person zustellen"),
          AS_PARTICIPANT),
    Table("consents", True, Basis.CONSENT,
          Text("each consent: scope, yes/no, text version and SHA-256 of the text shown, language, time, "
               "organisation",
               "jede Einwilligung: Bereich, ja/nein, Textversion und SHA-256 des gezeigten Textes, Sprache, "
               "Zeit, Organisation"),
          Text("prove what was agreed (Art. 7(1) GDPR); shown in /privacy",
               "Nachweis der Einwilligung (Art. 7 Abs. 1 DSGVO); in /privacy sichtbar"),
          AS_PARTICIPANT),
    Table("schedules", False, Basis.CONSENT,
          Text("check-in times, weekdays, quiet hours, pause, look-back day",
               "Check-in-Zeiten, Wochentage, Ruhezeiten, Pause, Rückblick-Tag"),
          Text("the person's own settings", "die eigenen Einstellungen der Person"),
          AS_PARTICIPANT),
    Table("reminder_defaults", False, Basis.CONSENT,
          Text("the person's usual appointment reminders", "die üblichen Terminerinnerungen der Person"),
          Text("the person's own settings", "die eigenen Einstellungen der Person"),
          AS_PARTICIPANT),
    Table("signal_rules", True, Basis.CONSENT,
          Text("the person's own rules for their coach (no check-in for N days, low mood)",
               "eigene Regeln der Person für die Fachkraft (N Tage kein Check-in, niedrige Stimmung)"),
          Text("raise only the signals the person asked for",
               "nur die Signale auslösen, die die Person will"),
          AS_PARTICIPANT),
    Table("checkins", True, Basis.CONSENT,
          Text("check-in answers, coded (never free text)", "Check-in-Antworten, codiert (nie Freitext)"),
          Text("/myweek; day counts for the coach only if allowed",
               "/myweek; Tageszahlen für die Fachkraft nur mit Erlaubnis"),
          _period("retention_days", "{days} days; an open prompt nobody answered goes when it expires",
                  "{days} Tage; eine unbeantwortete Frage verschwindet, wenn sie abläuft")),
    Table("selfreports", True, Basis.CONSENT,
          Text("self-reports: coded answers (mood, sleep, craving, use, stress), an optional note encrypted",
               "Selbstauskünfte: codierte Antworten (Stimmung, Schlaf, Suchtdruck, Konsum, Stress), "
               "optionale Notiz verschlüsselt"),
          Text("/myweek; signals the person allowed", "/myweek; Signale, die die Person erlaubt hat"),
          RAW_ANSWERS),
    Table("selfreport_weeks", True, Basis.CONSENT,
          Text("weekly counts per answer of the self-reports", "Wochenzahlen je Antwort der Selbstauskünfte"),
          Text("/myweek, seen only by the person", "/myweek, nur für die Person sichtbar"),
          AS_PARTICIPANT),
    Table("appointments", True, Basis.CONSENT,
          Text("appointments: kind (e.g. doctor, therapy), time, place and note encrypted, one-tap answers",
               "Termine: Art (z. B. Arzt, Therapie), Zeit, Ort und Notiz verschlüsselt, Ein-Tipp-Antworten"),
          Text("reminders and the calendar file", "Erinnerungen und Kalenderdatei"),
          _period("retention_days",
                  "until {days} days after the appointment; removing one deletes it at once",
                  "bis {days} Tage nach dem Termin; Entfernen löscht ihn sofort")),
    Table("appointment_proposals", True, Basis.CONSENT,
          Text("appointments a coach proposed: organisation, coach, kind, time, the participant's answer",
               "von Fachkräften vorgeschlagene Termine: Organisation, Fachkraft, Art, Zeit, "
               "Antwort der Person"),
          Text("the proposer and the team see whether it was confirmed, declined or changed",
               "Vorschlagende und Team sehen, ob bestätigt, abgelehnt oder verschoben"),
          _period("retention_days", "until {days} days after the appointment; a withdrawn connection deletes "
                  "them at once", "bis {days} Tage nach dem Termin; eine widerrufene Verbindung löscht sie "
                  "sofort")),
    Table("signals", True, Basis.CONSENT,
          Text("summary signals: a kind from a fixed catalogue, a coarse category, time, organisation",
               "Kurzsignale: Art aus festem Katalog, grobe Kategorie, Zeit, Organisation"),
          Text("the coach's summary, only with consent", "Übersicht der Fachkraft, nur mit Einwilligung"),
          _period("signal_days", "{days} days", "{days} Tage")),
    Table("signal_deliveries", True, Basis.CONSENT,
          Text("which coach got which signal, when", "welche Fachkraft welches Signal wann erhielt"),
          Text("deliver signals once, take back what waits after a withdrawal",
               "Signale einmal zustellen, Wartendes nach Widerruf zurücknehmen"),
          SIGNAL_PERIOD),
    Table("signal_acks", True, Basis.CONSENT,
          Text('a coach\'s "seen" / "I will get in touch" on a signal',
               "„Gesehen“ / „Ich melde mich“ einer Fachkraft zu einem Signal"),
          Text("the team knows who takes care", "das Team weiß, wer sich kümmert"),
          SIGNAL_PERIOD),
    Table("coach_links", True, Basis.CONSENT,
          Text("which coach accompanies which participant", "welche Fachkraft welche Person begleitet"),
          Text("the coach's caseload", "Fallliste der Fachkraft"),
          AS_PARTICIPANT),
    Table("organisation_pseudonyms", True, Basis.CONSENT,
          Text("the pseudonym each connected organisation knows the person by",
               "das Pseudonym, unter dem jede verbundene Organisation die Person kennt"),
          Text("organisations in a tandem cannot join their records",
               "Organisationen eines Tandems können ihre Daten nicht zusammenführen"),
          AS_PARTICIPANT),
    Table("conversations", False, Basis.CONSENT,
          Text("the open question or draft of a chat", "die offene Frage oder der Entwurf eines Chats"),
          Text("a restart resumes where the person was", "nach einem Neustart geht es dort weiter"),
          _period("conversation_days", "{days} days untouched, then reset or deleted",
                  "{days} Tage unberührt, dann zurückgesetzt oder gelöscht")),
    Table("due", False, Basis.CONSENT,
          Text("planned messages: check-ins, reminders, digests",
               "geplante Nachrichten: Check-ins, Erinnerungen, Übersichten"),
          Text("nothing promised is lost", "nichts Zugesagtes geht verloren"),
          _period("due_days", "until sent or expired; settled rows {days} days",
                  "bis gesendet oder abgelaufen; erledigte Zeilen {days} Tage")),
    Table("outbox", True, Basis.CONSENT,
          Text("messages and webhook posts waiting to be sent (may show health answers, e.g. /mydata)",
               "zu sendende Nachrichten und Webhook-Posts (können Gesundheitsangaben zeigen, z. B. /mydata)"),
          Text("deliver in order despite outages", "in Reihenfolge zustellen, auch nach Ausfällen"),
          _period("outbox_days", "content cleared when sent or given up; the empty row {days} days",
                  "Inhalt beim Senden oder Aufgeben geleert; die leere Zeile {days} Tage")),
    Table("inbox_items", True, Basis.CONSENT,
          Text("the team inbox: which signal, organisation, taken and closed by which coach, when, "
               "an outcome category, an optional follow-up day (no free text)",
               "Team-Eingang: welches Signal, Organisation, von welcher Fachkraft wann übernommen und "
               "abgeschlossen, eine Ergebnis-Kategorie, ein optionaler Wiedervorlagetag (kein Freitext)"),
          Text("the team sees who takes care; unanswered urgent requests escalate",
               "das Team sieht, wer sich kümmert; unbeantwortete dringende Anliegen eskalieren"),
          SIGNAL_PERIOD),
    Table("coach_mails", False, Basis.STAFF,
          Text("e-mail notifications to coaches' work addresses: coach, time, state "
               "(no content about anyone)",
               "E-Mail-Hinweise an dienstliche Adressen: Fachkraft, Zeit, Zustand "
               "(kein Inhalt über Personen)"),
          Text("tell the team that something is new in the case view",
               "dem Team sagen, dass in der Fallansicht etwas Neues ist"),
          _period("outbox_days", "until sent; then {days} days", "bis gesendet; dann {days} Tage")),
    Table("web_accounts", False, Basis.STAFF,
          Text("a coach's web sign-in: argon2id password hash, TOTP secret, last code step",
               "Web-Anmeldung einer Fachkraft: argon2id-Passwort-Hash, TOTP-Schlüssel, letzter Codeschritt"),
          Text("only staff with a password and a second factor open the case view",
               "nur Beschäftigte mit Passwort und zweitem Faktor öffnen die Fallansicht"),
          _period(None, "until the coach is removed", "bis die Fachkraft entfernt wird")),
    Table("web_setup_links", False, Basis.STAFF,
          Text("single-use set-up links: SHA-256 of the token, coach, the TOTP key offered, expiry",
               "Einmal-Einrichtungslinks: SHA-256 des Tokens, Fachkraft, angebotener TOTP-Schlüssel, Ablauf"),
          Text("a coach sets up their web sign-in", "eine Fachkraft richtet ihre Web-Anmeldung ein"),
          _period(None, "deleted when used; otherwise until replaced or the coach is removed",
                  "beim Benutzen gelöscht; sonst bis ersetzt oder die Fachkraft entfernt wird")),
    Table("web_sessions", False, Basis.STAFF,
          Text("web sessions: SHA-256 of the session id, coach, times, language",
               "Web-Sitzungen: SHA-256 der Sitzungs-ID, Fachkraft, Zeiten, Sprache"),
          Text("signed-in staff; sessions can be ended at once",
               "angemeldete Beschäftigte; Sitzungen lassen sich sofort beenden"),
          _period(None, "a day after the session ended", "einen Tag nach dem Ende der Sitzung")),
    Table("web_login_failures", False, Basis.SECURITY,
          Text("failed web sign-ins under a hash of the account or address, time",
               "fehlgeschlagene Web-Anmeldungen unter einem Hash von Konto oder Adresse, Zeit"),
          Text("limit password guessing", "Erraten von Passwörtern begrenzen"),
          _period(None, "1 hour", "1 Stunde")),
    Table("button_tokens", False, Basis.SECURITY,
          Text("random button tokens bound to a chat",
               "zufällige Schaltflächen-Token, an einen Chat gebunden"),
          Text("map a tap to its action; refuse forged taps",
               "einen Tipp seiner Aktion zuordnen; gefälschte ablehnen"),
          _period(None, "until they expire (at most 30 days)", "bis sie ablaufen (höchstens 30 Tage)")),
    Table("handled_updates", False, Basis.SECURITY,
          Text("ids of handled Telegram updates (no content)",
               "IDs verarbeiteter Telegram-Updates (kein Inhalt)"),
          Text("a redelivered update changes nothing", "ein erneut zugestelltes Update ändert nichts"),
          _period(None, "7 days", "7 Tage")),
    Table("start_attempts", False, Basis.SECURITY,
          Text("wrong-code counters under a keyed hash of the account",
               "Fehlversuche unter einem mit Schlüssel gebildeten Hash des Kontos"),
          Text("limit guessing of invitation and coach codes",
               "Erraten von Einladungs- und Fachkraft-Codes begrenzen"),
          _period(None, "1 hour", "1 Stunde")),
    Table("invitations", False, Basis.CONSENT,
          Text("SHA-256 of the code, times, region, coach, the participant who used it",
               "SHA-256 des Codes, Zeiten, Region, Fachkraft, die Person, die sie nutzte"),
          Text("single use; the evaluation counts enrolments",
               "Einmalnutzung; die Auswertung zählt Anmeldungen"),
          _period(None, "kept; the link to the participant is cleared at erasure (then not personal)",
                  "aufbewahrt; die Verbindung zur Person wird bei der Löschung entfernt")),
    Table("organisations", False, Basis.STAFF,
          Text("name, region, webhook address and signing secret",
               "Name, Region, Webhook-Adresse und Signaturschlüssel"),
          Text("the organisations whose coaches accompany participants",
               "die Organisationen, deren Fachkräfte begleiten"),
          _period(None, "while the organisation takes part", "solange die Organisation teilnimmt")),
    Table("coaches", False, Basis.STAFF,
          Text("staff: a name the administrator typed, organisation, Telegram chat id, alert settings",
               "Beschäftigte: eingegebener Name, Organisation, Telegram-Chat-ID, Hinweis-Einstellungen"),
          Text("staff access and delivery of signals", "Zugang der Fachkräfte und Zustellung der Signale"),
          _period(None, "while they work with the service; a removed coach keeps its row for the audit log",
                  "solange sie mit dem Dienst arbeiten; eine entfernte bleibt für das Protokoll stehen")),
    Table("audit_log", True, Basis.ACCOUNTABILITY,
          Text("coach reads and signal deliveries: pseudonym, coach, organisation, action, a signal kind",
               "Abrufe und Signalzustellungen: Pseudonym, Fachkraft, Organisation, Aktion, eine Signalart"),
          Text("accountability: the participant and the DPO can see who looked at what, and when",
               "Rechenschaft: Person und DSB sehen, wer wann was abgerufen hat"),
          KEPT),
    Table("report_counts", False, Basis.NONE,
          Text("counters for the programme report: organisation or region, month, kind (reminder sent or "
               "answered, pause begun), a number; nobody named",
               "Zähler für den Programmbericht: Organisation oder Region, Monat, Art (Erinnerung "
               "gesendet oder beantwortet, Pause begonnen), eine Zahl; niemand genannt"),
          Text("the figures the programme reports to its funders",
               "die Zahlen, die das Programm seinen Geldgebern berichtet"),
          INSTALLATION),
    Table("meta", False, Basis.NONE,
          Text("installation values (a random secret for keyed hashes, heartbeat and maintenance times)",
               "Installationswerte (Zufallsschlüssel für Hashes, Lebenszeichen und Wartungszeiten)"),
          Text("running the service", "Betrieb des Dienstes"),
          INSTALLATION),
    Table("schema_migrations", False, Basis.NONE,
          Text("which database migrations are applied", "welche Datenbank-Migrationen angewandt sind"),
          Text("upgrading the database", "Aktualisierung der Datenbank"),
          INSTALLATION),
)
# fmt: on

BY_NAME = {table.name: table for table in CATALOGUE}
