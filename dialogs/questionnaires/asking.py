"""Asking a questionnaire (`dialogs/questionnaires/questionnaire.py`): one message per question.

The flow's steps are the form's items: the conversation stays at the step `ask`, and `pos` in its data
says which question of the part is current. Buttons carry `opt:<value>` (a scale point, an option key,
yes or no), `toggle:<key>` and `done` (a multi item), and `skip`; number and text items are typed. A form
is checked when it loads (its item keys, and the items the flow `needs`), not when someone reaches it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import STAY, Flow, Go, Next, follow
from dialogs.core.i18n import N_, Translator
from dialogs.core.sanitize import clean
from dialogs.core.turn import Turn
from dialogs.questionnaires.questionnaire import (
    QUESTIONNAIRE_DIR,
    Item,
    MultiItem,
    Need,
    NumberItem,
    Questionnaire,
    ScaleItem,
    SingleItem,
    TextItem,
    YesNoItem,
    named,
    require,
)

ASK = "ask"
TYPED = ("number", "text")

SKIP_LABEL = N_("Skip this question")
DONE_LABEL = N_("Done")
YES_LABEL = N_("Yes")
NO_LABEL = N_("No")


@dataclass(frozen=True)
class Slot:
    """One question to ask: an item, and for `each` items the option it is about."""

    item: Item
    about: str | None = None  # option key of the `each` source

    @property
    def id(self) -> str:
        return self.item.key if self.about is None else f"{self.item.key}:{self.about}"


def slots(questionnaire: Questionnaire, part: str, known: dict[str, Any]) -> list[Slot]:
    """The questions of a part in order; an `each` item expands over the options chosen in `known`."""
    result: list[Slot] = []
    for item in questionnaire.part(part).items:
        if item.each is None:
            result.append(Slot(item))
            continue
        chosen = known.get(item.each)
        if isinstance(chosen, list):
            result.extend(Slot(item, str(key)) for key in chosen)
    return result


def question_text(tr: Translator, questionnaire: Questionnaire, slot: Slot) -> str:
    if slot.about is None or slot.item.each is None:
        return tr(slot.item.question)
    source = questionnaire.multi_item(slot.item.each)
    label = source.label_of(slot.about) if source else None
    return tr(slot.item.question, option=tr(label) if label else slot.about)


def option_choices(tr: Translator, item: Item, selected: Sequence[str] = ()) -> list[list[Choice]]:
    """The answer buttons of an item (without Skip). Actions: `opt:<value>`, `toggle:<key>`, `done`."""
    if isinstance(item, ScaleItem):
        buttons = []
        for index, value in enumerate(item.values):
            label = tr(item.labels[index]) if item.labels else str(value)
            icon = item.icons[index] if item.icons else ""
            text = f"{icon} {label}" if icon and item.labels else (icon or label)
            buttons.append(Choice(text, f"opt:{value}"))
        if item.labels:
            return [[button] for button in buttons]
        return [buttons[i : i + 6] for i in range(0, len(buttons), 6)]
    if isinstance(item, SingleItem):
        single = [Choice(tr(option.label), f"opt:{option.key}") for option in item.options]
        if len(single) <= 3:
            return [single]
        return [single[i : i + 2] for i in range(0, len(single), 2)]
    if isinstance(item, MultiItem):
        toggles = [
            Choice(("✓ " if option.key in selected else "") + tr(option.label), f"toggle:{option.key}")
            for option in item.options
        ]
        rows = [toggles[i : i + 2] for i in range(0, len(toggles), 2)]
        if selected:
            rows.append([Choice("✅ " + tr(DONE_LABEL), "done")])
        return rows
    if isinstance(item, YesNoItem):
        return [[Choice(tr(YES_LABEL), "opt:yes"), Choice(tr(NO_LABEL), "opt:no")]]
    return []  # number and text are typed


def choice_value(item: Item, action: Action) -> tuple[bool, Any]:
    """(valid, answer) for an `opt` action of a button item."""
    if action.name != "opt":
        return False, None
    value = action.arg()
    if isinstance(item, ScaleItem):
        try:
            number = int(value)
        except ValueError:
            return False, None
        return (number in item.values), number
    if isinstance(item, SingleItem):
        return any(option.key == value for option in item.options), value
    if isinstance(item, YesNoItem):
        return value in ("yes", "no"), value == "yes"
    return False, None


def typed_value(tr: Translator, item: Item, text: str) -> tuple[Any, str | None]:
    """(answer, None) for a good typed answer, else (None, a kind message saying what is wanted)."""
    if isinstance(item, NumberItem):
        cleaned = text.strip().replace(",", ".")
        try:
            number = float(cleaned)
        except ValueError:
            number = float("nan")
        wanted = tr(
            "Please write a number from {low} to {high}.", low=tr.number(item.min), high=tr.number(item.max)
        )
        if number != number or not item.min <= number <= item.max:  # NaN or out of range
            return None, wanted
        if item.integer:
            if number != int(number):
                return None, tr(
                    "Please write a whole number from {low} to {high}.",
                    low=tr.number(item.min),
                    high=tr.number(item.max),
                )
            return int(number), None
        return number, None
    if isinstance(item, TextItem):
        value = clean(text)
        if not value:
            return None, tr("Please write a few words, or skip this question.")
        if len(value) > item.max_length:
            return None, tr.ngettext(
                "Please write at most {n} character.", "Please write at most {n} characters.", item.max_length
            )
        return value, None
    return None, None


class QuestionnaireFlow(Flow):
    """Asks the items of one part of a questionnaire, one message per question, and hands the answers on.

    State lives in the conversation data: `form`, `part`, `pos` (index into the slots), `answers`,
    `selected` (a multi item's toggles so far) and `known` (answers from elsewhere that `each` items
    expand over, such as the morning's plans). Subclasses set `name`, implement `finished`, may name their
    `form` and the items it `needs` (checked when the flow is made), and may add buttons below every
    question with `extra_choices` and answer their actions in `on_extra`.
    """

    directory: Path = QUESTIONNAIRE_DIR
    first = ASK
    form = ""
    needs: Sequence[Need] = ()

    def __init__(self) -> None:
        if self.form:
            require(named(self.form, self.directory), f"{self.form}.toml", self.needs)

    async def start(self, turn: Turn, form: str, part: str, *, intro: bool = True, **data: Any) -> None:
        """Begin a part as `begin` does and ask its first question (after the part's intro, if any)."""
        self.begin(turn, form, part, **data)
        intro_text = self.questionnaire(turn).part(part).intro
        if intro and intro_text:
            turn.say(turn.tr(intro_text))
        await self.show(turn)

    def begin(
        self,
        turn: Turn,
        form: str,
        part: str,
        *,
        known: dict[str, Any] | None = None,
        answers: dict[str, Any] | None = None,
        **data: Any,
    ) -> None:
        """Enter the flow at the first question without showing it (a tap elsewhere answers it next);
        `known` is what `each` items expand over, `answers` what earlier parts collected."""
        named(form, self.directory).part(part)  # a wrong name fails here, not halfway through
        turn.reset(
            self.name,
            ASK,
            form=form,
            part=part,
            pos=0,
            answers=dict(answers or {}),
            selected=[],
            known=dict(known or {}),
            **data,
        )

    def questionnaire(self, turn: Turn) -> Questionnaire:
        return named(str(turn.data["form"]), self.directory)

    def current(self, turn: Turn) -> Slot | None:
        known = {**turn.data.get("known", {}), **turn.data.get("answers", {})}
        all_slots = slots(self.questionnaire(turn), str(turn.data["part"]), known)
        pos = int(turn.data.get("pos", 0))
        return all_slots[pos] if pos < len(all_slots) else None

    def extra_choices(self, turn: Turn) -> list[list[Choice]]:
        return []

    async def on_extra(self, turn: Turn, action: Action) -> Next | None:
        """Answer a subclass's action; None when it is not one."""
        return None

    async def answered(self, turn: Turn, answers: dict[str, Any]) -> None:
        """Called after every answer with all answers so far: store them here so none is lost."""

    async def finished(self, turn: Turn, answers: dict[str, Any]) -> None:
        raise NotImplementedError

    async def show(self, turn: Turn) -> None:
        slot = self.current(turn)
        if slot is None:
            await self.finished(turn, dict(turn.data.get("answers", {})))
            return
        tr = turn.tr
        text = question_text(tr, self.questionnaire(turn), slot)
        if slot.item.kind in TYPED:
            text += "\n" + tr("Please write your answer.")
        elif slot.item.kind == "multi":
            text += "\n" + tr("Tap everything that fits, then tap Done.")
        rows = option_choices(tr, slot.item, list(turn.data.get("selected", [])))
        rows.append([Choice(tr(SKIP_LABEL), "skip")])
        rows.extend(self.extra_choices(turn))
        turn.say(text, rows)

    async def on_choice(self, turn: Turn, action: Action) -> None:
        await follow(turn, await self.answer_choice(turn, action))

    async def on_text(self, turn: Turn, text: str) -> None:
        await follow(turn, await self.answer_text(turn, text))

    async def answer_choice(self, turn: Turn, action: Action) -> Next:
        extra = await self.on_extra(turn, action)
        if extra is not None:
            return extra
        slot = self.current(turn)
        answer = ANSWERS.get(action.name)
        if slot is None or answer is None:
            return STAY
        return await answer(self, turn, slot, action)

    async def answer_text(self, turn: Turn, text: str) -> Next:
        slot = self.current(turn)
        if slot is None or slot.item.kind not in TYPED:
            turn.say(turn.tr("Please tap one of the buttons below."))
            return STAY
        value, problem = typed_value(turn.tr, slot.item, text)
        if problem is not None:
            turn.say(problem)
            return STAY
        return await self.record(turn, slot, value)

    async def record(self, turn: Turn, slot: Slot, value: Any) -> Next:
        """Keep an answer (handing all answers so far to `answered`) and go on to the next question."""
        answers = dict(turn.data.get("answers", {}))
        if slot.about is None:
            answers[slot.item.key] = value
        else:
            per_option = dict(answers.get(slot.item.key, {}))
            per_option[slot.about] = value
            answers[slot.item.key] = per_option
        turn.data["answers"] = answers
        await self.answered(turn, answers)
        return _next_question(turn)


def _next_question(turn: Turn) -> Next:
    return Go(ASK, {"pos": int(turn.data.get("pos", 0)) + 1, "selected": []})


async def _skip(flow: QuestionnaireFlow, turn: Turn, slot: Slot, action: Action) -> Next:
    return _next_question(turn)


async def _option(flow: QuestionnaireFlow, turn: Turn, slot: Slot, action: Action) -> Next:
    valid, value = choice_value(slot.item, action)
    return await flow.record(turn, slot, value) if valid else STAY


async def _toggle(flow: QuestionnaireFlow, turn: Turn, slot: Slot, action: Action) -> Next:
    item, key = slot.item, action.arg()
    if not isinstance(item, MultiItem) or item.label_of(key) is None:
        return STAY
    selected = list(turn.data.get("selected", []))
    if key in selected:
        selected.remove(key)
    else:
        selected.append(key)
    order = [option.key for option in item.options]
    return Go(ASK, {"selected": sorted(selected, key=order.index)})


async def _done(flow: QuestionnaireFlow, turn: Turn, slot: Slot, action: Action) -> Next:
    if not isinstance(slot.item, MultiItem):
        return STAY
    return await flow.record(turn, slot, list(turn.data.get("selected", [])))


Answer = Callable[[QuestionnaireFlow, Turn, Slot, Action], Awaitable[Next]]
# What each button of a question does, by its action's name.
ANSWERS: Mapping[str, Answer] = {"skip": _skip, "opt": _option, "toggle": _toggle, "done": _done}
