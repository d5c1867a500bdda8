"""Questionnaires as data: the TOML format and its loader (`dialogs/questionnaires/asking.py` asks them).

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

A scale or single item may say which answers call for a caring reply after they are saved (very bad mood,
strong craving, little sleep), with a short coping idea; nothing more is stored because of it:

```toml
care = { at_least = 8, idea = "Urge surfing: ..." }      # scale: at_most = 1, or at_least = 8
care = { options = ["under_4"], idea = "..." }            # single: these option keys
```

Unknown fields are rejected, and the loader names the file and the item when something is wrong. The
items the code reads by key (the check-in's `mood`, say) are declared as `Need`s by the flow that asks
the form, and checked when that flow is made, at start-up.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
OPTION_PLACEHOLDER = "{option}"


class QuestionnaireError(ValueError):
    """A questionnaire file is missing or not valid; the message names the file and the item."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    label: str = Field(min_length=1, max_length=60)


class Care(_Strict):
    """When an answer calls for a caring reply after it is saved (`dialogs/questionnaires/care.py`): a scale
    point `at_most` or lower, `at_least` or higher, or one of the single item's `options`; `idea` is a short
    coping idea for it (an English msgid). It changes nothing that is stored."""

    at_most: int | None = None
    at_least: int | None = None
    options: tuple[Annotated[str, Field(pattern=KEY_PATTERN)], ...] = ()
    idea: str = Field(min_length=1, max_length=300)

    @model_validator(mode="after")
    def _one_rule(self) -> Care:
        rules = [self.at_most is not None, self.at_least is not None, bool(self.options)]
        if sum(rules) != 1:
            raise ValueError("care needs exactly one of at_most, at_least or options")
        return self

    def alarming(self, value: object) -> bool:
        if isinstance(value, bool):
            return False
        if self.options:
            return value in self.options
        if not isinstance(value, int):
            return False
        if self.at_most is not None:
            return value <= self.at_most
        return self.at_least is not None and value >= self.at_least


class _Item(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    question: str = Field(min_length=1, max_length=1000)
    each: str | None = Field(None, pattern=KEY_PATTERN)

    def texts(self) -> Iterator[str]:
        yield self.question


class ScaleItem(_Item):
    kind: Literal["scale"]
    min: int = Field(ge=-100, le=100)
    max: int = Field(ge=-100, le=100)
    labels: tuple[Annotated[str, Field(min_length=1, max_length=60)], ...] = ()
    icons: tuple[Annotated[str, Field(min_length=1, max_length=8)], ...] = ()
    care: Care | None = None

    @model_validator(mode="after")
    def _check(self) -> ScaleItem:
        if self.max <= self.min:
            raise ValueError("max must be greater than min")
        if self.care is not None:
            limit = self.care.at_most if self.care.at_most is not None else self.care.at_least
            if limit is None or not self.min <= limit <= self.max:
                raise ValueError("care of a scale needs at_most or at_least, a point of the scale")
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
        if self.care is not None:
            yield self.care.idea


class _OptionsItem(_Item):
    options: tuple[Option, ...] = Field(min_length=2, max_length=12)

    @model_validator(mode="after")
    def _check_options(self) -> Self:
        keys = [option.key for option in self.options]
        if len(set(keys)) != len(keys):
            raise ValueError("option keys must be unique")
        return self

    def label_of(self, key: str) -> str | None:
        return next((option.label for option in self.options if option.key == key), None)

    def texts(self) -> Iterator[str]:
        yield self.question
        yield from (option.label for option in self.options)


class SingleItem(_OptionsItem):
    kind: Literal["single"]
    care: Care | None = None

    @model_validator(mode="after")
    def _check_care(self) -> SingleItem:
        keys = {option.key for option in self.options}
        if self.care is not None and not (self.care.options and set(self.care.options) <= keys):
            raise ValueError("care of a single item needs options, keys of its own options")
        return self

    def texts(self) -> Iterator[str]:
        yield from super().texts()
        if self.care is not None:
            yield self.care.idea


class MultiItem(_OptionsItem):
    kind: Literal["multi"]


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


@dataclass(frozen=True)
class Need:
    """An item the code reads by its key: `Need("evening", "mood", "scale")`."""

    part: str
    key: str
    kind: str


def require(questionnaire: Questionnaire, source: str, needs: Iterable[Need]) -> None:
    """Refuse a form that lacks an item the code reads, naming the file, the part and the item."""
    for need in needs:
        part = questionnaire.parts.get(need.part)
        item = part.item(need.key) if part is not None else None
        if item is None or item.kind != need.kind:
            raise QuestionnaireError(f"{source}: parts.{need.part} needs a {need.kind} item {need.key!r}")
