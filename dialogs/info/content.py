"""Information content for `/info`: topics, a glossary of job-centre words and regional help entries.

The content lives in TOML files under `locales/info/` (see its README.md) so programme staff can edit it
without touching code:

    topics/<lang>.toml                 [[topic]]  key, title, body, keywords
    glossary/<lang>.toml               [[term]]   term, translation, explanation, keywords
    regions/<region>/de.toml           [region] name + [[entry]] with all contact details and a source
    regions/<region>/<lang>.toml       optional [region] name + [[entry]] id, description, hours, keywords

German is the complete reference: every topic, term and entry exists in German first. Another language
may leave things out; the German text is then used and the result says so (`Localized.fallback`), so the
bot can show a marker. Contact details (name, address, phone, website, source) exist only in the German
region file, so a phone number cannot drift apart between languages.

`load_info_content` validates everything and, on any problem, raises `ContentError` listing every
problem with the file and line to fix, in plain words.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Generic, Literal, Protocol, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    StringConstraints,
    ValidationError,
    field_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

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

T = TypeVar("T")


class _InLanguage(Protocol):
    @property
    def lang(self) -> str: ...


L = TypeVar("L", bound=_InLanguage)


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


def _check_topic_key(value: str) -> str:
    if value not in TOPIC_KEYS:
        raise PydanticCustomError(
            "topic_key",
            'unknown topic "{value}"; use one of: {allowed}',
            {"value": value, "allowed": ", ".join(TOPIC_KEYS)},
        )
    return value


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


@dataclass(frozen=True, slots=True)
class Localized(Generic[T]):
    """A value with the language it is in: `lang` is the requested language when (any of) the value is in
    it, else German; `fallback` is true when (some of) it is German instead of the requested language."""

    value: T
    lang: str
    fallback: bool


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: Literal["topic", "glossary", "entry"]
    key: str  # topic key, German glossary term, or "<region>/<entry id>"
    title: str
    score: float
    topic: str | None  # the topic to open for a topic or an entry
    lang: str


@dataclass(frozen=True, slots=True)
class ContentIssue:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}, line {self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content files have problems; `issues` lists every one with file, line and what to fix."""

    def __init__(self, issues: Sequence[ContentIssue]) -> None:
        self.issues = tuple(issues)
        count = len(self.issues)
        header = f"The /info content has {count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([header, *(f"  {issue}" for issue in self.issues)]))


def default_content_root() -> Path:
    return Path(__file__).resolve().parents[2] / "locales" / "info"


@cache
def cached_content(root: Path) -> InfoContent:
    """The content under `root`, loaded and validated once per process (/info and the crisis card)."""
    return load_info_content(root)


