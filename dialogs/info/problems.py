"""Problems in the /info content files, in plain words, with the line to fix.

Pydantic reports where a value is wrong as a path (`("entry", 3, "phone", 0)`); staff need
`regions/bochum/de.toml, line 42: entry 4, field "phone" (item 1): only digits, spaces and + / - ( ) are
allowed`. `TomlLines` finds the line of a table or key in the file's text; `explain` says what is wrong and
how to fix it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from dialogs.info.schema import (
    EntryData,
    EntryTranslation,
    GlossaryFile,
    GlossaryTermData,
    RegionFile,
    RegionTranslationFile,
    TopicData,
    TopicsFile,
)

_ARRAY_HEADER = re.compile(r"\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
_TABLE_HEADER = re.compile(r"\s*\[\s*([A-Za-z0-9_-]+)\s*\]")
_KEY_LINE = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=")
_TOML_LINE = re.compile(r"at line (\d+)")
_TOML_POSITION = re.compile(r"\s*\(at line \d+, column \d+\)")

_FIELD_HINTS = {
    "source": "write where the information comes from (a context file name or a web address)",
    "id": "give the entry a short name of small letters, digits and -, the same in every language",
}
_TRANSLATION_FIELDS_HINT = (
    "a translation may only contain id, description, hours and keywords; "
    "name, address, phone, website and source are written in de.toml only"
)


_ALLOWED: dict[type[BaseModel], dict[str, tuple[str, ...]]] = {
    TopicsFile: {"": ("topic",), "topic": tuple(TopicData.model_fields)},
    GlossaryFile: {"": ("term",), "term": tuple(GlossaryTermData.model_fields)},
    RegionFile: {"": ("region", "entry"), "region": ("name",), "entry": tuple(EntryData.model_fields)},
    RegionTranslationFile: {
        "": ("region", "entry"),
        "region": ("name",),
        "entry": tuple(EntryTranslation.model_fields),
    },
}


class TomlLines:
    """Finds the line of a table or key in TOML text, for messages like `entry 4, field "phone"`."""

    def __init__(self, text: str) -> None:
        self.headers: dict[tuple[str | None, int | None], int] = {}
        self.keys: dict[tuple[str | None, int | None, str], int] = {}
        counts: dict[str, int] = {}
        table: tuple[str | None, int | None] = (None, None)
        open_quote: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if open_quote:
                if line.count(open_quote) % 2:
                    open_quote = None
                continue
            if line.lstrip().startswith("#"):
                continue
            if match := _ARRAY_HEADER.match(line):
                name, position = match[1], counts.get(match[1], 0)
                counts[name] = position + 1
                table = (name, position)
                self.headers.setdefault(table, number)
            elif match := _TABLE_HEADER.match(line):
                table = (match[1], None)
                self.headers.setdefault((match[1], None), number)
            elif match := _KEY_LINE.match(line):
                self.keys.setdefault((table[0], table[1], match[1]), number)
                rest = line[match.end() :]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2:
                        open_quote = quote

    def find(self, loc: Sequence[int | str]) -> int:
        if not loc:
            return 1
        table = str(loc[0])
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        rest = loc[2:] if index is not None else loc[1:]
        if rest and isinstance(rest[0], str) and (table, index, rest[0]) in self.keys:
            return self.keys[(table, index, rest[0])]
        for header in ((table, index), (table, 0)):
            if header in self.headers:
                return self.headers[header]
        return self.keys.get((None, None, table), 1)


def _where(loc: Sequence[int | str]) -> str:
    if not loc:
        return ""
    table = str(loc[0])
    if len(loc) > 1 and isinstance(loc[1], int):
        place = f"{table} {loc[1] + 1}"
        rest = loc[2:]
    elif len(loc) > 1:
        place = f"[{table}]"
        rest = loc[1:]
    else:
        return f'"{table}"'
    if rest:
        place += f', field "{rest[0]}"'
        if len(rest) > 1 and isinstance(rest[1], int):
            place += f" (item {rest[1] + 1})"
    return place


def explain(error: ErrorDetails, model: type[BaseModel]) -> str:
    """One validation error of a file read as `model`, in plain words: where, and what to do."""
    allowed = _ALLOWED[model]
    translation = model is RegionTranslationFile
    loc = error["loc"]
    kind = error["type"]
    ctx = error.get("ctx") or {}
    name = str(loc[-1]) if loc else ""
    if kind == "missing":
        if loc == ("region",):
            what = 'this part is required: add a [region] table with name = "..."'
        elif len(loc) == 1:
            what = f"this part is required: add [[{loc[0]}]] blocks"
        else:
            what = "this field is required"
            if name in _FIELD_HINTS:
                what += f": {_FIELD_HINTS[name]}"
    elif kind == "extra_forbidden":
        table = str(loc[0]) if len(loc) > 1 else ""
        if translation and table == "entry":
            what = f"this field is not allowed here: {_TRANSLATION_FIELDS_HINT}"
        else:
            names = allowed.get(table, allowed[""])
            what = f"unknown field (check the spelling); allowed are: {', '.join(names)}"
    elif kind in ("string_type", "string_sub_type"):
        what = 'must be text in quotes, like "..."'
    elif kind == "string_too_short":
        what = "must not be empty"
    elif kind == "string_too_long":
        what = f"is too long: at most {ctx.get('max_length')} characters, please shorten it"
    elif kind == "bool_type":
        what = "must be true or false (without quotes)"
    elif kind in ("list_type", "tuple_type"):
        if len(loc) == 1:
            what = f"write each one as its own [[{loc[0]}]] block"
        else:
            what = 'must be a list like ["first", "second"]'
    elif kind in ("model_type", "dict_type"):
        what = f"must be a table: write [{loc[0]}] on its own line" if len(loc) == 1 else "must be a table"
    else:
        what = error["msg"]
    place = _where(loc)
    return f"{place}: {what}" if place else what


def syntax_problem(error: tomllib.TOMLDecodeError, text: str) -> tuple[int, str]:
    """The line of a TOML syntax error, and what to check there."""
    match = _TOML_LINE.search(str(error))
    line = int(match[1]) if match else max(1, text.count("\n"))
    reason = _TOML_POSITION.sub("", str(error))
    return line, (
        f"TOML syntax error ({reason}); check quotes, brackets, commas and that each value "
        'is written like key = "text"'
    )
