"""Daily check-ins: the morning and evening prompts, "later", "skip today", one gentle nudge, the answers.

A prompt is sent when its due row comes up. Its buttons are lasting, so a tap works whatever the person
is doing in the chat; the first tap enters the check-in flow (`dialogs/questionnaires/checkin.toml`).
Every answer is stored as soon as it is given. If nobody answers, one nudge follows after an hour, and
an hour later the prompt quietly closes: its unanswered row is deleted, so silence leaves no trace.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from dialogs.checkins.planning import SLOTS, may_send, zone_of
from dialogs.core.actions import Action, item_number
from dialogs.core.events import Choice
from dialogs.core.flow import closed
from dialogs.core.turn import Turn
from dialogs.questionnaires import questionnaire
from dialogs.questionnaires.questionnaire import QuestionnaireFlow
from dialogs.questionnaires.selfreport import offer_report
from dialogs.signals.rules import checkin_source
from storage import checkins, due, schedules
from storage.checkins import Checkin
from storage.due import DueItem

log = logging.getLogger(__name__)

FORM = "checkin"
NUDGE_AFTER = timedelta(hours=1)
OPEN_FOR = timedelta(hours=2)  # a prompt's buttons work this long after it was (last) sent
PROMPT_BUTTONS_LAST = timedelta(days=1)  # the token outlives the prompt; the handler checks openness
LATER_MINUTES = (30, 60)
MAX_LATER = 3


async def _known(turn: Turn, slot: str, day: date) -> dict[str, Any]:
    """What the evening's `each` questions expand over: the morning's answers of the same day."""
    assert turn.participant is not None
    if slot != "evening":
        return {}
    morning = await checkins.find(turn.tx, turn.participant.id, "morning", day)
    return dict(morning.answers) if morning is not None else {}


async def send_prompt(turn: Turn, row: Checkin, *, nudge: bool) -> bool:
    """The prompt (or its one nudge) with lasting buttons; False when there is nothing to ask."""
    form = questionnaire.named(FORM)
    first = questionnaire.slots(form, row.slot, await _known(turn, row.slot, row.day))
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
    lines.append(questionnaire.question_text(tr, form, slot))
    if slot.item.kind == "multi":
        lines.append(tr("Tap everything that fits, then tap Done."))
    prefix = f"checkin:{row.id}:"
    rows = [
        [Choice(c.label, prefix + c.action, lasting=PROMPT_BUTTONS_LAST) for c in line]
        for line in questionnaire.option_choices(tr, slot.item)
    ]
    rows.append(
        [
            Choice(tr("⏰ In 30 minutes"), f"{prefix}later:30", lasting=PROMPT_BUTTONS_LAST),
            Choice(tr("⏰ In 1 hour"), f"{prefix}later:60", lasting=PROMPT_BUTTONS_LAST),
        ]
    )
    rows.append([Choice(tr("Skip today"), f"{prefix}skipday", lasting=PROMPT_BUTTONS_LAST)])
    turn.say("\n".join(lines), rows)
    return True


async def checkin_due(turn: Turn, item: DueItem) -> None:
    """A planned prompt or a "later" one. Silent when paused, quiet, turned off or already answered."""
    assert turn.participant is not None
    slot, day = str(item.payload.get("slot")), date.fromisoformat(str(item.payload.get("day")))
    if slot not in SLOTS:
        return
    schedule = await schedules.get(turn.tx, turn.participant.id)
    if (
        not may_send(schedule, zone_of(turn.participant.timezone), turn.now)
        or schedule.slot_time(slot) is None
    ):
        return
    existing = await checkins.find(turn.tx, turn.participant.id, slot, day)
    if existing is not None and existing.status == "answered":
        return
    row = await checkins.open_prompt(turn.tx, turn.participant.id, slot, day, turn.now + OPEN_FOR)
    if not await send_prompt(turn, row, nudge=False):
        return
    await due.schedule(
        turn.tx,
        participant_id=turn.participant.id,
        kind="nudge",
        key=f"nudge:{slot}:{day}",
        due_at=turn.now + NUDGE_AFTER,
        now=turn.now,
        grace=turn.config.grace,
        payload={"slot": slot, "day": str(day)},
    )


async def nudge_due(turn: Turn, item: DueItem) -> None:
    """The one gentle nudge, only while the prompt is still open and unanswered."""
    assert turn.participant is not None
    slot, day = str(item.payload.get("slot")), date.fromisoformat(str(item.payload.get("day")))
    row = await checkins.find(turn.tx, turn.participant.id, slot, day)
    if row is None or not row.is_open(turn.now):
        return
    schedule = await schedules.get(turn.tx, turn.participant.id)
    if not may_send(schedule, zone_of(turn.participant.timezone), turn.now):
        return
    await send_prompt(turn, row, nudge=True)


async def checkin_button(turn: Turn, choice: Action) -> None:
    """A tap on a prompt: an answer to its first question, "later" or "skip today"."""
    action = str(choice)
    _, ident, verb = [*action.split(":", 2), "", ""][:3]
    number = item_number(ident)
    row = await checkins.get(turn.tx, number) if number is not None else None
    if row is None or turn.participant is None or row.participant_id != turn.participant.id:
        await closed(turn)
        return
    if not row.is_open(turn.now):
        await closed(turn)
        return
    if verb == "skipday":
        await skip_today(turn, row.day)
        return
    if verb.startswith("later:"):
        minutes = verb.removeprefix("later:")
        if item_number(minutes) not in LATER_MINUTES:
            await closed(turn)
            return
        await _later(turn, row, int(minutes))
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
    await CHECKIN.on_choice(turn, Action.parse(verb))


async def skip_today(turn: Turn, day: date) -> None:
    """No more check-ins today. Nothing is stored about it."""
    assert turn.participant is not None
    for slot in SLOTS:
        await due.cancel(turn.tx, turn.participant.id, turn.now, key_prefix=f"checkin:{slot}:{day}")
        await due.cancel(turn.tx, turn.participant.id, turn.now, key_prefix=f"nudge:{slot}:{day}")
    await checkins.forget_unanswered(turn.tx, turn.participant.id, day)
    if turn.flow == CHECKIN.name:
        turn.reset("menu", "idle")
    turn.say(turn.tr("Okay, no check-ins today. Take care!"))


async def _later(turn: Turn, row: Checkin, minutes: int) -> None:
    assert turn.participant is not None
    pid = turn.participant.id
    base = f"checkin:{row.slot}:{row.day}:later"
    await due.drop_pending(turn.tx, pid, key_prefix=base)
    asked_later = len(await due.for_participant(turn.tx, pid, status="done", key_prefix=base))
    if asked_later >= MAX_LATER:
        turn.say(turn.tr("Okay. You can still answer with the buttons above for a while."))
        return
    at = turn.now + timedelta(minutes=minutes)
    schedule = await schedules.get(turn.tx, pid)
    if not may_send(schedule, zone_of(turn.participant.timezone), at):
        turn.say(
            turn.tr(
                "That would be in your quiet hours, so I will not ask again today. "
                "You can still answer with the buttons above for a while."
            )
        )
        return
    await due.schedule(
        turn.tx,
        participant_id=pid,
        kind="checkin",
        key=f"{base}{asked_later + 1}",
        due_at=at,
        now=turn.now,
        grace=turn.config.grace,
        payload={"slot": row.slot, "day": str(row.day)},
    )
    await due.drop_pending(turn.tx, pid, key_prefix=f"nudge:{row.slot}:{row.day}")
    await checkins.extend(turn.tx, row.id, at + OPEN_FOR)
    turn.say(turn.tr("Okay, I will ask you again at {time}.", time=turn.tr.time(at)))


class CheckinFlow(QuestionnaireFlow):
    """The rest of a check-in after the first tap; every answer is stored when it is given."""

    name = "checkin"

    def _where(self, turn: Turn) -> tuple[str, date]:
        return str(turn.data["slot"]), date.fromisoformat(str(turn.data["day"]))

    async def answered(self, turn: Turn, answers: dict[str, Any]) -> None:
        assert turn.participant is not None
        slot, day = self._where(turn)
        await checkins.save_answers(turn.tx, turn.participant.id, slot, day, answers, turn.now)
        await self._no_more_prompts(turn)

    async def _no_more_prompts(self, turn: Turn) -> None:
        """They have responded: the nudge and any "later" prompt for this check-in are not needed."""
        assert turn.participant is not None
        slot, day = self._where(turn)
        await due.drop_pending(turn.tx, turn.participant.id, key_prefix=f"nudge:{slot}:{day}")
        await due.drop_pending(turn.tx, turn.participant.id, key_prefix=f"checkin:{slot}:{day}:later")

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
            await offer_report(turn)


CHECKIN = CheckinFlow()


# An answered check-in is a sign of life for the participant's own "tell my coach if I am silent" rule.
checkin_source(checkins.last_answered_at)
