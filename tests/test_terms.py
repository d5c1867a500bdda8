"""One form of address and one term per concept in every catalogue (`locales/terms/<lang>.toml`).

A reader who meets "مربی" in one message and "مشاور" in the next wonders whether there are two people; one who
is called "Pan/Pani" here and "ty" there wonders who is speaking. Each language's term list names the one form
of address and, per concept, the one term and the variants it replaced; no catalogue entry may use a variant,
and an entry whose English names the concept uses the term.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from typing import Any

import pytest
from babel.messages.pofile import read_po

from dialogs.core.i18n import LOCALES_DIR, shipped_locales

SHIPPED = [
    locale for locale in shipped_locales() if (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").exists()
]
PLACEHOLDER = re.compile(r"\{\w+\}")
# Where the English names a concept, the translation names it with the language's term (any ending).
CONCEPTS_IN_ENGLISH = {
    "coach": re.compile(r"(?i)(?<![/\w])coach(es|'s)?\b"),
    "job_centre": re.compile(r"(?i)\bjob ?cent(re|er)"),
}


@cache
def terms(locale: str) -> dict[str, Any]:
    with (LOCALES_DIR / "terms" / f"{locale}.toml").open("rb") as handle:
        return tomllib.load(handle)


@cache
def entries(locale: str) -> list[tuple[str, str]]:
    """(msgid, translated text) for every translated form of every message."""
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    found = []
    for message in catalog:
        if not message.id:
            continue
        msgid = str(message.id[0] if isinstance(message.id, tuple | list) else message.id)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        found += [(msgid, str(text)) for text in strings if text]
    return found


def violations(locale: str, forbidden: list[str]) -> list[str]:
    patterns = [re.compile(pattern) for pattern in forbidden]
    return [
        f"{msgid!r}: {text!r} has {match.group(0)!r}"
        for msgid, text in entries(locale)
        for pattern in patterns
        if (match := pattern.search(text))
    ]


@pytest.mark.parametrize("locale", SHIPPED)
def test_each_language_names_its_form_of_address(locale: str) -> None:
    assert terms(locale)["address"]["form"]


@pytest.mark.parametrize("locale", SHIPPED)
def test_one_form_of_address(locale: str) -> None:
    assert violations(locale, terms(locale)["address"]["forbidden"]) == []


@pytest.mark.parametrize("locale", SHIPPED)
def test_one_term_per_concept(locale: str) -> None:
    found = []
    for concept, entry in terms(locale).get("terms", {}).items():
        found += [f"{concept}: {line}" for line in violations(locale, entry["forbidden"])]
    assert found == []


@pytest.mark.parametrize("locale", SHIPPED)
def test_the_term_is_used_where_the_english_names_the_concept(locale: str) -> None:
    missing = []
    for concept, english in CONCEPTS_IN_ENGLISH.items():
        entry = terms(locale).get("terms", {}).get(concept)
        if entry is None:
            continue
        term = str(entry["term"]).casefold()
        missing += [
            f"{concept}: {msgid!r} -> {text!r}"
            for msgid, text in entries(locale)
            if english.search(PLACEHOLDER.sub("", msgid)) and term not in text.casefold()
        ]
    assert missing == []


def test_a_variant_is_caught() -> None:
    assert violations("fa", ["مربی"]) == []
    assert re.search(terms("pl")["address"]["forbidden"][0], "Towarzyszy Pan/Pani teraz")
    assert re.search(terms("bg")["address"]["forbidden"][0], "Желая ви хубав ден.")
    assert not re.search(terms("bg")["address"]["forbidden"][0], "Желая Ви хубав ден.")