# --- the content ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InfoContent:
    """Everything under `locales/info`, validated and merged with the German fallback."""

    _languages: tuple[str, ...]
    _regions: tuple[str, ...]
    _topics: Mapping[str, tuple[Topic, ...]]
    _glossary: Mapping[str, tuple[GlossaryTerm, ...]]
    _entries: Mapping[str, Mapping[str, tuple[Entry, ...]]]
    _region_names: Mapping[str, Mapping[str, str]]
    # Built on the first search in a language; a cache, so loading stays cheap.
    _indexes: dict[str, _SearchIndex] = field(default_factory=dict, repr=False, compare=False)

    def languages(self) -> tuple[str, ...]:
        """Languages with at least one content file, in `SHIPPED_LANGUAGES` order."""
        return self._languages

    def regions(self) -> tuple[str, ...]:
        """Programme regions with content (without "national")."""
        return self._regions

    def region_name(self, region: str, lang: str) -> str:
        names = self._region_names[region]
        return names.get(_base_lang(lang), names[FALLBACK_LANGUAGE])

    def topics(self, lang: str) -> Localized[list[Topic]]:
        return self._localized(self._pick(self._topics, lang), lang)

    def topic(self, key: str, lang: str) -> Localized[Topic] | None:
        for item in self._pick(self._topics, lang):
            if item.key == key:
                return Localized(item, item.lang, item.lang != _base_lang(lang))
        return None

    def glossary(self, lang: str) -> Localized[list[GlossaryTerm]]:
        return self._localized(self._pick(self._glossary, lang), lang)

    def entries(self, topic_key: str, lang: str, region: str | None) -> Localized[list[Entry]]:
        """The region's entries for the topic, then the national ones (region None or "national": only
        those). An unknown topic or region raises KeyError."""
        if topic_key not in TOPIC_KEYS:
            raise KeyError(f"unknown topic {topic_key!r}")
        if region == NATIONAL:
            region = None
        if region is not None and region not in self._entries:
            raise KeyError(f"unknown region {region!r}")
        items = [e for e in self._entries_in(region, lang) if e.topic == topic_key]
        return self._localized(items, lang)

    def crisis_entries(self, lang: str, region: str | None) -> Localized[list[Entry]]:
        """Entries for the crisis card, the region's first. Never raises: an unknown region gets national."""
        if region == NATIONAL or region not in self._entries:
            region = None
        return self._localized([e for e in self._entries_in(region, lang) if e.crisis], lang)

    def search(self, query: str, lang: str, region: str | None, limit: int = 5) -> list[SearchHit]:
        """Topics, glossary terms and entries whose titles, terms or keywords match the query words.

        Searches the participant's language and German, forgiving case, accents, Arabic vowel marks and
        letter variants, word beginnings ("Schuldn"), other endings of a stem ("долгов" for "долги") and
        one typo in words of five or more letters. Scores only rank the hits of one query.
        """
        words = _query_tokens(query)
        if not words or limit <= 0:
            return []
        lang = _base_lang(lang)
        regions = {NATIONAL} | ({region} if region else set())
        best: dict[tuple[str, str], tuple[float, _Doc]] = {}
        for index_lang in dict.fromkeys((lang, FALLBACK_LANGUAGE)):
            index = self._index(index_lang)
            if index is None:
                continue
            for doc, score in index.score(words):
                if doc.region is not None and doc.region not in regions:
                    continue
                ident = (doc.kind, doc.key)
                if ident not in best or score > best[ident][0]:
                    best[ident] = (score, doc)
        hits = []
        own = self._index(lang)
        for (kind, key), (score, doc) in best.items():
            shown = own.docs_by_key.get((kind, key), doc) if own else doc
            hits.append(SearchHit(doc.kind, key, shown.title, round(score, 3), doc.topic, shown.lang))
        hits.sort(key=lambda h: (-h.score, _KIND_ORDER[h.kind], h.title.casefold()))
        return hits[:limit]

    # internals

    def _index(self, lang: str) -> _SearchIndex | None:
        if lang not in self._languages:
            return None
        index = self._indexes.get(lang)
        if index is None:
            index = self._indexes[lang] = _build_index(
                lang,
                (t for t in self._topics.get(lang, ()) if t.lang == lang),
                (g for g in self._glossary.get(lang, ()) if g.lang == lang),
                (e for per_lang in self._entries.values() for e in per_lang.get(lang, ()) if e.lang == lang),
            )
        return index

    def _pick(self, per_lang: Mapping[str, tuple[T, ...]], lang: str) -> tuple[T, ...]:
        return per_lang.get(_base_lang(lang)) or per_lang[FALLBACK_LANGUAGE]

    def _entries_in(self, region: str | None, lang: str) -> list[Entry]:
        found: list[Entry] = []
        for name in (region, NATIONAL) if region else (NATIONAL,):
            found.extend(self._pick(self._entries[name], lang))
        return found

    def _localized(self, items: Sequence[L], lang: str) -> Localized[list[L]]:
        lang = _base_lang(lang)
        if lang == FALLBACK_LANGUAGE:
            return Localized(list(items), FALLBACK_LANGUAGE, False)
        used = {item.lang for item in items}
        if items:
            fallback = used != {lang}
            return Localized(list(items), lang if lang in used else FALLBACK_LANGUAGE, fallback)
        has_lang = lang in self._languages
        return Localized([], lang if has_lang else FALLBACK_LANGUAGE, not has_lang)


_KIND_ORDER = {"topic": 0, "glossary": 1, "entry": 2}


def _base_lang(lang: str) -> str:
    """`en-US` and `EN` mean `en`."""
    return lang.replace("_", "-").split("-", 1)[0].lower()


# --- search -----------------------------------------------------------------------------------------

