"""/mydata (a short summary in the person's language, and everything stored as a JSON document, with times
in their time zone and without the service's bookkeeping) and /delete (two steps, then every row is gone)."""

from __future__ import annotations

import json
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Any

from dialogs.appointments.wording import readable_appointments
from dialogs.coaching.alerts import participation_ended
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import DONE, Handover, Next, Standing, Step, StepFlow, show_current, start
from dialogs.core.i18n import N_
from dialogs.core.standing import standing_of
from dialogs.core.turn import Turn
from dialogs.participation.stop import cancel_enrolment
from dialogs.questionnaires.selfreport import readable_notes
from storage import coaches, org_pseudonyms, organisations, personal_data
from storage.database import Tx
from storage.outbox import Attachment
from storage.participants import Participant, Status
from storage.times import to_db

# What the file leaves out of the stored rows, and why: it is the service's bookkeeping, not about the person.
# Row numbers and links between rows (`id`, `participant_id`, `coach_id`, ...) are internal; a signal keeps
# its number, which its deliveries and acknowledgements name. Coaches and organisations are named, not
# numbered.
NOT_ABOUT_THE_PERSON = frozenset({"button_tokens"})  # the tokens behind buttons (opaque and short-lived)
INTERNAL_EVERYWHERE = frozenset({"id", "participant_id", "about_participant_id", "coach_id", "chat_id"})
KEPT_HERE = {
    "participants": frozenset({"chat_id"}),  # how Telegram knows the person: about them, so it stays
    "signals": frozenset({"id"}),
}
INTERNAL = {
    "conversations": frozenset({"chat_id", "participant_id", "nonce"}),  # nonce: which buttons are current
    # a message on its way: what it is and since when, not how the queue handles it
    "outbox": frozenset(
        {"buttons", "attachment", "attempts", "not_before", "last_error", "target", "answer", "scope"}
        | {"crisis", "head", "sealed", "sent_at"}
    ),
    "due": frozenset({"key", "grace_until", "payload", "created_at", "settled_at"}),  # the scheduler's own
    "checkins": frozenset({"open_until"}),  # until when the buttons of the question work
    # sealed place and note, and plain ones from before sealing: opened in "appointments_readable"
    "appointments": frozenset({"place", "note", "place_sealed", "note_sealed", "uid", "sequence"}),
    "selfreports": frozenset({"note"}),  # sealed; opened in "selfreports_readable"
    "audit_log": frozenset({"prev_hash", "hash"}),  # the chain that shows the log was not changed
}
ABOUT = (
    "Everything the companion stores about this participant, table by table, with times in their time zone. "
    "Left out: the service's bookkeeping (row numbers, button tokens, messages already sent, delivery "
    "attempts, scheduler keys, the audit log's hash chain). Self-report notes and appointments' places and "
    "notes are stored encrypted and shown opened in selfreports_readable and appointments_readable (null: "
    "cannot be opened any more)."
)
SUMMARY_LABELS = (  # (table, label, column with the date): one line each when there is something stored
    ("checkins", N_("Check-in answers"), "day"),
    ("selfreports", N_("Self-reports"), "local_date"),
    ("selfreport_weeks", N_("Weekly totals of your self-reports"), None),
    ("appointments", N_("Appointments"), "starts_at"),
    ("due", N_("Planned reminders and check-ins"), "due_at"),
    ("signals", N_("Signals for your coach"), "created_at"),
    ("consents", N_("Your consent answers"), "at"),
    ("audit_log", N_("Records of what coaches looked at"), "at"),
)
COUNTED = {"checkins": ("answered",), "due": ("pending",)}  # open questions, settled plans: not "stored"


