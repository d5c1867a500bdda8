"""Local help in the participant's language, and the law as it is now (issue 15).

Regional entries are translated into every shipped language, every region has its own debt counselling
entry, typed words in any shipped language find it, and the benefit is called Grundsicherungsgeld: where
the old name Bürgergeld still appears in a text, the same text gives the new name too.
"""

from __future__ import annotations

import tomllib

import pytest

from dialogs.core.config import INFO_CONTENT_ROOT
from dialogs.info.content import InfoContent
from dialogs.info.loading import load_info_content
from dialogs.info.schema import SHIPPED_LANGUAGES, TOPIC_KEYS

PROGRAMME_REGIONS = ("leverkusen", "bochum", "uckermark", "berlin-lichtenberg")
TEXT_LIMIT = 600  # about one phone screen


@pytest.fixture(scope="module")
def content() -> InfoContent:
    return load_info_content(INFO_CONTENT_ROOT)


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
@pytest.mark.parametrize("region", PROGRAMME_REGIONS)
def test_every_regional_entry_is_in_the_readers_language(
    content: InfoContent, region: str, lang: str
) -> None:
    german = [
        e.id
        for key in TOPIC_KEYS
        for e in content.entries(key, lang, region).value
        if e.region == region and e.lang != lang
    ]
    assert german == []


@pytest.mark.parametrize("region", PROGRAMME_REGIONS)
def test_every_region_has_its_own_debt_counselling_entry(content: InfoContent, region: str) -> None:
    own = [e for e in content.entries("debts", "de", region).value if e.region == region]
    assert own, region


# One everyday word for debts per language, as a participant would type it.
DEBT_WORDS = {
    "de": "Schulden",
    "en": "debts",
    "ar": "ديون",
    "fa": "بدهی",
    "tr": "borç",
    "uk": "борги",
    "ru": "долги",
    "pl": "długi",
    "ro": "datorii",
    "bg": "дългове",
}


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
@pytest.mark.parametrize("region", PROGRAMME_REGIONS)
def test_a_word_for_debts_in_any_language_finds_the_local_debt_counselling(
    content: InfoContent, region: str, lang: str
) -> None:
    hits = content.search(DEBT_WORDS[lang], lang, region, limit=10)
    local = [h for h in hits if h.kind == "entry" and h.key.startswith(f"{region}/") and h.topic == "debts"]
    assert local, [h.key for h in hits]
    assert all(h.lang == lang for h in local)  # shown with the reader's words


def _blocks(data: dict[str, object]) -> list[tuple[str, str]]:
    """Each topic, term or entry block as (its name, all its words but the search keywords)."""
    found = []
    for table in ("topic", "term", "entry"):
        for block in data.get(table, []):  # type: ignore[union-attr]
            name = block.get("key") or block.get("term") or block.get("id")
            words = [v for k, v in block.items() if k != "keywords" and isinstance(v, str)]
            found.append((str(name), "\n".join(words)))
    return found


def test_buergergeld_appears_only_next_to_its_new_name() -> None:
    stale = []
    for path in sorted(INFO_CONTENT_ROOT.rglob("*.toml")):
        for name, text in _blocks(tomllib.loads(path.read_text(encoding="utf-8"))):
            if "Bürgergeld" in text and "Grundsicherungsgeld" not in text:
                stale.append(f"{path.relative_to(INFO_CONTENT_ROOT)} {name}")
    assert stale == []


# Literal translations of the word "citizen", which the benefit's name never meant in these languages.
CITIZEN_WORDS = {
    "en": ["citizen"],
    "ar": ["مواطن"],
    "fa": ["شهروند"],
    "tr": ["vatandaş"],
    "uk": ["громадян"],
    "ru": ["граждан"],
    "pl": ["obywatel"],
    "ro": ["cetățen"],
    "bg": ["граждан"],
}


@pytest.mark.parametrize("lang", sorted(CITIZEN_WORDS))
def test_the_benefit_is_not_called_a_citizens_benefit(content: InfoContent, lang: str) -> None:
    terms = {t.term: t for t in content.glossary(lang).value}
    benefit = terms["Grundsicherungsgeld"]
    words = [benefit.translation or "", benefit.explanation, *benefit.keywords]
    words += [terms[t].explanation for t in ("Jobcenter", "Leistungsminderung", "Meldetermin")]
    found = [w for w in words for bad in CITIZEN_WORDS[lang] if bad in w.casefold()]
    assert found == []


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
def test_the_glossary_explains_the_new_grundsicherung(content: InfoContent, lang: str) -> None:
    glossary = content.glossary(lang)
    assert not glossary.fallback
    terms = {t.term: t for t in glossary.value}
    assert {"Grundsicherungsgeld", "Kooperationsplan", "Leistungsminderung", "Meldetermin"} <= set(terms)
    assert "Bürgergeld" in terms["Grundsicherungsgeld"].explanation  # the old name, so people recognise it
    # The Schlichtungsverfahren is named as ended, not offered.
    assert "Schlichtungsverfahren" in terms["Kooperationsplan"].explanation
    assert "Schlichtungsverfahren" not in terms["Kooperationsplan"].keywords


@pytest.mark.parametrize(("query", "lang"), [("Bürgergeld", "de"), ("Bürgergeld", "ar"), ("Hartz", "uk")])
def test_the_old_names_find_the_new_benefit(content: InfoContent, query: str, lang: str) -> None:
    hits = content.search(query, lang, None)
    assert ("glossary", "Grundsicherungsgeld") in [(h.kind, h.key) for h in hits]


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
def test_every_text_fits_on_a_phone_screen(content: InfoContent, lang: str) -> None:
    long = [(t.key, len(t.body)) for t in content.topics(lang).value if len(t.body) > TEXT_LIMIT]
    long += [
        (g.term, len(g.explanation)) for g in content.glossary(lang).value if len(g.explanation) > TEXT_LIMIT
    ]
    for region in PROGRAMME_REGIONS:
        for key in TOPIC_KEYS:
            long += [
                (e.key, len(e.description))
                for e in content.entries(key, lang, region).value
                if len(e.description) > TEXT_LIMIT
            ]
    assert long == []


@pytest.mark.parametrize(
    ("word", "lang"), [("ديون", "de"), ("борги", "en"), ("borç", "de"), ("Schulden", "ar")]
)
def test_words_of_another_shipped_language_still_find_local_help(
    content: InfoContent, word: str, lang: str
) -> None:
    """Telegram set to German, typed in Arabic: the Bochum debt counselling is found all the same."""
    hits = content.search(word, lang, "bochum", limit=10)
    local = [h for h in hits if h.kind == "entry" and h.key.startswith("bochum/") and h.topic == "debts"]
    assert local, [h.key for h in hits]
    assert all(h.lang == lang for h in local)