# Function words that would otherwise match keyword beginnings ("die" -> "dienst").
_STOPWORD_TEXT = """
    der die das den dem des ein eine einen einem und oder ich du er sie es wir ihr mein meine mir mich
    mit fur von zu zum zur im in am an auf ist bin sind habe hast hat haben nicht kein keine was wie wo
    wer wann warum bei aus nach so auch noch nur sehr
    the an and or you my me is am are to of for in on at with what how where who when have has not no
    do does can
    ve bir ne icin bu
    и в во не я у на что как где мне меня это
    як що де мені це
    jak nie co gdzie mi
    si nu ce cum unde
    и в не аз ме как къде
    في من على انا عن ما هل
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_FOLD = {
    "ı": "i",
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ħ": "h",
    "ـ": None,  # tatweel
    "ٱ": "ا",
    "ة": "ه",
    "ۀ": "ه",
    "ى": "ي",
    "ی": "ي",
    "ئ": "ي",
    "ک": "ك",
    "ؤ": "و",
}


class _FoldTable(dict[int, str | None]):
    """A `str.translate` table that drops marks and format characters and unifies letter variants.

    Filled on first sight of each character, so normalising runs at C speed afterwards.
    """

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        value = None if unicodedata.category(char) in ("Mn", "Cf") else _FOLD.get(char, char)
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()
_WORD_RE = re.compile(r"\w+")
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")


def _normalize(text: str) -> str:
    """Casefold, strip accents and marks, unify Arabic and Persian letter variants.

    NFKD splits "ä" into "a" plus a mark and "أ", "إ", "آ" into "ا" plus a mark; the marks (and Arabic
    vowel signs) are dropped, then ة, ى, ی, ک and friends are mapped to one form each.
    """
    return unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD_TABLE)


def _tokens(text: str) -> list[str]:
    words = []
    for word in _WORD_RE.findall(_normalize(text)):
        if "\u0600" <= word[0] <= "\u06ff":
            for prefix in _ARABIC_PREFIXES:
                if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                    word = word[len(prefix) :]
                    break
        if len(word) >= 2 or word.isdigit():
            words.append(word)
    return words


def _query_tokens(query: str) -> list[str]:
    words = [w for w in _tokens(query[:300]) if w not in _STOPWORDS]
    return list(dict.fromkeys(words))[:12]


def _within_one_edit(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns a into b."""
    if a == b:
        return True
    if len(a) > len(b):
        a, b = b, a
    la, lb = len(a), len(b)
    if lb - la > 1:
        return False
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la < lb:
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]


def _match(query: str, token: str) -> float:
    """How well one query word matches one indexed word, from 0 (not at all) to 1 (the same)."""
    if query == token:
        return 1.0
    lq, lt = len(query), len(token)
    if lq >= 3 and token.startswith(query):
        return 0.6 + 0.3 * lq / lt
    if lt >= 4 and query.startswith(token):  # a keyword at the start of a longer (compound) word
        return 0.55 + 0.25 * lt / lq
    if lq >= 5 and abs(lq - lt) <= 1 and _within_one_edit(query, token):
        return 0.75
    if min(lq, lt) >= 4 and _common_prefix(query, token) >= max(4, lq - 3, lt - 3):
        return 0.65  # the same stem with another ending: "долгов" and "долги", "długów" and "długi"
    if lq >= 5 and lt > lq and any(_within_one_edit(query, token[:n]) for n in (lq - 1, lq, lq + 1)):
        return 0.5
    return 0.0


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@dataclass(frozen=True, slots=True)
class _Doc:
    kind: Literal["topic", "glossary", "entry"]
    key: str
    title: str
    lang: str
    topic: str | None
    region: str | None


