"""Questionnaires as data: the TOML format, its loader, and a reusable flow that asks the items.

A programme can change its questions without code. A file in `dialogs/questionnaires/` holds one or
more *parts* (the check-in has `morning` and `evening`); each part is a list of items:

```toml
version = 1

[parts.evening]
intro = "Good evening!"                    # optional, said before the first question

[[parts.evening.items]]
key = "mood"                               # where the answer is kept: answers["mood"]
kind = "scale"                             # scale | single | multi | yesno | number | text
question = "How did your day go?"
min = 1
max = 5
labels = ["Very bad", "Bad", "Okay", "Good", "Very good"]
icons = ["😞", "🙁", "😐", "🙂", "😀"]       # optional symbols, not translated

[[parts.evening.items]]
key = "kept"
kind = "single"
each = "plans"                             # asked once per option chosen in the multi item "plans"
question = "Did this happen: {option}?"
options = [{ key = "yes", label = "Yes" }, { key = "partly", label = "Partly" }, { key = "no", label = "No" }]
```

Item kinds and their answers: `scale` (min/max, optional labels and icons; an int), `single` (options;
the option key), `multi` (options; a list of option keys, toggled with ✓ and closed with "Done"), `yesno`
(a bool), `number` (typed, min/max, `integer = true|false`; an int or float) and `text` (typed, up to
`max_length` characters; a str). Every item can be skipped; a skipped item has no key in the answers.
An item with `each` collects a dict {option key: answer}. Every question, intro and label is an English
msgid: `companion locales update` extracts them into the catalogue.

Unknown fields are rejected, and the loader names the file and the item when something is wrong.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import Flow
from dialogs.core.i18n import N_, Translator
from dialogs.core.sanitize import clean
from dialogs.core.turn import Turn

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
OPTION_PLACEHOLDER = "{option}"

SKIP_LABEL = N_("Skip this question")
DONE_LABEL = N_("Done")
YES_LABEL = N_("Yes")
NO_LABEL = N_("No")


class QuestionnaireError(ValueError):
    """A questionnaire file is missing or not valid; the message names the file and the item."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    label: str = Field(min_length=1, max_length=60)


