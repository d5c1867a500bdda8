"""What the /info content files may hold, and the items the bot gets from them.

The pydantic models refuse unknown fields and explain bad values (a phone number with letters, a topic key
that does not exist); `dialogs.info.problems` turns their errors into plain words with file and line.
German is the reference: a region's contact details exist only in its German file (`EntryData`); other
languages translate the words (`EntryTranslation`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

SHIPPED_LANGUAGES: tuple[str, ...] = ("de", "en", "ar", "fa", "tr", "uk", "ru", "pl", "ro", "bg")
FALLBACK_LANGUAGE = "de"
TOPIC_KEYS: tuple[str, ...] = (
    "addiction",
    "mental_health",
    "health",
    "debts",
    "housing",
    "jobcenter_letters",
    "rights",
    "migration",
    "language_courses",
    "daily_routine",
)
# Topics every programme region must cover with its own entries: where people turn to in a crisis.
CRISIS_TOPIC_KEYS: tuple[str, ...] = ("mental_health", "addiction")
NATIONAL = "national"
KNOWN_REGIONS: tuple[str, ...] = (NATIONAL, "leverkusen", "bochum", "uckermark", "berlin-lichtenberg")

TITLE_MAX = 80
BODY_MAX = 700
EXPLANATION_MAX = 600
DESCRIPTION_MAX = 600
KEYWORD_MAX = 60


# --- validation building blocks ---------------------------------------------------------------------


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, strict=True, min_length=1, max_length=max_length)


_PHONE_RE = re.compile(r"[0-9+/()\- ]+")
_SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")


def _reflow(value: object) -> object:
    """Join the wrapped lines of a text block: a blank line starts a paragraph, "- " a list item."""
    if not isinstance(value, str) or "\n" not in value:
        return value
    lines: list[str] = []
    for raw in value.splitlines():
        line = raw.strip()
        if not line:
            if lines and lines[-1]:
                lines.append("")
        elif lines and lines[-1] and not line.startswith(("- ", "• ")):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return "\n".join(lines).strip()


def _check_phone(value: str) -> str:
    if not _PHONE_RE.fullmatch(value) or not any("0" <= c <= "9" for c in value):
        raise PydanticCustomError("phone", "only digits, spaces and + / - ( ) are allowed")
    return value


def _check_website(value: str) -> str:
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise PydanticCustomError("website", "must be a full web address starting with https:// or http://")
    return value


def _one_of(kind: str, what: str, allowed: tuple[str, ...]) -> Callable[[str], str]:
    """A check that a value is one of `allowed`, naming them when it is not."""

    def check(value: str) -> str:
        if value not in allowed:
            raise PydanticCustomError(
                kind,
                f'unknown {what} "{{value}}"; use one of: {{allowed}}',
                {"value": value, "allowed": ", ".join(allowed)},
            )
        return value

    return check


_check_topic_key = _one_of("topic_key", "topic", TOPIC_KEYS)
_check_language = _one_of("language", "language", SHIPPED_LANGUAGES)


def _check_slug(value: str) -> str:
    if not _SLUG_RE.fullmatch(value):
        raise PydanticCustomError("slug", "use only small letters a-z, digits and - (like telefonseelsorge)")
    return value


Title = Annotated[str, _text(TITLE_MAX)]
Body = Annotated[str, BeforeValidator(_reflow), _text(BODY_MAX)]
Explanation = Annotated[str, BeforeValidator(_reflow), _text(EXPLANATION_MAX)]
Description = Annotated[str, BeforeValidator(_reflow), _text(DESCRIPTION_MAX)]
Keyword = Annotated[str, _text(KEYWORD_MAX)]
ShortText = Annotated[str, _text(200)]
Source = Annotated[str, _text(1000)]
TopicKey = Annotated[str, _text(40), AfterValidator(_check_topic_key)]
Slug = Annotated[str, _text(60), AfterValidator(_check_slug)]
Phone = Annotated[str, _text(40), AfterValidator(_check_phone)]
Website = Annotated[str, _text(300), AfterValidator(_check_website)]
Language = Annotated[str, _text(5), AfterValidator(_check_language)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- what the files hold ----------------------------------------------------------------------------


class TopicData(_Model):
    """One `[[topic]]` block of `topics/<lang>.toml`."""

    key: TopicKey
    title: Title
    body: Body
    keywords: tuple[Keyword, ...] = ()


class GlossaryTermData(_Model):
    """One `[[term]]` block of `glossary/<lang>.toml`; `term` is always the German word."""

    term: Title
    translation: Title | None = None
    explanation: Explanation
    keywords: tuple[Keyword, ...] = ()


class RegionInfo(_Model):
    name: Title


class EntryData(_Model):
    """One `[[entry]]` block of a German region file: the complete, sourced record."""

    id: Slug
    topic: TopicKey
    name: ShortText
    description: Description
    address: ShortText | None = None
    phone: tuple[Phone, ...] = ()
    hours: ShortText | None = None
    website: Website | None = None
    source: Source
    crisis: StrictBool = False
    # Languages besides German the service answers in, as its source says (the crisis card names it for them).
    languages: tuple[Language, ...] = ()
    keywords: tuple[Keyword, ...] = ()

    @field_validator("phone", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return value if isinstance(value, list | tuple) else [value]


class EntryTranslation(_Model):
    """One `[[entry]]` block of a non-German region file: only the words that change with the language."""

    id: Slug
    description: Description
    hours: ShortText | None = None
    keywords: tuple[Keyword, ...] = ()


class TopicsFile(_Model):
    topic: tuple[TopicData, ...]


class GlossaryFile(_Model):
    term: tuple[GlossaryTermData, ...]


class RegionFile(_Model):
    region: RegionInfo
    entry: tuple[EntryData, ...] = ()


class RegionTranslationFile(_Model):
    region: RegionInfo | None = None
    entry: tuple[EntryTranslation, ...] = ()


# --- what the bot gets ------------------------------------------------------------------------------


class Topic(TopicData):
    lang: str


class GlossaryTerm(GlossaryTermData):
    lang: str

    @property
    def label(self) -> str:
        """The German word, with its translation when there is one: `Widerspruch (objection)`."""
        return f"{self.term} ({self.translation})" if self.translation else self.term


class Entry(EntryData):
    region: str
    lang: str

    @property
    def key(self) -> str:
        return f"{self.region}/{self.id}"
