"""Daily check-ins: the morning and evening prompts, "later", "skip today", one gentle nudge, the answers.

A prompt is sent when its due row comes up. Its buttons are lasting, so a tap works whatever the person
is doing in the chat; the first tap enters the check-in flow (`dialogs/questionnaires/checkin.toml`).
Every answer is stored as soon as it is given. If nobody answers, one nudge follows after an hour, and
an hour later the prompt quietly closes: its unanswered row is deleted, so silence leaves no trace.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from dialogs.checkins.planning import SLOTS, may_send, zone_of
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import closed
from dialogs.core.turn import Turn
from dialogs.questionnaires import asking, questionnaire
from dialogs.questionnaires.asking import QuestionnaireFlow
from dialogs.questionnaires.care import answer_with_care
from dialogs.questionnaires.questionnaire import Need
from dialogs.questionnaires.selfreport import offer_report
from storage import checkins, due, schedules
from storage.checkins import Checkin
from storage.due import DueItem

FORM = "checkin"
BUTTON = "checkin"  # the lasting buttons of a prompt: `checkin:<row id>:<answer, later or skip today>`
LATER, SKIP_DAY = "later", "skipday"
NUDGE_AFTER = timedelta(hours=1)
OPEN_FOR = timedelta(hours=2)  # a prompt's buttons work this long after it was (last) sent
PROMPT_BUTTONS_LAST = timedelta(days=1)  # the token outlives the prompt; the handler checks openness
LATER_MINUTES = (30, 60)
MAX_LATER = 3


async def _known(turn: Turn, slot: str, day: date) -> dict[str, Any]:
    """What the evening's `each` questions expand over: the morning's answers of the same day."""
    if slot != "evening":
        return {}
    morning = await checkins.find(turn.tx, turn.person.id, "morning", day)
    return dict(morning.answers) if morning is not None else {}


def _button(row: Checkin, label: str, *what: object) -> Choice:
    """A lasting button of a prompt: `checkin:<row id>:<what>` (`checkin:12:later:30`)."""
    return Choice(label, act(BUTTON, row.id, *what), lasting=PROMPT_BUTTONS_LAST)


async def send_prompt(turn: Turn, row: Checkin, *, nudge: bool) -> bool:
    """The prompt (or its one nudge) with lasting buttons; False when there is nothing to ask."""
    form = questionnaire.named(FORM)
    first = asking.slots(form, row.slot, await _known(turn, row.slot, row.day))
    if not first:
        return False
    tr = turn.tr
    slot = first[0]
    intro = form.part(row.slot).intro
    lines = []
    if nudge:
        lines.append(tr("A gentle reminder, only if you feel like it."))
    elif intro:
        lines.append(tr(intro))
    lines.append(asking.question_text(tr, form, slot))
    if slot.item.kind == "multi":
        lines.append(tr("Tap everything that fits, then tap Done."))
    rows = [[_button(row, c.label, c.action) for c in line] for line in asking.option_choices(tr, slot.item)]
    rows.append(
        [_button(row, tr("⏰ In 30 minutes"), LATER, 30), _button(row, tr("⏰ In 1 hour"), LATER, 60)]
    )
    rows.append([_button(row, tr("Skip today"), SKIP_DAY)])
    turn.say("\n".join(lines), rows)
    return True


async def checkin_due(turn: Turn, item: DueItem) -> None:
    """A planned prompt or a "later" one. Silent when paused, quiet, turned off or already answered."""
    person = turn.person
    slot, day = str(item.payload.get("slot")), date.fromisoformat(str(item.payload.get("day")))
    if slot not in SLOTS:
        return
    schedule = await schedules.get(turn.tx, person.id)
    if not may_send(schedule, zone_of(person.timezone), turn.now) or schedule.slot_time(slot) is None:
        return
    existing = await checkins.find(turn.tx, person.id, slot, day)
    if existing is not None and existing.status == "answered":
        return
    row = await checkins.open_prompt(turn.tx, person.id, slot, day, turn.now + OPEN_FOR)
    if not await send_prompt(turn, row, nudge=False):
        return
    await _ask_again(turn, "nudge", f"nudge:{slot}:{day}", turn.now + NUDGE_AFTER, slot, day)


async def _ask_again(turn: Turn, kind: str, key: str, at: datetime, slot: str, day: date) -> None:
    """Plan a prompt's nudge or its "later" prompt."""
    await due.schedule(
        turn.tx,
        participant_id=turn.person.id,
        kind=kind,
        key=key,
        due_at=at,
        now=turn.now,
        grace=turn.config.grace,
        payload={"slot": slot, "day": str(day)},
    )


async def nudge_due(turn: Turn, item: DueItem) -> None:
    """The one gentle nudge, only while the prompt is still open and unanswered."""
    person = turn.person
    slot, day = str(item.payload.get("slot")), date.fromisoformat(str(item.payload.get("day")))
    row = await checkins.find(turn.tx, person.id, slot, day)
    if row is None or not row.is_open(turn.now):
        return
    schedule = await schedules.get(turn.tx, person.id)
    if not may_send(schedule, zone_of(person.timezone), turn.now):
        return
    await send_prompt(turn, row, nudge=True)