class _Item(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    question: str = Field(min_length=1, max_length=1000)
    each: str | None = Field(None, pattern=KEY_PATTERN)

    def texts(self) -> Iterator[str]:
        yield self.question


def _unique_options(options: Sequence[Option]) -> None:
    keys = [option.key for option in options]
    if len(set(keys)) != len(keys):
        raise ValueError("option keys must be unique")


class ScaleItem(_Item):
    kind: Literal["scale"]
    min: int = Field(ge=-100, le=100)
    max: int = Field(ge=-100, le=100)
    labels: tuple[Annotated[str, Field(min_length=1, max_length=60)], ...] = ()
    icons: tuple[Annotated[str, Field(min_length=1, max_length=8)], ...] = ()

    @model_validator(mode="after")
    def _check(self) -> ScaleItem:
        if self.max <= self.min:
            raise ValueError("max must be greater than min")
        points = self.max - self.min + 1
        if points > 11:
            raise ValueError("a scale has at most 11 points")
        for name, values in (("labels", self.labels), ("icons", self.icons)):
            if values and len(values) != points:
                raise ValueError(f"{name} needs one entry per point ({points}), found {len(values)}")
        return self

    @property
    def values(self) -> range:
        return range(self.min, self.max + 1)

    def icon(self, value: int) -> str:
        return self.icons[value - self.min] if self.icons else str(value)

    def texts(self) -> Iterator[str]:
        yield self.question
        yield from self.labels


class SingleItem(_Item):
    kind: Literal["single"]
    options: tuple[Option, ...] = Field(min_length=2, max_length=12)

    @model_validator(mode="after")
    def _check(self) -> SingleItem:
        _unique_options(self.options)
        return self

    def texts(self) -> Iterator[str]:
        yield self.question
        yield from (option.label for option in self.options)


class MultiItem(_Item):
    kind: Literal["multi"]
    options: tuple[Option, ...] = Field(min_length=2, max_length=12)

    @model_validator(mode="after")
    def _check(self) -> MultiItem:
        _unique_options(self.options)
        return self

    def label_of(self, key: str) -> str | None:
        return next((option.label for option in self.options if option.key == key), None)

    def texts(self) -> Iterator[str]:
        yield self.question
        yield from (option.label for option in self.options)


class YesNoItem(_Item):
    kind: Literal["yesno"]


class NumberItem(_Item):
    kind: Literal["number"]
    min: float
    max: float
    integer: bool = True

    @model_validator(mode="after")
    def _check(self) -> NumberItem:
        if self.max <= self.min:
            raise ValueError("max must be greater than min")
        return self


class TextItem(_Item):
    kind: Literal["text"]
    max_length: int = Field(500, ge=1, le=2000)


Item = Annotated[
    ScaleItem | SingleItem | MultiItem | YesNoItem | NumberItem | TextItem, Field(discriminator="kind")
]


class Part(_Strict):
    intro: str | None = Field(None, min_length=1, max_length=1000)
    items: tuple[Item, ...] = Field(min_length=1, max_length=50)

    def item(self, key: str) -> Item | None:
        return next((item for item in self.items if item.key == key), None)

    def texts(self) -> Iterator[str]:
        if self.intro:
            yield self.intro
        for item in self.items:
            yield from item.texts()


class Questionnaire(_Strict):
    version: int = Field(1, ge=1)
    parts: dict[Annotated[str, Field(pattern=KEY_PATTERN)], Part] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Questionnaire:
        for part_name, part in self.parts.items():
            seen: set[str] = set()
            for item in part.items:
                where = f"parts.{part_name}, item {item.key!r}"
                if item.key in seen:
                    raise ValueError(f"{where}: the key is used twice in this part")
                seen.add(item.key)
                if item.each is None:
                    continue
                source = self.multi_item(item.each)
                if source is None:
                    raise ValueError(f"{where}: 'each' must name a multi item, found {item.each!r}")
                if part.item(item.each) is not None and item.each not in seen:
                    raise ValueError(f"{where}: 'each' must name an item asked before this one")
                if OPTION_PLACEHOLDER not in item.question:
                    raise ValueError(f"{where}: a question with 'each' must contain {OPTION_PLACEHOLDER}")
                if item.kind in ("number", "text"):
                    raise ValueError(f"{where}: 'each' works with scale, single, multi and yes/no items")
        return self

    def multi_item(self, key: str) -> MultiItem | None:
        for part in self.parts.values():
            item = part.item(key)
            if isinstance(item, MultiItem):
                return item
        return None

    def part(self, name: str) -> Part:
        return self.parts[name]

    def texts(self) -> Iterator[str]:
        for part in self.parts.values():
            yield from part.texts()


def parse(data: dict[str, Any], source: str) -> Questionnaire:
    """Validate parsed TOML; errors name the file, the part and the item key."""
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        problems = [f"{_where(data, error['loc'])}: {error['msg']}" for error in exc.errors()]
        raise QuestionnaireError(f"{source}: " + "; ".join(problems)) from exc


def _where(data: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """`parts.evening, item 'mood', field max` from a pydantic error location."""
    parts: list[str] = []
    if len(loc) >= 4 and loc[0] == "parts" and loc[2] == "items" and isinstance(loc[3], int):
        raw_items = data.get("parts", {}).get(loc[1], {}).get("items", [])
        raw = raw_items[loc[3]] if loc[3] < len(raw_items) else {}
        key = raw.get("key") if isinstance(raw, dict) else None
        parts.append(f"parts.{loc[1]}")
        parts.append(f"item {key!r}" if key else f"item #{loc[3] + 1}")
        rest = [str(x) for x in loc[4:] if x not in ("scale", "single", "multi", "yesno", "number", "text")]
        if rest:
            parts.append("field " + ".".join(rest))
        return ", ".join(parts)
    return ".".join(str(x) for x in loc) or "file"


def load(path: Path) -> Questionnaire:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise QuestionnaireError(f"{path}: no such questionnaire file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(f"{path}: not valid TOML: {exc}") from exc
    return parse(data, str(path))


@cache
def named(name: str, directory: Path = QUESTIONNAIRE_DIR) -> Questionnaire:
    """The questionnaire `dialogs/questionnaires/<name>.toml`, loaded once."""
    return load(directory / f"{name}.toml")


def files(directory: Path = QUESTIONNAIRE_DIR) -> list[Path]:
    return sorted(directory.glob("*.toml"))


# --- asking -------------------------------------------------------------------------------------------


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


def choice_value(item: Item, action: str) -> tuple[bool, Any]:
    """(valid, answer) for an `opt:` action of a button item."""
    value = action.removeprefix("opt:")
    if not action.startswith("opt:"):
        return False, None
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
    expand over, such as the morning's plans). Subclasses set `name`, implement `finished`, and may add
    buttons below every question with `extra_choices` and handle their actions in `on_extra`.
    """

    directory: Path = QUESTIONNAIRE_DIR

    async def start(
        self,
        turn: Turn,
        form: str,
        part: str,
        *,
        known: dict[str, Any] | None = None,
        answers: dict[str, Any] | None = None,
        intro: bool = True,
        **data: Any,
    ) -> None:
        """Begin a part and ask its first question (after the part's intro, if any); `answers` carries
        what earlier parts collected."""
        self.begin(turn, form, part, known=known, answers=answers, **data)
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
        """Enter the flow at the first question without showing it (a tap elsewhere answers it next)."""
        named(form, self.directory).part(part)  # a wrong name fails here, not halfway through
        turn.reset(
            self.name,
            "ask",
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

    def _slots(self, turn: Turn) -> list[Slot]:
        known = {**turn.data.get("known", {}), **turn.data.get("answers", {})}
        return slots(self.questionnaire(turn), str(turn.data["part"]), known)

    def current(self, turn: Turn) -> Slot | None:
        all_slots = self._slots(turn)
        pos = int(turn.data.get("pos", 0))
        return all_slots[pos] if pos < len(all_slots) else None

    def extra_choices(self, turn: Turn) -> list[list[Choice]]:
        return []

    async def on_extra(self, turn: Turn, action: str) -> bool:
        """Handle a subclass action; True when handled."""
        return False

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
        if slot.item.kind in ("number", "text"):
            text += "\n" + tr("Please write your answer.")
        elif slot.item.kind == "multi":
            text += "\n" + tr("Tap everything that fits, then tap Done.")
        rows = option_choices(tr, slot.item, list(turn.data.get("selected", [])))
        rows.append([Choice(tr(SKIP_LABEL), "skip")])
        rows.extend(self.extra_choices(turn))
        turn.say(text, rows)

    async def on_choice(self, turn: Turn, choice: Action) -> None:
        action = str(choice)
        if await self.on_extra(turn, action):
            return
        slot = self.current(turn)
        if slot is None:
            await self.show(turn)
            return
        item = slot.item
        if action == "skip":
            await self._next(turn)
            return
        if isinstance(item, MultiItem):
            selected = list(turn.data.get("selected", []))
            key = action.removeprefix("toggle:")
            if action.startswith("toggle:") and item.label_of(key) is not None:
                if key in selected:
                    selected.remove(key)
                else:
                    selected.append(key)
                order = [option.key for option in item.options]
                turn.goto(self.name, "ask", selected=sorted(selected, key=order.index))
                await self.show(turn)
                return
            if action == "done":
                await self._record(turn, slot, list(turn.data.get("selected", [])))
                return
            await self.show(turn)
            return
        valid, value = choice_value(item, action)
        if not valid:
            await self.show(turn)
            return
        await self._record(turn, slot, value)

    async def on_text(self, turn: Turn, text: str) -> None:
        slot = self.current(turn)
        if slot is None or slot.item.kind not in ("number", "text"):
            turn.say(turn.tr("Please tap one of the buttons below."))
            await self.show(turn)
            return
        value, problem = typed_value(turn.tr, slot.item, text)
        if problem is not None:
            turn.say(problem)
            await self.show(turn)
            return
        await self._record(turn, slot, value)

    async def _record(self, turn: Turn, slot: Slot, value: Any) -> None:
        answers = dict(turn.data.get("answers", {}))
        if slot.about is None:
            answers[slot.item.key] = value
        else:
            per_option = dict(answers.get(slot.item.key, {}))
            per_option[slot.about] = value
            answers[slot.item.key] = per_option
        turn.data["answers"] = answers
        await self.answered(turn, answers)
        await self._next(turn)

    async def _next(self, turn: Turn) -> None:
        turn.goto(self.name, "ask", pos=int(turn.data.get("pos", 0)) + 1, selected=[])
        await self.show(turn)
