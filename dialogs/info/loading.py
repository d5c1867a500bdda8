"""Loading the /info content: every file under `locales/info` read, checked and merged with German.

`load_info_content` validates everything and, on any problem, raises `ContentError` listing every problem
with the file and line to fix, in plain words (`dialogs.info.problems`). A translation may leave things out:
the German topic, term or entry stands in for it, marked with its language.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from dialogs.info.content import ContentError, ContentIssue, InfoContent
from dialogs.info.problems import TomlLines, explain, syntax_problem
from dialogs.info.schema import (
    FALLBACK_LANGUAGE,
    KNOWN_REGIONS,
    NATIONAL,
    SHIPPED_LANGUAGES,
    TOPIC_KEYS,
    Entry,
    EntryTranslation,
    GlossaryFile,
    GlossaryTerm,
    RegionFile,
    RegionTranslationFile,
    Topic,
    TopicsFile,
)

M = TypeVar("M", bound=BaseModel)
Item = TypeVar("Item")  # what the bot gets: a topic, a glossary term, an entry
Data = TypeVar("Data")  # what a translation file holds for it


@dataclass
class _Parsed(Generic[M]):
    rel: str
    data: M
    text: str
    _lines: TomlLines | None = None

    def line(self, *loc: int | str) -> int:
        if self._lines is None:
            self._lines = TomlLines(self.text)
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
            self.problem(rel, *syntax_problem(error, text))
            return None
        try:
            parsed = model.model_validate(data)
        except ValidationError as error:
            lines = TomlLines(text)
            for detail in error.errors(include_url=False):
                self.problem(rel, lines.find(detail["loc"]), explain(detail, model))
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


@cache
def cached_content(root: Path) -> InfoContent:
    """The content under `root`, loaded and validated once per process (/info and the crisis card)."""
    return load_info_content(root)


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


def _german(
    loader: _Loader,
    folder: str,
    files: Mapping[str, _Parsed[M]],
    table: str,
    key: str,
    keys: Callable[[M], Sequence[str]],
) -> _Parsed[M] | None:
    """The German file of a folder, the reference for the others; duplicate keys in any file reported."""
    for parsed in files.values():
        loader.duplicates(parsed, table, key, keys(parsed.data))
    german = files.get(FALLBACK_LANGUAGE)
    if german is None:
        loader.german_missing(folder)
    return german


def _resolve_topics(
    loader: _Loader, files: Mapping[str, _Parsed[TopicsFile]]
) -> dict[str, tuple[Topic, ...]]:
    german = _german(loader, "topics", files, "topic", "key", lambda data: [t.key for t in data.topic])
    if german is None:
        return {}
    de_topics = german.data.topic
    missing = [key for key in TOPIC_KEYS if key not in {t.key for t in de_topics}]
    if missing:
        loader.problem(german.rel, 1, f"these topics are missing in German: {', '.join(missing)}")
    own = {
        lang: {t.key: t for t in parsed.data.topic}
        for lang, parsed in files.items()
        if lang != FALLBACK_LANGUAGE
    }
    return _in_german_order(
        [Topic.model_construct(**dict(t), lang=FALLBACK_LANGUAGE) for t in de_topics],
        own,
        lambda topic: topic.key,
        lambda german, mine, lang: Topic.model_construct(**dict(mine), lang=lang),
    )


def _resolve_glossary(
    loader: _Loader, files: Mapping[str, _Parsed[GlossaryFile]]
) -> dict[str, tuple[GlossaryTerm, ...]]:
    german = _german(loader, "glossary", files, "term", "term", lambda data: [t.term for t in data.term])
    if german is None:
        return {}
    de_terms = [GlossaryTerm.model_construct(**dict(t), lang=FALLBACK_LANGUAGE) for t in german.data.term]
    known = {t.term.casefold() for t in de_terms}
    own = {
        lang: _known(
            loader,
            parsed,
            ("term", "term"),
            parsed.data.term,
            lambda term: term.term.casefold(),
            known,
            lambda term: f'"{term.term}" is not in glossary/de.toml; write the German word exactly as there',
        )
        for lang, parsed in files.items()
        if lang != FALLBACK_LANGUAGE
    }
    return _in_german_order(
        de_terms,
        own,
        lambda term: term.term.casefold(),
        lambda german, mine, lang: GlossaryTerm.model_construct(
            **{**dict(mine), "term": german.term}, lang=lang
        ),
    )


def _resolve_regions(
    loader: _Loader, regions: Mapping[str, _RegionFiles]
) -> tuple[dict[str, dict[str, tuple[Entry, ...]]], dict[str, dict[str, str]]]:
    entries: dict[str, dict[str, tuple[Entry, ...]]] = {}
    names: dict[str, dict[str, str]] = {}
    for region, files in regions.items():
        if files.german is not None:
            entries[region], names[region] = _resolve_region(loader, region, files.german, files.translations)
    return entries, names


def _resolve_region(
    loader: _Loader,
    region: str,
    german: _Parsed[RegionFile],
    translations: Mapping[str, _Parsed[RegionTranslationFile]],
) -> tuple[dict[str, tuple[Entry, ...]], dict[str, str]]:
    de_entries = german.data.entry
    loader.duplicates(german, "entry", "id", [e.id for e in de_entries])
    names = {FALLBACK_LANGUAGE: german.data.region.name}
    known = {e.id for e in de_entries}
    own: dict[str, dict[str, EntryTranslation]] = {}
    for lang, parsed in translations.items():
        if parsed.data.region is not None:
            names[lang] = parsed.data.region.name
        loader.duplicates(parsed, "entry", "id", [e.id for e in parsed.data.entry])
        own[lang] = _known(
            loader,
            parsed,
            ("entry", "id"),
            parsed.data.entry,
            lambda entry: entry.id,
            known,
            lambda entry: (
                f'id "{entry.id}" is not in {german.rel}; a translation needs the same id as the German entry'
            ),
        )
    resolved = _in_german_order(
        [Entry.model_construct(**dict(e), region=region, lang=FALLBACK_LANGUAGE) for e in de_entries],
        own,
        lambda entry: entry.id,
        _translated_entry,
    )
    return resolved, names


def _known(
    loader: _Loader,
    parsed: _Parsed[Any],
    where: tuple[str, str],
    items: Sequence[Data],
    key: Callable[[Data], str],
    known: set[str],
    unknown: Callable[[Data], str],
) -> dict[str, Data]:
    """A translation's items by key; one the German file does not have is reported (`where`: its table and
    the field that names it)."""
    table, name = where
    found: dict[str, Data] = {}
    for number, item in enumerate(items):
        if key(item) not in known:
            loader.problem(
                parsed.rel, parsed.line(table, number, name), f"{table} {number + 1}: {unknown(item)}"
            )
        found[key(item)] = item
    return found


def _in_german_order(
    german: Sequence[Item],
    own: Mapping[str, Mapping[str, Data]],
    key: Callable[[Item], str],
    translated: Callable[[Item, Data, str], Item],
) -> dict[str, tuple[Item, ...]]:
    """Every language's items in the German order: translated where the language has the item, else German."""
    result = {FALLBACK_LANGUAGE: tuple(german)}
    for lang, mine in own.items():
        result[lang] = tuple(
            translated(item, mine[key(item)], lang) if key(item) in mine else item for item in german
        )
    return result


def _translated_entry(german: Entry, own: EntryTranslation, lang: str) -> Entry:
    """The entry with translated words; the German one when the translation lacks the hours."""
    if german.hours and not own.hours:
        return german
    words = {"description": own.description, "hours": own.hours, "keywords": own.keywords, "lang": lang}
    return german.model_copy(update=words)
