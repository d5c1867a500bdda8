"""Voluntary self-reports: `/report` any time, offered (never forced) after the evening check-in.

The questions are `dialogs/questionnaires/selfreport.toml`. Answers are stored only with the
"selfreports" consent; without it /report says so kindly and points to /privacy instead of asking
questions whose answers would be thrown away. The free-text note is asked only when an encryption key is
configured, and it is sealed in the same turn it arrives, so it never rests in the conversation state.

After a report is stored: the answers are counted into the week's aggregate (kept until the person
leaves, while raw answers expire), the participant's "mood low" rule is checked, and alarming answers get
a caring reply (`care.py`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from dialogs import consent_texts
from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import DONE, STAY, Handover, Next, start
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from dialogs.participation.menu import show_menu
from dialogs.questionnaires.asking import QuestionnaireFlow
from dialogs.questionnaires.care import answer_with_care
from dialogs.questionnaires.questionnaire import MultiItem, Need, NumberItem, TextItem, named
from dialogs.signals import rules
from storage import consents, selfreports
from storage.sealing import open_or_none, sealer_for
from storage.selfreports import Answer, Counts

FORM = "selfreport"
REPORT, NOTE = "report", "note"  # the form's parts
OFFER = "offer"  # the step that offers a report after the evening check-in
MOOD = "mood"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def local_today(turn: Turn) -> date:
    return turn.now.astimezone(turn.tr.timezone).date()


async def may_store(turn: Turn) -> bool:
    if turn.participant is None:
        return False
    record = (await consents.current(turn.tx, turn.participant.id)).get(consent_texts.SELFREPORTS)
    return record is not None and record.granted


def split_answers(answers: dict[str, Any]) -> tuple[dict[str, Answer], dict[str, str]]:
    """(coded answers, free texts): only coded values go to the answers column and the aggregates."""
    questionnaire = named(FORM)
    coded: dict[str, Answer] = {}
    texts: dict[str, str] = {}
    for part in questionnaire.parts.values():
        for item in part.items:
            if item.key not in answers:
                continue
            value = answers[item.key]
            if isinstance(item, TextItem):
                texts[item.key] = str(value)
            elif isinstance(value, bool):
                coded[item.key] = "yes" if value else "no"
            elif isinstance(value, int | float | str | list):
                coded[item.key] = value
    return coded, texts


def week_deltas(coded: dict[str, Answer]) -> Counts:
    """What one report adds to its week: a count per answer, or a sum and count for numbers."""
    questionnaire = named(FORM)
    deltas: Counts = {}
    for part in questionnaire.parts.values():
        for item in part.items:
            if item.key not in coded:
                continue
            value = coded[item.key]
            if isinstance(item, NumberItem) and isinstance(value, int | float):
                deltas[item.key] = {"sum": float(value), "n": 1}
            elif isinstance(item, MultiItem) and isinstance(value, list):
                deltas[item.key] = {str(key): 1 for key in value}
            else:
                deltas[item.key] = {str(value): 1}
    return deltas


NOT_STORED = N_(
    "I only keep these answers if you allow it, and right now you have not. That is okay. "
    "If you want me to keep them, turn on “{name}” in /privacy."
)


async def begin_report(turn: Turn, *, intro: bool = True) -> None:
    if not await may_store(turn):
        title = turn.tr(consent_texts.SCOPE_BY_KEY[consent_texts.SELFREPORTS].title)
        turn.say(turn.tr(NOT_STORED, name=title))
        await show_menu(turn)
        return
    await REPORT_FLOW.start(turn, FORM, REPORT, intro=intro)


async def report_command(turn: Turn, args: str) -> None:
    await begin_report(turn)


async def offer_report(turn: Turn) -> bool:
    """For the end of the evening check-in: offer a self-report, never force one. True when offered.

    Offered only to active participants who allow storing reports and have not reported today.
    """
    participant = turn.participant
    if participant is None or not await may_store(turn):
        return False
    if await selfreports.reported_on(turn.tx, participant.id, local_today(turn)):
        return False
    await start(turn, REPORT_FLOW.name, OFFER)
    return True


class ReportFlow(QuestionnaireFlow):
    name = "report"
    takes_text = True
    hands_over_to = frozenset({"menu"})
    form = FORM
    needs = (Need(REPORT, MOOD, "scale"), Need(NOTE, "note", "text"))

    async def show(self, turn: Turn) -> None:
        if turn.step == OFFER:
            turn.say(
                turn.tr(
                    "Would you like to tell me a little more about how you are? It takes about a minute."
                ),
                [[Choice(turn.tr("Yes, let us start"), "start"), Choice(turn.tr("Not today"), "later")]],
            )
            return
        await super().show(turn)

    def extra_choices(self, turn: Turn) -> list[list[Choice]]:
        return [[Choice(turn.tr("⏹ Stop here (nothing is saved)"), "quit")]]

    async def on_extra(self, turn: Turn, action: Action) -> Next | None:
        if turn.step == OFFER:
            if action.name == "start":
                await begin_report(turn)
                return DONE
            turn.say(turn.tr("Okay. You can always write /report later."))
            return Handover("menu")
        if action.name == "quit":
            turn.say(turn.tr("Okay, I saved nothing."))
            return Handover("menu")
        return None

    async def answer_text(self, turn: Turn, text: str) -> Next:
        if turn.step == OFFER:
            return STAY
        return await super().answer_text(turn, text)

    async def finished(self, turn: Turn, answers: dict[str, Any]) -> None:
        sealer = sealer_for(turn.config.encryption_keys)
        if turn.data.get("part") == REPORT and sealer is not None:
            await self.start(turn, FORM, NOTE, answers=answers, intro=False)
            return
        await store_report(turn, answers)


REPORT_FLOW = ReportFlow()


async def store_report(turn: Turn, answers: dict[str, Any]) -> None:
    """Seal the free text, store the report and its week, check the mood rule, and say thank you."""
    participant = turn.person
    turn.reset("menu", "idle")  # the answers leave the conversation state in this very turn
    coded, texts = split_answers(answers)
    if not await may_store(turn):
        turn.say(turn.tr("Storing your answers is turned off, so I saved nothing."))
        await show_menu(turn)
        return
    if not coded and not texts:
        turn.say(turn.tr("You skipped every question, so there is nothing to save. That is fine."))
        await show_menu(turn)
        return
    sealer = sealer_for(turn.config.encryption_keys)
    note = sealer.seal(json.dumps(texts, ensure_ascii=False)) if texts and sealer is not None else None
    today = local_today(turn)
    await selfreports.insert(
        turn.tx, participant.id, submitted_at=turn.now, local_date=today, answers=coded, note=note
    )
    await selfreports.add_to_week(turn.tx, participant.id, iso_week(today), week_deltas(coded))
    turn.say(
        turn.tr(
            "Thank you. I saved your answers. Only you can see them, with /myweek. "
            "Your coach never sees them."
        )
    )
    if MOOD in coded:
        recent = await selfreports.recent(turn.tx, participant.id, 5)
        moods = [mood for r in recent if isinstance(mood := r.answers.get(MOOD), int)]
        if await rules.check_mood_low(turn.tx, participant.id, moods, turn.now):
            turn.say(
                turn.tr(
                    "Your mood has been low on several days. As you asked, I will let your coach know "
                    "that your mood is low. Not your answers. If it gets too much, /sos has numbers "
                    "you can call at any time."
                )
            )
    await answer_with_care(turn, named(FORM).part(REPORT), coded)
    await show_menu(turn)


async def readable_notes(turn: Turn) -> list[dict[str, Any]]:
    """The participant's stored reports with their notes opened, for /mydata."""
    sealer = sealer_for(turn.config.encryption_keys)
    result = []
    for report in reversed(await selfreports.recent(turn.tx, turn.person.id, 10_000)):
        entry = selfreports.as_plain(report)
        if report.note is not None:
            text = open_or_none(sealer, report.note)
            entry["note"] = None if text is None else json.loads(text)
        result.append(entry)
    return result