class _SearchIndex:
    """Words of one language mapped to the documents (and field weights) they occur in."""

    def __init__(self, docs: Sequence[tuple[_Doc, Sequence[tuple[str, float]]]]) -> None:
        self.docs = tuple(doc for doc, _ in docs)
        self.docs_by_key: dict[tuple[str, str], _Doc] = {(doc.kind, doc.key): doc for doc in self.docs}
        postings: dict[str, dict[int, float]] = {}
        for number, (_, fields) in enumerate(docs):
            for text, weight in fields:
                for word in _tokens(text):
                    slot = postings.setdefault(word, {})
                    slot[number] = max(slot.get(number, 0.0), weight)
        self.postings = postings

    def score(self, words: Sequence[str]) -> list[tuple[_Doc, float]]:
        totals: dict[int, float] = {}
        for word in words:
            best: dict[int, float] = {}
            for token, docs in self.postings.items():
                quality = _match(word, token)
                if quality:
                    for number, weight in docs.items():
                        best[number] = max(best.get(number, 0.0), quality * weight)
            for number, value in best.items():
                totals[number] = totals.get(number, 0.0) + value
        return [(self.docs[number], total) for number, total in totals.items()]


_TITLE, _NAME, _KEYWORD, _TRANSLATION = 3.0, 2.0, 2.0, 2.5


def _build_index(
    lang: str, topics: Iterable[Topic], terms: Iterable[GlossaryTerm], entries: Iterable[Entry]
) -> _SearchIndex:
    docs: list[tuple[_Doc, list[tuple[str, float]]]] = []
    for topic in topics:
        fields = [(topic.title, _TITLE), *((k, _KEYWORD) for k in topic.keywords)]
        docs.append((_Doc("topic", topic.key, topic.title, lang, topic.key, None), fields))
    for term in terms:
        fields = [(term.term, _TITLE), *((k, _KEYWORD) for k in term.keywords)]
        if term.translation:
            fields.append((term.translation, _TRANSLATION))
        docs.append((_Doc("glossary", term.term, term.label, lang, None, None), fields))
    for entry in entries:
        fields = [(entry.name, _NAME), *((k, _KEYWORD) for k in entry.keywords)]
        docs.append((_Doc("entry", entry.key, entry.name, lang, entry.topic, entry.region), fields))
    return _SearchIndex(docs)


# --- loading ----------------------------------------------------------------------------------------

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


class _Lines:
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


def _explain(error: ErrorDetails, allowed: Mapping[str, tuple[str, ...]], translation: bool) -> str:
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

M = TypeVar("M", bound=BaseModel)


@dataclass
class _Parsed(Generic[M]):
    rel: str
    data: M
    text: str
    _lines: _Lines | None = None

    def line(self, *loc: int | str) -> int:
        if self._lines is None:
            self._lines = _Lines(self.text)
        return self._lines.find(loc)


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.issues: list[ContentIssue] = []

    def problem(self, rel: str, line: int | None, message: str) -> None:
        self.issues.append(ContentIssue(rel, line, message))

    def language_files(self, folder: Path) -> list[tuple[Path, str]]:
        """The `<lang>.toml` files of a folder; anything else there is reported."""
        found = []
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or path.name.endswith("~"):
                continue
            rel = path.relative_to(self.root).as_posix()
            if not path.is_file() or path.suffix != ".toml":
                self.problem(rel, None, "only <language>.toml files belong in this folder")
                continue
            if path.stem not in SHIPPED_LANGUAGES:
                names = ", ".join(f"{code}.toml" for code in SHIPPED_LANGUAGES)
                self.problem(rel, 1, f'unknown language "{path.stem}" in the file name; use one of: {names}')
                continue
            found.append((path, path.stem))
        return found

    def read(self, path: Path, model: type[M]) -> _Parsed[M] | None:
        rel = path.relative_to(self.root).as_posix()
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            self.problem(rel, line, "the file is not saved as UTF-8 text; save it again as UTF-8")
            return None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            match = _TOML_LINE.search(str(error))
            line = int(match[1]) if match else max(1, text.count("\n"))
            reason = _TOML_POSITION.sub("", str(error))
            self.problem(
                rel,
                line,
                f"TOML syntax error ({reason}); check quotes, brackets, commas and that each value "
                'is written like key = "text"',
            )
            return None
        try:
            parsed = model.model_validate(data)
        except ValidationError as error:
            lines = _Lines(text)
            translation = model is RegionTranslationFile
            for detail in error.errors(include_url=False):
                self.problem(rel, lines.find(detail["loc"]), _explain(detail, _ALLOWED[model], translation))
            return None
        return _Parsed(rel, parsed, text)

    def folder(self, name: str, model: type[M]) -> dict[str, _Parsed[M]]:
        folder = self.root / name
        if not folder.is_dir():
            self.problem(f"{name}/", None, "this folder is missing")
            return {}
        parsed = {}
        for path, lang in self.language_files(folder):
            result = self.read(path, model)
            if result is not None:
                parsed[lang] = result
        return parsed

    def german_missing(self, folder: str) -> None:
        """Report a missing German file, unless the folder is missing or the file failed to load."""
        rel = f"{folder}/de.toml"
        if (self.root / rel).is_file() or not (self.root / folder).is_dir():
            return
        self.problem(rel, None, "the German file is missing; it is needed as the fallback")

    def duplicates(self, parsed: _Parsed[Any], table: str, key: str, values: Sequence[str]) -> None:
        seen: set[str] = set()
        for number, value in enumerate(values):
            folded = value.casefold()
            if folded in seen:
                self.problem(
                    parsed.rel, parsed.line(table, number, key), f'"{value}" appears twice in this file'
                )
            seen.add(folded)