async def checkin_button(turn: Turn, action: Action) -> None:
    """A tap on a prompt (`checkin:<row id>:<what>`): an answer to its first question, "later" or "skip
    today". Only an open prompt of this chat's participant counts; anything else is closed."""
    number = action.number(0)
    row = await checkins.get(turn.tx, number) if number is not None else None
    if row is None or turn.participant is None or row.participant_id != turn.participant.id:
        await closed(turn)
        return
    if not row.is_open(turn.now):
        await closed(turn)
        return
    what = Action(action.arg(1), action.args[2:])  # `later:30`, `skipday`, or the question's `opt:3`
    if what.name == SKIP_DAY and not what.args:
        await skip_today(turn, row.day)
        return
    if what.name == LATER:
        minutes = what.number()
        if minutes not in LATER_MINUTES or len(what.args) != 1:
            await closed(turn)
            return
        await _later(turn, row, minutes)
        return
    if not (turn.flow == CHECKIN.name and turn.data.get("checkin_id") == row.id):
        CHECKIN.begin(
            turn,
            FORM,
            row.slot,
            known=await _known(turn, row.slot, row.day),
            checkin_id=row.id,
            slot=row.slot,
            day=str(row.day),
        )
    await CHECKIN.on_choice(turn, what)


async def skip_today(turn: Turn, day: date) -> None:
    """No more check-ins today. Nothing is stored about it."""
    pid = turn.person.id
    for slot in SLOTS:
        await due.cancel(turn.tx, pid, turn.now, key_prefix=f"checkin:{slot}:{day}")
        await due.cancel(turn.tx, pid, turn.now, key_prefix=f"nudge:{slot}:{day}")
    await checkins.forget_unanswered(turn.tx, pid, day)
    if turn.flow == CHECKIN.name:
        turn.reset("menu", "idle")
    turn.say(turn.tr("Okay, no check-ins today. Take care!"))


async def _later(turn: Turn, row: Checkin, minutes: int) -> None:
    person = turn.person
    base = f"checkin:{row.slot}:{row.day}:later"
    await due.drop_pending(turn.tx, person.id, key_prefix=base)
    asked_later = len(await due.for_participant(turn.tx, person.id, status="done", key_prefix=base))
    if asked_later >= MAX_LATER:
        turn.say(turn.tr("Okay. You can still answer with the buttons above for a while."))
        return
    at = turn.now + timedelta(minutes=minutes)
    schedule = await schedules.get(turn.tx, person.id)
    if not may_send(schedule, zone_of(person.timezone), at):
        turn.say(
            turn.tr(
                "That would be in your quiet hours, so I will not ask again today. "
                "You can still answer with the buttons above for a while."
            )
        )
        return
    await _ask_again(turn, "checkin", f"{base}{asked_later + 1}", at, row.slot, row.day)
    await due.drop_pending(turn.tx, person.id, key_prefix=f"nudge:{row.slot}:{row.day}")
    await checkins.extend(turn.tx, row.id, at + OPEN_FOR)
    turn.say(turn.tr("Okay, I will ask you again at {time}.", time=turn.tr.time(at)))


class CheckinFlow(QuestionnaireFlow):
    """The rest of a check-in after the first tap; every answer is stored when it is given."""

    name = "checkin"
    form = FORM
    # What the prompts, the evening's questions about the morning's plans and the look-back read.
    needs = (
        Need("morning", "plans", "multi"),
        Need("evening", "mood", "scale"),
        Need("evening", "kept", "single"),
    )

    def _where(self, turn: Turn) -> tuple[str, date]:
        return str(turn.data["slot"]), date.fromisoformat(str(turn.data["day"]))

    async def answered(self, turn: Turn, answers: dict[str, Any]) -> None:
        slot, day = self._where(turn)
        await checkins.save_answers(turn.tx, turn.person.id, slot, day, answers, turn.now)
        await self._no_more_prompts(turn)

    async def _no_more_prompts(self, turn: Turn) -> None:
        """They have responded: the nudge and any "later" prompt for this check-in are not needed."""
        slot, day = self._where(turn)
        await due.drop_pending(turn.tx, turn.person.id, key_prefix=f"nudge:{slot}:{day}")
        await due.drop_pending(turn.tx, turn.person.id, key_prefix=f"checkin:{slot}:{day}:later")

    async def finished(self, turn: Turn, answers: dict[str, Any]) -> None:
        slot, _ = self._where(turn)
        await self._no_more_prompts(turn)
        turn.reset("menu", "idle")
        if not answers:
            turn.say(turn.tr("Okay. Maybe another time."))
        elif slot == "morning":
            turn.say(turn.tr("Thank you! I wish you a good day."))
        else:
            turn.say(turn.tr("Thank you! Rest well tonight."))
            await answer_with_care(turn, questionnaire.named(FORM).part(slot), answers)
            await offer_report(turn)


CHECKIN = CheckinFlow()