async def mydata_command(turn: Turn, args: str) -> None:
    participant = turn.person
    tables = await personal_data.export(
        turn.tx,
        participant.id,
        participant.chat_id,
        (participant.pseudonym, *await org_pseudonyms.all_of(turn.tx, participant.id)),
    )
    document = {
        "about": ABOUT,
        "pseudonym": participant.pseudonym,
        "time_zone": participant.timezone,
        "exported_at": to_db(turn.now),
        "tables": {
            table: [await _cleaned(turn.tx, table, row) for row in rows if _kept(table, row)]
            for table, rows in tables.items()
            if table not in NOT_ABOUT_THE_PERSON
        },
        "selfreports_readable": await readable_notes(turn),
        "appointments_readable": await readable_appointments(
            turn.tx, participant.id, turn.config.encryption_keys
        ),
    }
    local = _local(document, turn.tr.timezone)
    content = json.dumps(local, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    turn.say(summary(turn, tables), attachment=Attachment(f"mydata-{participant.pseudonym}.json", content))
    await show_current(turn)


def _kept(table: str, row: dict[str, Any]) -> bool:
    """Messages already sent (their text is cleared once sent) or given up are the queue's record, not the
    person's: only those still on their way are in the file."""
    return table != "outbox" or row["status"] in ("pending", "sending")


async def _cleaned(tx: Tx, table: str, row: dict[str, Any]) -> dict[str, Any]:
    dropped = INTERNAL.get(table, frozenset()) | INTERNAL_EVERYWHERE - KEPT_HERE.get(table, frozenset())
    kept = {key: value for key, value in row.items() if key not in dropped}
    if table == "outbox" and row.get("sealed"):
        kept["text"] = None  # stored sealed, opened only to be sent
    organisation_id = kept.pop("organisation_id", None)
    if row.get("coach_id") is not None and "coach_name" not in row:  # the audit log names them already
        coach = await coaches.by_id(tx, row["coach_id"])
        kept["coach"] = None if coach is None else coach.name
        organisation_id = organisation_id or (None if coach is None else coach.organisation_id)
    if "organisation_id" in row or "coach" in kept:
        found = None if organisation_id is None else await organisations.by_id(tx, organisation_id)
        kept["organisation"] = None if found is None else found.name
    return kept


def _local(value: Any, zone: tzinfo) -> Any:
    """Every stored moment (aware, in UTC) in the person's time zone; local dates and times stay."""
    if isinstance(value, dict):
        return {key: _local(item, zone) for key, item in value.items()}
    if isinstance(value, list):
        return [_local(item, zone) for item in value]
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return moment.astimezone(zone).isoformat(timespec="seconds")
    return value


def summary(turn: Turn, tables: dict[str, list[dict[str, Any]]]) -> str:
    """A few lines in the person's language: what is stored, per kind, how many, from when to when."""
    tr = turn.tr
    lines = [
        tr(
            "You take part as {pseudonym} since {date}. What I have stored about you:",
            pseudonym=turn.person.pseudonym,
            date=tr.date(turn.person.enrolled_at, "medium"),
        )
    ]
    for table, label, column in SUMMARY_LABELS:
        rows = [
            row for row in tables.get(table, []) if table not in COUNTED or row["status"] in COUNTED[table]
        ]
        if not rows:
            continue
        line = f"• {tr(label)}: {tr.number(len(rows))}"
        days = sorted(_day(row.get(column), tr.timezone) for row in rows) if column else []
        if days:
            first, last = tr.date(days[0], "medium"), tr.date(days[-1], "medium")
            line += f" ({first})" if first == last else f" ({first} – {last})"
        lines.append(line)
    lines.append(tr("The file below has every detail, with times in your time zone."))
    return "\n".join(lines)


def _day(value: object, zone: tzinfo) -> date:
    moment = datetime.fromisoformat(str(value))
    return moment.astimezone(zone).date() if moment.tzinfo is not None else moment.date()


async def delete_command(turn: Turn, args: str) -> None:
    if standing_of(turn) is Standing.ENROLLING:
        await cancel_enrolment(turn)
        return
    await start(turn, DELETE.name, DeleteStep.CONFIRM)


class DeleteStep(StrEnum):
    CONFIRM = "confirm"


async def _show_confirm(turn: Turn) -> None:
    turn.say(
        turn.tr(
            "Do you want me to delete everything about you? This cannot be undone. "
            "To take part again later you would need a new invitation."
        ),
        [
            [Choice(turn.tr("Yes, delete everything"), act("erase"))],
            [Choice(turn.tr("No, keep my data"), act("keep"))],
        ],
    )


async def _erase(turn: Turn, action: Action) -> Next:
    goodbye = turn.tr("Everything about you is deleted. Thank you for the time with me. Take care!")
    await erase_everything(turn.tx, turn.participant, turn.chat_id, turn.now)
    turn.participant = None
    turn.forget_conversation()
    turn.erased = True
    turn.say(goodbye)
    return DONE


async def _keep(turn: Turn, action: Action) -> Next:
    turn.say(turn.tr("Okay, nothing was deleted."))
    return Handover("menu")


DELETE = StepFlow(
    "delete",
    {DeleteStep.CONFIRM: Step(_show_confirm, choices={"erase": _erase, "keep": _keep})},
    first=DeleteStep.CONFIRM,
    hands_over_to={"menu"},
)


async def erase_everything(tx: Tx, participant: Participant | None, chat_id: int, now: datetime) -> None:
    """The one erasure, for /delete and for people erased after they left: coaches of someone still
    taking part learn that it ended, then every row tied to the person or the chat goes. The audit log
    stays, naming only the pseudonym, which then points to nobody."""
    if participant is not None and participant.status is not Status.STOPPED:
        await participation_ended(tx, participant, now)
    await personal_data.erase(tx, participant.id if participant else None, chat_id)
