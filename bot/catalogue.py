"""Keep the gettext catalogues in step with the code: extract, update, and report coverage.

`companion locales update` extracts every marked string (`tr(...)`, `ngettext(...)`, `N_(...)` in
Python, and the texts of the questionnaire definitions) into `locales/messages.pot` and merges it into
each locale's `messages.po`. English is the source language: its catalogue is filled with the msgids.
"""

from __future__ import annotations

import copy
import io
import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from dialogs.core.i18n import LOCALES_DIR, SOURCE_LOCALE
from dialogs.questionnaires import questionnaire

ROOT = LOCALES_DIR.parent
KEYWORDS = {"tr": None, "N_": None, "ngettext": (1, 2)}
METHOD_MAP = [
    ("bot/**.py", "python"),
    ("dialogs/**.py", "python"),
    ("bot/web/templates/**.html", "jinja2"),  # the web case view: tr(...) and ngettext(...)
]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# The web case view and the programme report are staff UIs in German and English only (issues 16 and 18);
# their texts (those found only in the templates and the report's code) are left out of the other locales'
# coverage and checks, and those locales show them in English.
STAFF_ONLY = ("bot/web/templates/", "bot/report/", "bot/web/report.py")
STAFF_LOCALES = frozenset({"de", "en"})


def staff_only(locations: Sequence[tuple[str, int | None]]) -> bool:
    """A text that appears only in the staff pages and the programme report (no participant reads it)."""
    return bool(locations) and all(path.startswith(STAFF_ONLY) for path, _ in locations)


def counted(locale: str, locations: Sequence[tuple[str, int | None]]) -> bool:
    """Whether a message counts for the locale's coverage: staff-only texts only in German and English."""
    return locale in STAFF_LOCALES or not staff_only(locations)


def extract(root: Path = ROOT) -> Catalog:
    template = Catalog(project="companion", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), METHOD_MAP, keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for message_id, location in extra_messages(root):
        template.add(message_id, None, [location])
    return template


def extra_messages(root: Path) -> Iterator[tuple[str, tuple[str, int]]]:
    """Texts that live in data files rather than code: every question, intro and label of every
    `dialogs/questionnaires/*.toml`. An invalid file stops the update with its error."""
    directory = root / "dialogs" / "questionnaires"
    for path in questionnaire.files(directory):
        with path.open("rb") as handle:
            for lineno, _, message, _ in extract_questionnaire(handle, (), (), {"filename": str(path)}):
                yield message, (path.relative_to(root).as_posix(), lineno)


def extract_questionnaire(
    fileobj: BinaryIO, keywords: object, comment_tags: object, options: dict[str, Any]
) -> Iterator[tuple[int, None, str, list[str]]]:
    """A Babel extraction method for questionnaire TOML files (usable from babel.cfg as well).

    The file is validated first, so a catalogue is never built from a definition the bot would refuse.
    """
    raw = fileobj.read()
    source = str(options.get("filename", getattr(fileobj, "name", "questionnaire")))
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise questionnaire.QuestionnaireError(f"{source}: not valid TOML: {exc}") from exc
    parsed = questionnaire.parse(data, source)
    lines = raw.decode("utf-8").splitlines()
    for text in dict.fromkeys(parsed.texts()):
        yield _line_of(lines, text), None, text, []


def _line_of(lines: list[str], text: str) -> int:
    quoted = (f'"{text}"', f"'{text}'")
    return next((n for n, line in enumerate(lines, start=1) if any(q in line for q in quoted)), 1)


