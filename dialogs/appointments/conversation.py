"""/appointments: see what is coming, add an appointment step by step, change or remove one, choose reminders.

Adding asks, one question at a time: the day (buttons for the next 14 days, or typed), the time (buttons or
typed), the kind, and optionally the place and a note. Nothing is stored until the last answer; a typed
value that cannot be used gets a clear answer and the same question again.

The place and the note are free text: they are asked only when an encryption key is configured, and each is
sealed in the turn it arrives, so not even the unfinished draft in the conversation state holds it in plain
text. Without a key the questions end with the kind, and the place cannot be changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dialogs.appointments import answers as appointment_answers
from dialogs.appointments.reminder_plan import (
    calendar_for,
    chosen_reminders,
    plan_upcoming_reminders,
    remove,
    renew_reminders,
    upcoming_reminders,
)
from dialogs.appointments.when import (
    DEFAULT_REMINDERS,
    REMINDER_CODES,
    BadInput,
    local_moment,
    parse_clock,
    parse_day,
)
from dialogs.appointments.wording import (
    ANSWER_LABELS,
    KIND_ICONS,
    KIND_LABELS,
    OUTCOME_LABELS,
    REMINDER_LABELS,
    details,
    help_list,
    one_line,
    when_sentence,
)
from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import Flow, Standing, show_current
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from dialogs.participation.menu import show_menu
from storage import appointments
from storage.appointments import KINDS, NOTE_MAX, PLACE_MAX, Appointment
from storage.sealing import Sealer, sealer_for

NAME = "appointments"
DAY_BUTTONS = 14
TIME_BUTTONS = (
    time(8, 0),
    time(8, 30),
    time(9, 0),
    time(9, 30),
    time(10, 0),
    time(10, 30),
    time(11, 0),
    time(11, 30),
    time(12, 0),
    time(13, 0),
    time(14, 0),
    time(15, 0),
    time(16, 0),
    time(17, 0),
)
LIST_LIMIT = 8
RECENT = timedelta(days=14)
ACTIVE_ONLY = frozenset({Standing.ACTIVE})


async def appointments_command(turn: Turn, args: str) -> None:
    turn.reset(NAME, "list")
    await show_current(turn)


def _zone(turn: Turn) -> ZoneInfo:
    return turn.tr.timezone


def _today(turn: Turn) -> date:
    return turn.now.astimezone(_zone(turn)).date()


def _sealer(turn: Turn) -> Sealer | None:
    """None when no key is configured: then place and note are neither asked for nor stored."""
    return sealer_for(turn.config.encryption_keys)


def _back(turn: Turn) -> Choice:
    return Choice(turn.tr("⬅️ Back"), "back")


class AppointmentsFlow(Flow):
    name = NAME

    async def show(self, turn: Turn) -> None:
        await SHOW.get(turn.step, _show_list)(turn)

    async def on_choice(self, turn: Turn, choice: Action) -> None:
        action = str(choice)
        if action == "back":
            await _go_back(turn)
            return
        if action == "menu":
            await show_menu(turn)
            return
        handler = CHOICES.get(turn.step)
        if handler is None:
            await self.show(turn)
            return
        await handler(turn, str(choice))

    async def on_text(self, turn: Turn, text: str) -> None:
        handler = TEXTS.get(turn.step)
        if handler is None:
            await super().on_text(turn, text)
            return
        await handler(turn, text)


# --- the list ------------------------------------------------------------------------------------------


async def _show_list(turn: Turn) -> None:
    assert turn.participant is not None
    tr = turn.tr
    coming = await appointments.upcoming(turn.tx, turn.participant.id, turn.now)
    recent = await appointments.between(turn.tx, turn.participant.id, turn.now - RECENT, turn.now)
    lines = []
    if coming:
        lines.append(tr("Your next appointments:"))
        for appointment in coming[:LIST_LIMIT]:
            line = "• " + one_line(tr, appointment)
            if not appointment.confirmed:
                line += " " + tr("(waiting for your answer)")
            lines.append(line)
        if len(coming) > LIST_LIMIT:
            extra = len(coming) - LIST_LIMIT
            lines.append(tr.ngettext("And {n} more later.", "And {n} more later.", extra))
    else:
        lines.append(tr("You have no upcoming appointments."))
    done = [a for a in recent if a.confirmed][-LIST_LIMIT:]
    if done:
        lines += ["", tr("Recently:")]
        for appointment in done:
            outcome = f" – {tr(OUTCOME_LABELS[appointment.outcome])}" if appointment.outcome else ""
            lines.append("• " + one_line(tr, appointment) + outcome)
    choices = [[Choice(one_line(tr, a), f"open:{a.id}")] for a in coming[:LIST_LIMIT]]
    choices.append([Choice(tr("➕ Add an appointment"), "add")])
    choices.append([Choice(tr("🔔 My usual reminders"), "defaults")])
    choices.append([Choice(tr("Back to the menu"), "menu")])
    turn.say("\n".join(lines), choices)


async def _list_choice(turn: Turn, action: str) -> None:
    assert turn.participant is not None
    if action == "add":
        turn.reset(NAME, "day", draft={})
    elif action == "defaults":
        own = await appointments.default_reminders(turn.tx, turn.participant.id)
        codes = own if own is not None else list(DEFAULT_REMINDERS)
        turn.reset(NAME, "reminders", target="defaults", codes=codes)
    elif action.startswith("open:") and action[5:].isdigit():
        turn.reset(NAME, "view", id=int(action[5:]))
    await show_current(turn)


# --- one appointment -----------------------------------------------------------------------------------


async def _current(turn: Turn) -> Appointment | None:
    assert turn.participant is not None
    appointment_id = turn.data.get("id")
    if not isinstance(appointment_id, int):
        return None
    return await appointments.of_participant(turn.tx, turn.participant.id, appointment_id)


async def _gone(turn: Turn) -> None:
    turn.say(turn.tr("This appointment is no longer on your list."))
    turn.reset(NAME, "list")
    await _show_list(turn)


async def _show_view(turn: Turn) -> None:
    assert turn.participant is not None
    appointment = await _current(turn)
    if appointment is None or appointment.starts_at <= turn.now:
        await _gone(turn)
        return
    tr = turn.tr
    lines = [
        KIND_ICONS[appointment.kind] + " " + when_sentence(tr, appointment, turn.now),
        *details(tr, appointment, turn.config.encryption_keys),
    ]
    choices: list[list[Choice]] = []
    if not appointment.confirmed:
        lines += ["", tr("Your coach has added this appointment. Please confirm it, then I will remind you.")]
        choices += [[Choice(tr("✅ Yes, confirm it"), "confirm"), Choice(tr("❌ No, remove it"), "decline")]]
    else:
        if appointment.answer:
            lines.append(tr(ANSWER_LABELS[appointment.answer]))
        if appointment.help_needs:
            lines.append(tr("You asked for: {help}", help=help_list(tr, appointment.help_needs)))
        planned = await upcoming_reminders(turn.tx, turn.participant, appointment.id)
        lines.append(_reminder_sentence(turn, [item.due_at for item in planned]))
        if any(item.payload.get("moved") for item in planned):
            lines.append(turn.tr("A reminder that would come in your quiet hours comes before they begin."))
        choices += [[Choice(tr("🔔 Reminders"), "reminders"), Choice(tr("📅 Calendar file"), "ics")]]
    choices.append([Choice(tr("🕒 Change the day or time"), "edit_time")])
    if _sealer(turn) is not None:
        choices.append([Choice(tr("📍 Change the place"), "edit_place")])
    choices += [[Choice(tr("🗑 Remove this appointment"), "remove")], [_back(turn)]]
    turn.say("\n".join(lines), choices)


def _reminder_sentence(turn: Turn, times: list[datetime]) -> str:
    tr = turn.tr
    if not times:
        return tr("No more reminders are planned for this appointment.")
    listed = "; ".join(f"{tr.short_date(moment)}, {tr.time(moment)}" for moment in times)
    return tr("I will remind you: {times}", times=listed)


async def _view_choice(turn: Turn, action: str) -> None:
    assert turn.participant is not None
    appointment = await _current(turn)
    if appointment is None or appointment.starts_at <= turn.now:
        await _gone(turn)
        return
    if action == "confirm":
        await appointment_answers.confirm_proposal(turn, appointment)
    elif action == "decline":
        await appointment_answers.decline_proposal(turn, appointment)
        turn.reset(NAME, "list")
    elif action == "ics" and appointment.confirmed:
        turn.say(
            turn.tr("Here is the appointment for your calendar app: open the file to add it."),
            attachment=await calendar_for(turn, appointment),
        )
    elif action == "reminders" and appointment.confirmed:
        codes = await chosen_reminders(turn.tx, appointment)
        turn.goto(NAME, "reminders", target="appointment", codes=codes)
    elif action == "edit_time":
        turn.goto(NAME, "day", draft={}, edit="time")
    elif action == "edit_place" and _sealer(turn) is not None:
        turn.goto(NAME, "place", draft={}, edit="place")
    elif action == "remove":
        turn.goto(NAME, "remove")
    await show_current(turn)


async def _show_remove(turn: Turn) -> None:
    tr = turn.tr
    turn.say(
        tr(
            "Do you want to remove this appointment from your list? Then I will not remind you of it anymore."
        ),
        [[Choice(tr("Yes, remove it"), "yes"), Choice(tr("No, keep it"), "back")]],
    )


async def _remove_choice(turn: Turn, action: str) -> None:
    assert turn.participant is not None
    appointment = await _current(turn)
    if appointment is None:
        await _gone(turn)
        return
    if action == "yes":
        await remove(turn.tx, turn.participant, appointment.id, turn.now)
        turn.say(turn.tr(appointment_answers.REMOVED))
        turn.reset(NAME, "list")
    await show_current(turn)


# --- day and time --------------------------------------------------------------------------------------


def _draft(turn: Turn) -> dict[str, Any]:
    draft = turn.data.get("draft")
    if not isinstance(draft, dict):
        draft = {}
        turn.data["draft"] = draft
    return draft


async def _show_day(turn: Turn) -> None:
    tr = turn.tr
    today = _today(turn)
    labels = []
    for offset in range(DAY_BUTTONS):
        day = today + timedelta(days=offset)
        if offset == 0:
            label = tr("Today, {date}", date=tr.short_date(day))
        elif offset == 1:
            label = tr("Tomorrow, {date}", date=tr.short_date(day))
        else:
            label = tr.short_date(day)
        labels.append(Choice(label, f"day:{day.isoformat()}"))
    rows = [labels[i : i + 2] for i in range(0, len(labels), 2)]
    rows.append([_back(turn)])
    turn.say(
        tr("Which day is the appointment? Tap a day, or write the date, for example 3.12. or 03.12.2026."),
        rows,
    )


async def _day_choice(turn: Turn, action: str) -> None:
    today = _today(turn)
    try:
        day = date.fromisoformat(action.removeprefix("day:"))
    except ValueError:
        day = None
    if not action.startswith("day:") or day is None or not today <= day < today + timedelta(days=DAY_BUTTONS):
        await show_current(turn)
        return
    await _day_chosen(turn, day)


async def _day_text(turn: Turn, text: str) -> None:
    try:
        day = parse_day(text, _today(turn))
    except BadInput as problem:
        turn.say(turn.tr(problem.message))
        await show_current(turn)
        return
    await _day_chosen(turn, day)


async def _day_chosen(turn: Turn, day: date) -> None:
    _draft(turn)["day"] = day.isoformat()
    turn.goto(NAME, "time")
    await show_current(turn)


def _draft_day(turn: Turn) -> date | None:
    try:
        return date.fromisoformat(str(_draft(turn).get("day")))
    except ValueError:
        return None


async def _show_time(turn: Turn) -> None:
    tr = turn.tr
    day = _draft_day(turn)
    if day is None:
        turn.goto(NAME, "day")
        await _show_day(turn)
        return
    zone = _zone(turn)
    offered = []
    for at in TIME_BUTTONS:
        moment = local_moment(day, at, zone)
        if moment is not None and moment > turn.now:
            offered.append(Choice(tr.time(at), f"time:{at.strftime('%H:%M')}"))
    rows = [offered[i : i + 3] for i in range(0, len(offered), 3)]
    rows.append([_back(turn)])
    turn.say(
        tr("At what time on {date}? Tap a time, or write it, for example 14:45.", date=tr.date(day, "full")),
        rows,
    )


async def _time_choice(turn: Turn, action: str) -> None:
    try:
        at = parse_clock(action.removeprefix("time:"))
    except BadInput:
        await show_current(turn)
        return
    await _time_chosen(turn, at)


async def _time_text(turn: Turn, text: str) -> None:
    try:
        at = parse_clock(text)
    except BadInput as problem:
        turn.say(turn.tr(problem.message))
        await show_current(turn)
        return
    await _time_chosen(turn, at)


async def _time_chosen(turn: Turn, at: time) -> None:
    day = _draft_day(turn)
    if day is None:
        turn.goto(NAME, "day")
        await show_current(turn)
        return
    moment = local_moment(day, at, _zone(turn))
    if moment is None:
        turn.say(
            turn.tr(
                "On this day the clocks change, so {time} does not exist. Please choose another time.",
                time=turn.tr.time(at),
            )
        )
        await show_current(turn)
        return
    if moment <= turn.now:
        turn.say(turn.tr("That time has already passed. Please choose a later time."))
        await show_current(turn)
        return
    _draft(turn)["time"] = at.strftime("%H:%M")
    if turn.data.get("edit") == "time":
        await _save_time(turn, moment)
        return
    turn.goto(NAME, "kind")
    await show_current(turn)


def _draft_moment(turn: Turn) -> datetime | None:
    day = _draft_day(turn)
    try:
        at = time.fromisoformat(str(_draft(turn).get("time")))
    except ValueError:
        return None
    return None if day is None else local_moment(day, at, _zone(turn))


# --- kind, place, note ---------------------------------------------------------------------------------


async def _show_kind(turn: Turn) -> None:
    tr = turn.tr
    options = [Choice(f"{KIND_ICONS[kind]} {tr(KIND_LABELS[kind])}", f"kind:{kind}") for kind in KINDS]
    rows = [options[i : i + 2] for i in range(0, len(options), 2)]
    rows.append([_back(turn)])
    turn.say(tr("What kind of appointment is it?"), rows)


async def _kind_choice(turn: Turn, action: str) -> None:
    kind = action.removeprefix("kind:")
    if kind not in KINDS:
        await show_current(turn)
        return
    _draft(turn)["kind"] = kind
    if _sealer(turn) is None:
        await _save_new(turn, None)
        return
    turn.goto(NAME, "place")
    await show_current(turn)


async def _without_key(turn: Turn) -> bool:
    """The key was removed while a place or note question was open: leave the question (True)."""
    if _sealer(turn) is not None:
        return False
    appointment_id = turn.data.get("id")
    if turn.data.get("edit") == "place" and isinstance(appointment_id, int):
        turn.reset(NAME, "view", id=appointment_id)
    else:
        turn.goto(NAME, "kind")
    await show_current(turn)
    return True


async def _show_place(turn: Turn) -> None:
    tr = turn.tr
    if await _without_key(turn):
        return
    if turn.data.get("edit") == "place":
        turn.say(
            tr("Please write the new place or address."),
            [[Choice(tr("Remove the place"), "none")], [_back(turn)]],
        )
        return
    turn.say(
        tr("Where is it? Write the place or the address, or tap “Skip”."),
        [[Choice(tr("Skip"), "none")], [_back(turn)]],
    )


class _SkippableText:
    """A step answered with a short text or “Skip” (the place, the note): whitespace collapsed, an empty
    text counts as skipped, a text over `limit` characters gets `too_long` and the question again."""

    def __init__(
        self, limit: int, too_long: str, given: Callable[[Turn, str | None], Awaitable[None]]
    ) -> None:
        self.limit = limit
        self.too_long = too_long
        self.given = given

    async def on_choice(self, turn: Turn, action: str) -> None:
        if action != "none":
            await show_current(turn)
            return
        await self.given(turn, None)

    async def on_text(self, turn: Turn, text: str) -> None:
        value = " ".join(text.split())
        if len(value) > self.limit:
            turn.say(turn.tr(self.too_long, count=turn.tr.number(self.limit)))
            await show_current(turn)
            return
        await self.given(turn, value or None)


async def _place_given(turn: Turn, place: str | None) -> None:
    assert turn.participant is not None
    sealer = _sealer(turn)
    if sealer is None:
        await _without_key(turn)
        return
    sealed = None if place is None else sealer.seal(place)
    if turn.data.get("edit") == "place":
        appointment = await _current(turn)
        if appointment is None or appointment.starts_at <= turn.now:
            await _gone(turn)
            return
        await appointments.set_place(turn.tx, appointment.id, sealed, turn.now)
        await _saved_change(turn, appointment.id, turn.tr("Done. The place is changed."))
        return
    _draft(turn)["place"] = None if sealed is None else sealed.decode("ascii")  # a Fernet token is ASCII
    turn.goto(NAME, "note")
    await show_current(turn)


async def _show_note(turn: Turn) -> None:
    tr = turn.tr
    if await _without_key(turn):
        return
    turn.say(
        tr("Would you like to add a short note, for example what to bring? Write it, or tap “Skip”."),
        [[Choice(tr("Skip"), "none")], [_back(turn)]],
    )


async def _note_given(turn: Turn, note: str | None) -> None:
    if await _without_key(turn):
        return
    await _save_new(turn, note)


# --- saving --------------------------------------------------------------------------------------------


async def _save_new(turn: Turn, note: str | None) -> None:
    assert turn.participant is not None
    draft = _draft(turn)
    moment = _draft_moment(turn)
    kind = draft.get("kind")
    if moment is None or kind not in KINDS:
        turn.reset(NAME, "day", draft={})
        await show_current(turn)
        return
    if moment <= turn.now:
        turn.say(turn.tr("That time has passed in the meantime. Please choose the day again."))
        turn.goto(NAME, "day")
        await show_current(turn)
        return
    sealer = _sealer(turn)
    place = draft.get("place")
    created = await appointments.create(
        turn.tx,
        participant_id=turn.participant.id,
        starts_at=moment,
        kind=str(kind),
        place=place.encode("ascii") if isinstance(place, str) and sealer is not None else None,
        note=sealer.seal(note) if note is not None and sealer is not None else None,
        status="confirmed",
        added_by="participant",
        now=turn.now,
    )
    await renew_reminders(turn.tx, turn.participant, created.id, turn.now)
    await _saved_change(turn, created.id, turn.tr("Saved."))


async def _save_time(turn: Turn, moment: datetime) -> None:
    assert turn.participant is not None
    appointment = await _current(turn)
    if appointment is None or appointment.starts_at <= turn.now:
        await _gone(turn)
        return
    await appointments.move(turn.tx, appointment.id, moment, turn.now)
    await renew_reminders(turn.tx, turn.participant, appointment.id, turn.now, moved=True)
    await _saved_change(turn, appointment.id, turn.tr("Done. The new time is saved."))


async def _saved_change(turn: Turn, appointment_id: int, done: str) -> None:
    """Say what was saved, send the calendar file (a newer version replaces the old entry) and show it."""
    fresh = await appointments.get(turn.tx, appointment_id)
    assert fresh is not None
    if fresh.confirmed:
        turn.say(
            done + "\n" + turn.tr("Here is the appointment for your calendar app: open the file to add it."),
            attachment=await calendar_for(turn, fresh),
        )
    else:
        turn.say(done)
    turn.reset(NAME, "view", id=appointment_id)
    await show_current(turn)


# --- reminders -----------------------------------------------------------------------------------------


def _codes(turn: Turn) -> list[str]:
    codes = turn.data.get("codes")
    return [code for code in REMINDER_CODES if isinstance(codes, list) and code in codes]


async def _show_reminders(turn: Turn) -> None:
    tr = turn.tr
    chosen = _codes(turn)
    if turn.data.get("target") == "defaults":
        question = tr(
            "When should I usually remind you? This is for new appointments and for those without their "
            "own choice. Tap to switch a reminder on or off, then tap “Done”."
        )
    else:
        question = tr(
            "When should I remind you of this appointment? Tap to switch a reminder on or off, "
            "then tap “Done”."
        )
    rows = [
        [Choice(("✅ " if code in chosen else "⬜ ") + tr(REMINDER_LABELS[code]), f"toggle:{code}")]
        for code in REMINDER_CODES
    ]
    rows.append([Choice(tr("✔️ Done"), "done"), _back(turn)])
    turn.say(question, rows)


async def _reminders_choice(turn: Turn, action: str) -> None:
    assert turn.participant is not None
    if action.startswith("toggle:") and action[7:] in REMINDER_CODES:
        code = action[7:]
        chosen = _codes(turn)
        chosen = [c for c in chosen if c != code] if code in chosen else [*chosen, code]
        turn.goto(NAME, "reminders", codes=[c for c in REMINDER_CODES if c in chosen])
        await show_current(turn)
        return
    if action != "done":
        await show_current(turn)
        return
    chosen = _codes(turn)
    if turn.data.get("target") == "defaults":
        await appointments.set_default_reminders(turn.tx, turn.participant.id, chosen, turn.now)
        await plan_upcoming_reminders(turn.tx, turn.participant, turn.now, only_defaults=True)
        turn.say(turn.tr("Done. Your usual reminders are saved and used for your appointments."))
        turn.reset(NAME, "list")
        await show_current(turn)
        return
    appointment = await _current(turn)
    if appointment is None or appointment.starts_at <= turn.now:
        await _gone(turn)
        return
    await appointments.set_reminders(turn.tx, appointment.id, chosen, turn.now)
    await renew_reminders(turn.tx, turn.participant, appointment.id, turn.now)
    turn.say(turn.tr("Done. Your reminders for this appointment are saved."))
    turn.reset(NAME, "view", id=appointment.id)
    await show_current(turn)


# --- going back ----------------------------------------------------------------------------------------


async def _go_back(turn: Turn) -> None:
    step, editing = turn.step, bool(turn.data.get("edit"))
    appointment_id = turn.data.get("id")
    if step == "list":
        await show_menu(turn)
        return
    previous = {"time": "day", "kind": "time", "place": "kind", "note": "place"}
    to_view = step in ("remove", "reminders", "day", "place") and isinstance(appointment_id, int)
    if (step in ("day", "place") and not editing) or turn.data.get("target") == "defaults":
        to_view = False
    if step in previous and not (editing and step == "place"):
        turn.goto(NAME, previous[step])
    elif to_view:
        turn.reset(NAME, "view", id=appointment_id)
    else:
        turn.reset(NAME, "list")
    await show_current(turn)


PLACE = _SkippableText(
    PLACE_MAX, N_("That is too long for a place. Please write at most {count} characters."), _place_given
)
NOTE = _SkippableText(
    NOTE_MAX, N_("That is too long for a note. Please write at most {count} characters."), _note_given
)

SHOW = {
    "list": _show_list,
    "view": _show_view,
    "remove": _show_remove,
    "day": _show_day,
    "time": _show_time,
    "kind": _show_kind,
    "place": _show_place,
    "note": _show_note,
    "reminders": _show_reminders,
}
CHOICES = {
    "list": _list_choice,
    "view": _view_choice,
    "remove": _remove_choice,
    "day": _day_choice,
    "time": _time_choice,
    "kind": _kind_choice,
    "place": PLACE.on_choice,
    "note": NOTE.on_choice,
    "reminders": _reminders_choice,
}
TEXTS = {
    "day": _day_text,
    "time": _time_text,
    "place": PLACE.on_text,
    "note": NOTE.on_text,
}
