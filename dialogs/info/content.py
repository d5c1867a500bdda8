"""The /info content as the bot uses it: topics, a glossary of job-centre words and regional help entries.

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

What the files may hold: `dialogs.info.schema`; reading and checking them: `dialogs.info.loading`
(`ContentError` lists every problem with file and line); the search: `dialogs.info.search`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from dialogs.info.schema import FALLBACK_LANGUAGE, NATIONAL, TOPIC_KEYS, Entry, GlossaryTerm, Topic
from dialogs.info.search import KIND_ORDER, Doc, SearchHit, SearchIndex, build_index, query_words

T = TypeVar("T")


class _InLanguage(Protocol):
    @property
    def lang(self) -> str: ...


L = TypeVar("L", bound=_InLanguage)


@dataclass(frozen=True, slots=True)
class Localized(Generic[T]):
    """A value with the language it is in: `lang` is the requested language when (any of) the value is in
    it, else German; `fallback` is true when (some of) it is German instead of the requested language."""

    value: T
    lang: str
    fallback: bool


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
    _indexes: dict[str, SearchIndex] = field(default_factory=dict, repr=False, compare=False)

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

        Searches the participant's language and German, then (only when that finds nothing) every other
        shipped language, forgiving case, accents, Arabic vowel marks and
        letter variants, word beginnings ("Schuldn"), other endings of a stem ("долгов" for "долги") and
        one typo in words of five or more letters. Scores only rank the hits of one query.
        """
        words = query_words(query)
        if not words or limit <= 0:
            return []
        lang = _base_lang(lang)
        regions = {NATIONAL} | ({region} if region else set())
        best = self._best(words, dict.fromkeys((lang, FALLBACK_LANGUAGE)), regions)
        if not best:  # words of another shipped language ("ديون" typed with German settings)
            best = self._best(words, (other for other in self._languages if other != lang), regions)
        hits = []
        own = self._index(lang)
        for (kind, key), (score, doc) in best.items():
            shown = own.docs_by_key.get((kind, key), doc) if own else doc
            hits.append(SearchHit(doc.kind, key, shown.title, round(score, 3), doc.topic, shown.lang))
        hits.sort(key=lambda h: (-h.score, KIND_ORDER[h.kind], h.title.casefold()))
        return hits[:limit]

    # internals

    def _best(
        self, words: list[str], languages: Iterable[str], regions: set[str]
    ) -> dict[tuple[str, str], tuple[float, Doc]]:
        """The best score of each topic, term or entry matching the words in any of these languages."""
        best: dict[tuple[str, str], tuple[float, Doc]] = {}
        for index_lang in languages:
            index = self._index(index_lang)
            if index is None:
                continue
            for doc, score in index.score(words):
                if doc.region is not None and doc.region not in regions:
                    continue
                ident = (doc.kind, doc.key)
                if ident not in best or score > best[ident][0]:
                    best[ident] = (score, doc)
        return best

    def _index(self, lang: str) -> SearchIndex | None:
        if lang not in self._languages:
            return None
        index = self._indexes.get(lang)
        if index is None:
            index = self._indexes[lang] = build_index(
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


def _base_lang(lang: str) -> str:
    """`en-US` and `EN` mean `en`."""
    return lang.replace("_", "-").split("-", 1)[0].lower()
