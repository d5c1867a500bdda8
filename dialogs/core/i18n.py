"""Translations and locale-aware formatting.

Catalogues are read straight from `locales/<lang>/LC_MESSAGES/messages.po` with Babel, so there is no
compile step and no compiled file to keep in step. A locale is shipped when its directory exists: adding
one needs no code change. msgids are English and use `{name}` placeholders.

A message missing (or fuzzy) in a participant's locale is shown from the fallback locale with a short
visible marker, never silently. In right-to-left locales every inserted value is wrapped in Unicode
first-strong isolates (U+2068 ... U+2069) so numbers, times and Latin names do not scramble the sentence.
Numbers, and the digits in dates and times, use the locale's default numbering system from CLDR (Persian
digits in Farsi, Latin digits in Arabic as spoken in most of the countries our participants come from).
"""

from __future__ import annotations

import gettext as _gettext
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from datetime import date as _date  # `Translator.date` shadows the name inside the class
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

SHIPPED_LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
# An installation's own copy of the help content and catalogues (COMPANION_CONTENT_DIR, read from the
# environment before any catalogue is loaded), else the shipped ones.
LOCALES_DIR = Path(os.environ.get("COMPANION_CONTENT_DIR") or SHIPPED_LOCALES_DIR).resolve()
SOURCE_LOCALE = "en"  # the language of the msgids
RTL_LOCALES = frozenset({"ar", "fa", "he", "ur", "ps", "ckb"})
FSI, PDI = "\u2068", "\u2069"


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; translate it where it is shown."""
    return message


UNTRANSLATED_MARKER = N_("(not yet translated)")


@dataclass(frozen=True)
class Catalogue:
    locale: str
    messages: Mapping[str, str]
    plurals: Mapping[str, tuple[str, ...]]
    plural_index: Callable[[int], int]
    review_status: str


@cache
def shipped_locales(root: Path = LOCALES_DIR) -> tuple[str, ...]:
    """Locales with a catalogue, the source language first, then German, then alphabetical."""
    found = {p.parent.parent.name for p in root.glob("*/LC_MESSAGES/messages.po")}
    found.add(SOURCE_LOCALE)
    order = {SOURCE_LOCALE: 1, "de": 0}
    return tuple(sorted(found, key=lambda code: (order.get(code, 2), code)))


@cache
def load_catalogue(locale: str, root: Path = LOCALES_DIR) -> Catalogue:
    path = root / locale / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return Catalogue(locale, {}, {}, lambda n: int(n != 1), "")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            forms = tuple(message.string) if isinstance(message.string, tuple | list) else ()
            if forms and all(forms):
                plurals[message.id[0]] = forms
        elif message.string:
            messages[str(message.id)] = str(message.string)
    plural_index = _gettext.c2py(catalog.plural_expr)
    review = _review_status(catalog.header_comment)
    return Catalogue(locale, messages, plurals, plural_index, review)


def _review_status(header_comment: str) -> str:
    for line in header_comment.splitlines():
        text = line.lstrip("# ").strip()
        if text.lower().startswith("translation status:"):
            return text.split(":", 1)[1].strip()
    return ""


@cache
def native_name(locale: str) -> str:
    name = Locale.parse(locale).get_display_name(locale) or locale
    return name[:1].upper() + name[1:]


def is_rtl(locale: str) -> bool:
    return locale.split("_")[0] in RTL_LOCALES


def match_locale(code: str | None, available: tuple[str, ...] | None = None) -> str | None:
    """Map a Telegram `language_code` such as 'de-AT' or 'uk' to a shipped locale."""
    if not code:
        return None
    available = available or shipped_locales()
    base = code.replace("-", "_").split("_")[0].lower()
    return base if base in available else None


class Translator:
    """What a dialog uses to speak: `t("Hello {name}", name=...)`, plurals, dates, numbers."""

    def __init__(self, locale: str, fallback: str = "de", timezone: str = "Europe/Berlin") -> None:
        self.locale = locale if locale in shipped_locales() else fallback
        self.fallback = fallback if fallback != self.locale else SOURCE_LOCALE
        self.timezone = ZoneInfo(timezone)
        self.rtl = is_rtl(self.locale)
        self._babel_locale = _babel_locale(self.locale)
        # Between values in a line ("Tue, Oct 27, 10:00"; ...): Arabic script has its own comma and semicolon.
        self.comma = "، " if self.rtl else ", "
        self.semicolon = "؛ " if self.rtl else "; "

    def catalogues(self) -> tuple[Catalogue, ...]:
        """The loaded catalogues this translator reads from (its locale's, then the fallback's)."""
        return (load_catalogue(self.locale), load_catalogue(self.fallback))

    def __call__(self, msgid: str, **values: Any) -> str:
        return self._format(self._lookup(msgid), values)

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = self._lookup_plural(singular, plural, n)
        return self._format(text, {"n": self.number(n), **values}, already_wrapped={"n"})

    def isolate(self, value: object) -> str:
        """Wrap an inserted value for right-to-left text; unchanged in left-to-right locales."""
        text = str(value)
        return f"{FSI}{text}{PDI}" if self.rtl else text

    def number(self, value: float) -> str:
        text = format_decimal(value, locale=self._babel_locale, numbering_system="default")
        return self.isolate(text.translate(_digit_table(self.locale)))

    def digits(self, text: str) -> str:
        """Text made of digits and separators ("16.12.") in the locale's digits, isolated once."""
        return self._isolated_digits(text)

    def short_date(self, value: date | datetime) -> str:
        """Weekday and date without the year, for buttons and lists ("Tue, Oct 27", "Di., 27. Okt.")."""
        if isinstance(value, datetime):
            value = value.astimezone(self.timezone).date()
        return self._isolated_digits(format_skeleton("MMMEd", value, locale=self._babel_locale))

    def date(self, value: date | datetime, fmt: str = "full") -> str:
        """A date; "full" in a language's own pattern for sentences when `locales/dates` gives one (in
        Ukrainian and Russian the weekday follows in brackets, so no preposition puts it in a wrong case)."""
        if isinstance(value, datetime):
            value = value.astimezone(self.timezone).date()
        if fmt == "full":
            fmt = full_date_pattern(self.locale) or fmt
        return self._isolated_digits(format_date(value, format=fmt, locale=self._babel_locale))

    def skeleton(self, value: _date, skeleton: str) -> str:
        """A date in the locale's own order for the fields asked for: `MMMEd` gives `Mo., 23. Nov.`."""
        moment = datetime(value.year, value.month, value.day, 12, tzinfo=self.timezone)
        text = format_skeleton(skeleton, moment, tzinfo=self.timezone, locale=self._babel_locale)
        return self.isolate(text)

    def time(self, value: datetime | time) -> str:
        if isinstance(value, datetime):
            value = value.astimezone(self.timezone)
        return self._isolated_digits(format_time(value, format="short", locale=self._babel_locale))

    def datetime(self, value: datetime, fmt: str = "medium") -> str:
        return self._isolated_digits(
            format_datetime(value, format=fmt, tzinfo=self.timezone, locale=self._babel_locale)
        )

    def _isolated_digits(self, text: str) -> str:
        """Babel writes Latin digits into dates and times; CLDR wants the locale's own digits."""
        return self.isolate(text.translate(_digit_table(self.locale)))

    def _lookup(self, msgid: str) -> str:
        own = load_catalogue(self.locale).messages.get(msgid)
        if own is not None or self.locale == SOURCE_LOCALE:
            return own if own is not None else msgid
        fallback = load_catalogue(self.fallback).messages.get(msgid, msgid)
        return f"{self._marker()} {fallback}"

    def _lookup_plural(self, singular: str, plural: str, n: int) -> str:
        own = load_catalogue(self.locale)
        forms = own.plurals.get(singular)
        if forms is not None:
            return forms[min(own.plural_index(n), len(forms) - 1)]
        if self.locale == SOURCE_LOCALE:
            return singular if n == 1 else plural
        other = load_catalogue(self.fallback)
        fallback_forms = other.plurals.get(singular)
        if fallback_forms is not None:
            text = fallback_forms[min(other.plural_index(n), len(fallback_forms) - 1)]
        else:
            text = singular if n == 1 else plural
        return f"{self._marker()} {text}"

    def _marker(self) -> str:
        marker = load_catalogue(self.locale).messages.get(UNTRANSLATED_MARKER)
        return f"🌐 {marker}" if marker else "🌐"

    def _format(
        self, text: str, values: Mapping[str, Any], already_wrapped: frozenset[str] | set[str] = frozenset()
    ) -> str:
        if not values:
            return text
        wrapped = {
            key: self._inserted(value) if key not in already_wrapped else value
            for key, value in values.items()
        }
        for key, value in wrapped.items():
            # "... 9 грудня 2026 р.." : a value ending in a full stop takes the sentence's own.
            if str(value).removesuffix(PDI).endswith("."):
                text = text.replace(f"{{{key}}}.", f"{{{key}}}")
        try:
            return text.format_map(wrapped)
        except (KeyError, IndexError, ValueError):
            # A translation with a broken placeholder must not cost the participant the message.
            return text

    def _inserted(self, value: object) -> str:
        """An inserted value as shown: numbers in the locale's format, everything isolated once."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.number(value)
        if isinstance(value, str) and _is_isolated(value):
            return value
        return self.isolate(value)


# CLDR numberingSystems.xml: the digits of the default systems of our locales that are not Latin.
# Babel knows which system a locale uses and its separators, but always writes Latin digits.
NATIVE_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


@cache
def full_date_pattern(locale: str, root: Path = LOCALES_DIR) -> str | None:
    """The CLDR pattern of a full date inside sentences, from `locales/dates/<locale>.toml` (`full_date`)."""
    path = root / "dates" / f"{locale}.toml"
    if not path.exists():
        return None
    pattern = tomllib.loads(path.read_text(encoding="utf-8")).get("full_date")
    return pattern if isinstance(pattern, str) and pattern else None


@cache
def _babel_locale(locale: str) -> Locale:
    """Parsed once: a Translator is made for every turn, and parsing reads CLDR data each time."""
    return Locale.parse(locale)


@cache
def _digit_table(locale: str) -> dict[int, int]:
    system = _babel_locale(locale).default_numbering_system
    return str.maketrans("0123456789", NATIVE_DIGITS.get(system, "0123456789"))


def _is_isolated(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FSI) and value.endswith(PDI)