def load_info_content(root: Path) -> InfoContent:
    """Read and validate every content file under `root`; raise `ContentError` listing all problems."""
    if not root.is_dir():
        raise ContentError([ContentIssue(str(root), None, "the content folder does not exist")])
    loader = _Loader(root)
    topic_files = loader.folder("topics", TopicsFile)
    glossary_files = loader.folder("glossary", GlossaryFile)
    region_files = _load_regions(loader)

    topics = _resolve_topics(loader, topic_files)
    glossary = _resolve_glossary(loader, glossary_files)
    entries, region_names = _resolve_regions(loader, region_files)
    if loader.issues:
        raise ContentError(loader.issues)

    present = set(topic_files) | set(glossary_files)
    for files in region_files.values():
        present |= set(files.translations) | ({FALLBACK_LANGUAGE} if files.german else set())
    return InfoContent(
        _languages=tuple(code for code in SHIPPED_LANGUAGES if code in present),
        _regions=tuple(r for r in KNOWN_REGIONS if r in entries and r != NATIONAL),
        _topics=MappingProxyType(topics),
        _glossary=MappingProxyType(glossary),
        _entries=MappingProxyType({r: MappingProxyType(v) for r, v in entries.items()}),
        _region_names=MappingProxyType({r: MappingProxyType(v) for r, v in region_names.items()}),
    )


@dataclass
class _RegionFiles:
    german: _Parsed[RegionFile] | None = None
    translations: dict[str, _Parsed[RegionTranslationFile]] = field(default_factory=dict)


def _load_regions(loader: _Loader) -> dict[str, _RegionFiles]:
    folder = loader.root / "regions"
    if not folder.is_dir():
        loader.problem("regions/", None, "this folder is missing")
        return {}
    regions: dict[str, _RegionFiles] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        rel = path.relative_to(loader.root).as_posix()
        if not path.is_dir():
            loader.problem(rel, None, "only region folders belong in regions/")
            continue
        if path.name not in KNOWN_REGIONS:
            allowed = ", ".join(KNOWN_REGIONS)
            loader.problem(rel + "/", None, f'unknown region "{path.name}"; use one of: {allowed}')
            continue
        files = _RegionFiles()
        for file, lang in loader.language_files(path):
            if lang == FALLBACK_LANGUAGE:
                files.german = loader.read(file, RegionFile)
            elif (translation := loader.read(file, RegionTranslationFile)) is not None:
                files.translations[lang] = translation
        if not (path / "de.toml").is_file():
            loader.problem(rel + "/de.toml", None, "the German file is missing; every region needs de.toml")
        regions[path.name] = files
    if NATIONAL not in regions:
        loader.problem("regions/national/", None, "the national folder is missing")
    return regions


