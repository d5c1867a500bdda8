"""The crisis word lists, one file per language in `locales/crisis/<language>.toml`: read and checked.

The format is explained in `locales/crisis/README.md`. A list that cannot be read or checked stops the
program with every problem, its file and line: crisis words are never silently lost. A language without a
list is simply not looked for (its speakers still get the card from /sos, the help button, or the words of
any other list); the tests require a list for every shipped language.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from dialogs.core.i18n import LOCALES_DIR

CRISIS_WORDS_DIR = LOCALES_DIR / "crisis"
GAP = ".."  # up to three other words
CLAUSE = "|"  # the end of a clause
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_IGNORED = frozenset({"README.md"})


class CrisisWordsError(Exception):
    """The crisis word lists have problems; `problems` names each with its file and line."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        header = f"The crisis word lists have {count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([header, *(f"  {problem}" for problem in self.problems)]))


def _check_pattern(value: str) -> str:
    parts = value.split()
    if GAP in (parts[:1] + parts[-1:]) or any(a == b == GAP for a, b in pairwise(parts)):
        raise PydanticCustomError("gap", '".." stands between two words, once')
    words = [part for part in parts if part not in (GAP, CLAUSE)]
    if not words:
        raise PydanticCustomError("no_word", "a pattern needs at least one word")
    for word in words:
        if "*" in word.strip("*") or not any(c.isalnum() or _is_symbol(c) for c in word):
            raise PydanticCustomError(
                "word", '"{word}" is not a word: letters, with * only at its start or end', {"word": word}
            )
    return value


# Emoji and other pictographs (😭, 💔): people say a lot with one; each is a word of its own.
SYMBOLS = "\u2600-\u27bf\U0001f000-\U0001faff"
_SYMBOL = re.compile(f"[{SYMBOLS}]")


def _is_symbol(c: str) -> bool:
    return _SYMBOL.fullmatch(c) is not None


Letter = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=1)]
PatternText = Annotated[str, StringConstraints(strict=True, min_length=1), AfterValidator(_check_pattern)]


class WordListFile(BaseModel):
    """What one `<language>.toml` holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rank: StrictInt = Field(ge=1)
    also_spelt: dict[Letter, StrictStr] = Field(default_factory=dict)
    acute: tuple[PatternText, ...] = Field(min_length=1)
    distress: tuple[PatternText, ...] = ()
    harmless: tuple[PatternText, ...] = ()


TIERS = ("acute", "distress", "harmless")


@dataclass(frozen=True)
class WordList:
    """One language's patterns as written, in the order of its file, by tier: `acute` (the card at once),
    `distress` (a warm answer that offers it) and `harmless` (idioms and negations: the words they cover
    count for neither)."""

    lang: str
    path: str  # for messages: `crisis/de.toml`
    rank: int  # when several languages match, the smallest rank names the card's language
    acute: tuple[str, ...]
    distress: tuple[str, ...]
    harmless: tuple[str, ...]
    also_spelt: Mapping[int, str]  # a `str.translate` table

    def tier(self, name: str) -> tuple[str, ...]:
        return {"acute": self.acute, "distress": self.distress, "harmless": self.harmless}[name]

    def spellings(self, source: str) -> list[str]:
        """The pattern as written and, if its letters have other spellings, with those too."""
        return sorted({source, source.translate(self.also_spelt)})


def read_word_lists(root: Path = CRISIS_WORDS_DIR) -> tuple[WordList, ...]:
    """Every list under `root`, by rank; raises `CrisisWordsError` naming every problem."""
    if not root.is_dir():
        raise CrisisWordsError([f"{root}: the folder of crisis word lists is missing"])
    problems: list[str] = []
    lists: list[WordList] = []
    for path in sorted(root.iterdir()):
        rel = f"{root.name}/{path.name}"
        if path.name.startswith(".") or path.name.endswith("~") or path.name in _IGNORED:
            continue
        if not (path.is_file() and path.suffix == ".toml" and _LANGUAGE.fullmatch(path.stem)):
            problems.append(f"{rel}: only <language>.toml files (like de.toml) and README.md belong here")
            continue
        found = _read(path, rel, problems)
        if found is not None:
            lists.append(found)
    if not lists and not problems:
        problems.append(f"{root}: there are no crisis word lists")
    ranks: dict[int, str] = {}
    for word_list in lists:
        if word_list.rank in ranks:
            problems.append(f"{word_list.path}: rank {word_list.rank} is also {ranks[word_list.rank]}'s")
        ranks.setdefault(word_list.rank, word_list.path)
    if problems:
        raise CrisisWordsError(problems)
    return tuple(sorted(lists, key=lambda word_list: word_list.rank))


def _read(path: Path, rel: str, problems: list[str]) -> WordList | None:
    try:
        text = path.read_bytes().decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        problems.append(f"{rel}: the file is not saved as UTF-8 text")
        return None
    except tomllib.TOMLDecodeError as error:
        problems.append(f"{rel}: TOML syntax error ({error}); check quotes, brackets and commas")
        return None
    try:
        parsed = WordListFile.model_validate(data)
    except ValidationError as error:
        problems += [_explain(rel, text, data, detail) for detail in error.errors(include_url=False)]
        return None
    seen: set[str] = set()
    for source in (*parsed.acute, *parsed.distress, *parsed.harmless):
        if source in seen:
            problems.append(f"{rel}, line {_pattern_line(text, source)}: pattern {source!r} appears twice")
        seen.add(source)
    also_spelt = {ord(letter): spelt for letter, spelt in parsed.also_spelt.items()}
    return WordList(
        path.stem, rel, parsed.rank, parsed.acute, parsed.distress, parsed.harmless, also_spelt
    )


def _explain(rel: str, text: str, data: Mapping[str, object], error: ErrorDetails) -> str:
    loc = error["loc"]
    field = str(loc[0]) if loc else ""
    what = {
        "missing": "this field is required",
        "extra_forbidden": "unknown field (check the spelling); allowed are: "
        "rank, also_spelt, acute, distress, harmless",
        "too_short": "write at least one acute pattern",
        "int_type": "must be a whole number (without quotes)",
        "greater_than_equal": "must be 1 or more",
    }.get(error["type"], error["msg"])
    if field == "also_spelt" and error["type"] != "extra_forbidden":
        what = 'must map single letters to their other spelling, like { "ä" = "ae" }'
    line = _line(text, f"{field} =") if field else 1
    place = f'"{field}"'
    if field in TIERS and len(loc) > 1 and isinstance(loc[1], int):
        patterns = data.get(field)
        source = patterns[loc[1]] if isinstance(patterns, list) and loc[1] < len(patterns) else None
        place = f"pattern {loc[1] + 1}"
        if isinstance(source, str):
            line = _pattern_line(text, source)
            place += f" {source!r}"
    return f"{rel}, line {line}: {place}: {what}"


def _pattern_line(text: str, source: str) -> int:
    return _line(text, f'"{source}"') if f'"{source}"' in text else _line(text, source)


def _line(text: str, needle: str) -> int:
    return next((n for n, line in enumerate(text.splitlines(), start=1) if needle in line), 1)
