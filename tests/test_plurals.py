"""Plural messages read right for every count a person can meet: 0 to 120, in every shipped language.

The intended form is written down per language in `locales/terms/<lang>.toml` under `[plurals]`: for each
plural message, the noun a reader expects after a number of each CLDR plural category (Babel's
`Locale.plural_form`). The test renders the message as the bot does and checks that the expected noun is
there and the nouns of the other categories are not. This is what caught Arabic showing "14 يوم" (the
"other" form) where 11 to 99 need "14 يوماً" ("many").
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from typing import Any

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from bot import catalogue
from dialogs.core.i18n import FSI, LOCALES_DIR, PDI, Translator, load_catalogue, shipped_locales

COUNTS = range(121)
TERMS_DIR = LOCALES_DIR / "terms"
SHIPPED = [
    locale for locale in shipped_locales() if (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").exists()
]
MARKS = "\u0300-\u036f\u064b-\u065f\u0670"  # combining marks (Arabic tanween) count as part of a word


@cache
def plural_messages(locale: str) -> dict[str, str]:
    """Singular msgid -> plural msgid of every plural message in the template that the locale translates
    (staff texts only in German and English)."""
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        return {
            m.id[0]: m.id[1]
            for m in read_po(handle)
            if isinstance(m.id, tuple | list) and catalogue.counted(locale, m.locations)
        }


@cache
def expected_forms(locale: str) -> dict[str, dict[str, str]]:
    with (TERMS_DIR / f"{locale}.toml").open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    return dict(data.get("plurals", {}))


def _contains(text: str, word: str) -> bool:
    pattern = rf"(?<![\w{MARKS}]){re.escape(word)}(?![\w{MARKS}])"
    return re.search(pattern, text.replace(FSI, " ").replace(PDI, " ")) is not None


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_plural_message_has_its_expected_forms_written_down(locale: str) -> None:
    categories = {Locale.parse(locale).plural_form(n) for n in COUNTS}
    table = expected_forms(locale)
    missing = sorted(set(plural_messages(locale)) - set(table))
    assert missing == [], f"add these to locales/terms/{locale}.toml [plurals]"
    incomplete = {msgid: sorted(categories - set(forms)) for msgid, forms in table.items()}
    assert {msgid: gap for msgid, gap in incomplete.items() if gap} == {}


@pytest.mark.parametrize("locale", SHIPPED)
def test_the_catalogues_plural_rule_agrees_with_cldr(locale: str) -> None:
    """Each CLDR category of a whole number lands on one catalogue form; different ones on different forms."""
    index_of = load_catalogue(locale).plural_index
    seen: dict[str, set[int]] = {}
    for n in COUNTS:
        seen.setdefault(Locale.parse(locale).plural_form(n), set()).add(index_of(n))
    assert all(len(indices) == 1 for indices in seen.values()), seen
    nplurals = len({i for indices in seen.values() for i in indices})
    if nplurals > 1:
        assert nplurals == len(seen), seen


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_plural_message_reads_right_for_0_to_120(locale: str) -> None:
    translator = Translator(locale, fallback=locale)
    table = expected_forms(locale)
    wrong = []
    for singular, plural in plural_messages(locale).items():
        forms = table.get(singular, {})
        for n in COUNTS:
            category = Locale.parse(locale).plural_form(n)
            if category not in forms:
                continue
            text = translator.ngettext(singular, plural, n, limit=translator.number(25))
            want = forms[category]
            others = {form for form in forms.values() if form not in want}
            if not _contains(text, want) or any(_contains(text, other) for other in others):
                wrong.append(f"n={n} ({category}): {text!r}, expected {want!r}")
    assert wrong == []


def test_the_check_catches_a_swapped_form() -> None:
    assert _contains(f"{FSI}14{PDI} يوماً", "يوماً")
    assert not _contains(f"{FSI}14{PDI} يوماً", "يوم")
    assert not _contains("Seit 5 Tagen", "Tag")
    assert _contains("Niciun semn de 20 de zile", "de zile")