def _resolve_topics(
    loader: _Loader, files: Mapping[str, _Parsed[TopicsFile]]
) -> dict[str, tuple[Topic, ...]]:
    for parsed in files.values():
        loader.duplicates(parsed, "topic", "key", [t.key for t in parsed.data.topic])
    german = files.get(FALLBACK_LANGUAGE)
    if german is None:
        loader.german_missing("topics")
        return {}
    de_topics = german.data.topic
    missing = [key for key in TOPIC_KEYS if key not in {t.key for t in de_topics}]
    if missing:
        loader.problem(german.rel, 1, f"these topics are missing in German: {', '.join(missing)}")
    result = {
        FALLBACK_LANGUAGE: tuple(Topic.model_construct(**dict(t), lang=FALLBACK_LANGUAGE) for t in de_topics)
    }
    for lang, parsed in files.items():
        if lang == FALLBACK_LANGUAGE:
            continue
        own = {t.key: t for t in parsed.data.topic}
        result[lang] = tuple(
            Topic.model_construct(**dict(own[t.key]), lang=lang) if t.key in own else fallback
            for t, fallback in zip(de_topics, result[FALLBACK_LANGUAGE], strict=True)
        )
    return result


def _resolve_glossary(
    loader: _Loader, files: Mapping[str, _Parsed[GlossaryFile]]
) -> dict[str, tuple[GlossaryTerm, ...]]:
    for parsed in files.values():
        loader.duplicates(parsed, "term", "term", [t.term for t in parsed.data.term])
    german = files.get(FALLBACK_LANGUAGE)
    if german is None:
        loader.german_missing("glossary")
        return {}
    de_terms = german.data.term
    result = {
        FALLBACK_LANGUAGE: tuple(
            GlossaryTerm.model_construct(**dict(t), lang=FALLBACK_LANGUAGE) for t in de_terms
        )
    }
    known = {t.term.casefold() for t in de_terms}
    for lang, parsed in files.items():
        if lang == FALLBACK_LANGUAGE:
            continue
        own: dict[str, GlossaryTermData] = {}
        for number, item in enumerate(parsed.data.term):
            if item.term.casefold() not in known:
                loader.problem(
                    parsed.rel,
                    parsed.line("term", number, "term"),
                    f'term {number + 1}: "{item.term}" is not in glossary/de.toml; '
                    "write the German word exactly as there",
                )
            own[item.term.casefold()] = item
        result[lang] = tuple(
            GlossaryTerm.model_construct(**{**dict(own[t.term.casefold()]), "term": t.term}, lang=lang)
            if t.term.casefold() in own
            else fallback
            for t, fallback in zip(de_terms, result[FALLBACK_LANGUAGE], strict=True)
        )
    return result


def _resolve_regions(
    loader: _Loader, regions: Mapping[str, _RegionFiles]
) -> tuple[dict[str, dict[str, tuple[Entry, ...]]], dict[str, dict[str, str]]]:
    entries: dict[str, dict[str, tuple[Entry, ...]]] = {}
    names: dict[str, dict[str, str]] = {}
    for region, files in regions.items():
        german = files.german
        if german is None:
            continue
        de_entries = german.data.entry
        loader.duplicates(german, "entry", "id", [e.id for e in de_entries])
        names[region] = {FALLBACK_LANGUAGE: german.data.region.name}
        de_resolved = tuple(
            Entry.model_construct(**dict(e), region=region, lang=FALLBACK_LANGUAGE) for e in de_entries
        )
        per_lang = {FALLBACK_LANGUAGE: de_resolved}
        known = {e.id for e in de_entries}
        for lang, parsed in files.translations.items():
            if parsed.data.region is not None:
                names[region][lang] = parsed.data.region.name
            loader.duplicates(parsed, "entry", "id", [e.id for e in parsed.data.entry])
            own: dict[str, EntryTranslation] = {}
            for number, item in enumerate(parsed.data.entry):
                if item.id not in known:
                    loader.problem(
                        parsed.rel,
                        parsed.line("entry", number, "id"),
                        f'entry {number + 1}: id "{item.id}" is not in {german.rel}; '
                        "a translation needs the same id as the German entry",
                    )
                own[item.id] = item
            per_lang[lang] = tuple(_translated_entry(de, own.get(de.id), lang) for de in de_resolved)
        entries[region] = per_lang
    return entries, names


def _translated_entry(german: Entry, own: EntryTranslation | None, lang: str) -> Entry:
    """The entry with translated words; the German one when the translation is missing or incomplete."""
    if own is None or (german.hours and not own.hours):
        return german
    words = {"description": own.description, "hours": own.hours, "keywords": own.keywords, "lang": lang}
    return german.model_copy(update=words)
