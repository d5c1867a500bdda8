"""Days as people write them: "morgen", "übermorgen", "Freitag", "nächsten Montag", "بعد بكرة", "у середу".

The words are data, one file per language in `locales/dates/<language>.toml` (format in its README.md),
read and checked once. Typed text and the words are compared after the same normalisation: case, accents
and vowel marks, Arabic and Persian letter variants, apostrophes, punctuation and spacing do not matter,
and Arabic-Indic and Persian digits count as digits.

A word means the same day in every language: the participant's own language is read first, then the
others, except for words that mean different days in two languages (those count only in their own).
A weekday ("Friday", "next Friday") is the coming one: tomorrow at the earliest, in a week at the latest.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

DATES_DIR = Path(__file__).resolve().parents[2] / "locales" / "dates"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RELATIVE = {"today": 0, "tomorrow": 1, "day_after_tomorrow": 2}
_FIELDS = {"example", "example_with_year", "full_date", "before", "next", "next_after", *RELATIVE, *WEEKDAYS}

# Letters people type in place of others: Arabic alef and yeh forms, Persian and Arabic yeh and kaf,
# teh marbuta, Turkish dotless i, Polish ł, Russian ё; apostrophes inside words vanish.
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ک": "ك",
        "ة": "ه",
        "ـ": "",
        "ı": "i",
        "ł": "l",
        "ё": "е",
        "'": "",
        "’": "",
        "ʼ": "",
        "`": "",
        "\u200c": " ",
        "\u200d": "",
        "\u200f": "",
        "\u200e": "",
    }
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normalised(text: str) -> str:
    """Lower case, without accents, vowel marks, punctuation or extra spaces; native digits as 0-9."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTERS).translate(_DIGITS)
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    kept = "".join(ch if ch.isalnum() else " " for ch in unicodedata.normalize("NFC", stripped))
    return " ".join(kept.split())


def digits_as_latin(text: str) -> str:
    return text.translate(_DIGITS)


@dataclass(frozen=True)
class DayWords:
    """One language's day words, read from its file."""

    language: str
    example: str
    example_with_year: str
    phrases: dict[str, str]  # normalised phrase -> "+N" (days from today) or "wd:N" (0 = Monday)


class DayWordsError(ValueError):
    """A day-word file that cannot be used; the message names the file and what to fix."""


def _phrases(data: dict[str, list[str]]) -> dict[str, str]:
    before = ["", *data.get("before", [])]
    found: dict[str, str] = {}
    for field, offset in RELATIVE.items():
        for word in data.get(field, []):
            for lead in before:
                found[normalised(f"{lead} {word}")] = f"+{offset}"
    nexts = ["", *data.get("next", [])]
    afters = ["", *data.get("next_after", [])]
    for index, field in enumerate(WEEKDAYS):
        for word in data.get(field, []):
            for lead in before:
                for first in nexts:
                    for after in afters:
                        found[normalised(f"{lead} {first} {word} {after}")] = f"wd:{index}"
    found.pop("", None)
    return found


def _read(path: Path) -> DayWords:
    rel = f"dates/{path.name}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DayWordsError(f"{rel}: cannot be read ({error}); check quotes, brackets and commas") from None
    unknown = set(data) - _FIELDS
    if unknown:
        raise DayWordsError(f"{rel}: unknown fields {sorted(unknown)}; allowed are {sorted(_FIELDS)}")
    for field in ("example", "example_with_year"):
        value = data.get(field)
        if not isinstance(value, str) or "{day}" not in value or "{month}" not in value:
            raise DayWordsError(f"{rel}: `{field}` must be text with {{day}} and {{month}}")
    if "{year}" not in data["example_with_year"]:
        raise DayWordsError(f"{rel}: `example_with_year` needs {{year}}")
    lists = {
        key: value for key, value in data.items() if key not in {"example", "example_with_year", "full_date"}
    }
    for field, words in lists.items():
        if not isinstance(words, list) or not all(
            isinstance(word, str) and normalised(word) for word in words
        ):
            raise DayWordsError(f'{rel}: `{field}` must be a list of words, like ["morgen"]')
    for field in (*RELATIVE, *WEEKDAYS):
        if not lists.get(field):
            raise DayWordsError(f"{rel}: `{field}` needs at least one word")
    return DayWords(path.stem, data["example"], data["example_with_year"], _phrases(lists))


@cache
def all_day_words(root: Path = DATES_DIR) -> dict[str, DayWords]:
    return {path.stem: _read(path) for path in sorted(root.glob("*.toml"))}


@cache
def _ambiguous(root: Path = DATES_DIR) -> frozenset[str]:
    """Phrases that mean different days in two languages."""
    meaning: dict[str, str] = {}
    clash: set[str] = set()
    for words in all_day_words(root).values():
        for phrase, value in words.phrases.items():
            if meaning.setdefault(phrase, value) != value:
                clash.add(phrase)
    return frozenset(clash)


def words_for(language: str | None, root: Path = DATES_DIR) -> DayWords:
    """The day words of a language, or German's when it has none."""
    every = all_day_words(root)
    return every.get(language or "", every.get("de") or next(iter(every.values())))


def day_from_words(
    text: str, today: date, language: str | None = None, root: Path = DATES_DIR
) -> date | None:
    """The day a typed word or phrase means, counted from `today`, or None when it is not one of them."""
    phrase = normalised(text)
    if not phrase:
        return None
    every = all_day_words(root)
    own = every.get(language or "")
    value = own.phrases.get(phrase) if own is not None else None
    if value is None and phrase not in _ambiguous(root):
        value = next((words.phrases[phrase] for words in every.values() if phrase in words.phrases), None)
    if value is None:
        return None
    if value.startswith("+"):
        return today + timedelta(days=int(value[1:]))
    ahead = (int(value[3:]) - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)


def example(language: str | None, day: date, with_year: bool) -> str:
    """A date written the way the parser reads it, in the language's usual order ("16.12.", "16/12/2026")."""
    words = words_for(language)
    pattern = words.example_with_year if with_year else words.example
    return pattern.format(day=day.day, month=day.month, year=day.year)