def _write(catalog: Catalog, path: Path) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, include_previous=False, include_lineno=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def update(root: Path = ROOT) -> list[str]:
    """Write messages.pot and merge it into every locale; returns the locales touched."""
    locales_dir = root / "locales"
    template = extract(root)
    _write(template, locales_dir / "messages.pot")
    touched = []
    for po_path in sorted(locales_dir.glob("*/LC_MESSAGES/messages.po")):
        locale = po_path.parent.parent.name
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        # Each locale merges its own copy: Babel puts the template's message objects into the catalogue,
        # so filling the English one below would otherwise leak English into every later locale.
        catalog.update(copy.deepcopy(template), update_header_comment=False)
        catalog.obsolete.clear()
        if locale == SOURCE_LOCALE:
            for message in catalog:
                if message.id:
                    message.string = message.id
                message.flags.discard("fuzzy")
        elif locale not in STAFF_LOCALES:
            # Staff texts stay untranslated here (shown in English): no fuzzy guess from a participant text.
            for message in catalog:
                if message.id and staff_only(message.locations):
                    message.string = ("",) * catalog.num_plurals if message.pluralizable else ""
                    message.flags.discard("fuzzy")
        _write(catalog, po_path)
        touched.append(locale)
    return touched


def new_locale(locale: str, root: Path = ROOT) -> Path:
    """Start a catalogue for a new language from the template extracted from the code."""
    return start_catalogue(extract(root), root / "locales", locale)


def start_catalogue(template: Catalog, locales: Path, locale: str) -> Path:
    """Write `locales/<locale>/LC_MESSAGES/messages.po` from `template`, untranslated (plural rules from
    CLDR)."""
    path = locales / locale / "LC_MESSAGES" / "messages.po"
    catalog = Catalog(
        locale=locale,
        project="companion",
        header_comment=f"# Translation status: not started\n# Catalogue for {locale}.",
    )
    catalog.update(template)
    _write(catalog, path)
    return path


@dataclass(frozen=True)
class LocaleStatus:
    locale: str
    total: int
    translated: int
    fuzzy: int
    review: str
    problems: list[str]

    @property
    def coverage(self) -> float:
        return self.translated / self.total if self.total else 1.0


def status(locales: Path = LOCALES_DIR) -> list[LocaleStatus]:
    """Coverage, fuzzy count, review status and placeholder or plural problems for each locale (in the
    shipped catalogues, or the installation's own copy, COMPANION_CONTENT_DIR, whatever its name)."""
    result = []
    for po_path in sorted(locales.glob("*/LC_MESSAGES/messages.po")):
        locale = po_path.parent.parent.name
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        total = translated = fuzzy = 0
        problems: list[str] = []
        for message in catalog:
            if not message.id or not counted(locale, message.locations):
                continue
            total += 1
            if message.fuzzy:
                fuzzy += 1
                continue
            problems.extend(check_message(message.id, message.string, catalog.num_plurals))
            strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
            if all(strings):
                translated += 1
        review = ""
        for line in catalog.header_comment.splitlines():
            text = line.lstrip("# ").strip()
            if text.lower().startswith("translation status:"):
                review = text.split(":", 1)[1].strip()
        result.append(LocaleStatus(locale, total, translated, fuzzy, review, problems))
    return result


def check_message(msgid: object, msgstr: object, num_plurals: int) -> list[str]:
    """Placeholders that differ from the msgid, and a wrong number of plural forms."""
    ids = list(msgid) if isinstance(msgid, tuple | list) else [msgid]
    strings = list(msgstr) if isinstance(msgstr, tuple | list) else [msgstr]
    problems = []
    if isinstance(msgid, tuple | list) and len(strings) != num_plurals:
        problems.append(f"{ids[0]!r}: {len(strings)} plural forms, the language has {num_plurals}")
    expected = set(PLACEHOLDER.findall(str(ids[-1]))) | set(PLACEHOLDER.findall(str(ids[0])))
    for text in strings:
        if text and set(PLACEHOLDER.findall(str(text))) - expected:
            problems.append(f"{ids[0]!r}: unknown placeholder in {text!r}")
        if text and not isinstance(msgid, tuple | list) and set(PLACEHOLDER.findall(str(text))) != expected:
            problems.append(f"{ids[0]!r}: placeholders differ in {text!r}")
    return problems
