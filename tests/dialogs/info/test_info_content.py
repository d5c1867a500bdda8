"""The /info content: the shipped files load, cover what the bot needs, and broken files are reported
with file, line and a plain-words fix."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from dialogs.core.config import INFO_CONTENT_ROOT
from dialogs.info.content import ContentError, InfoContent
from dialogs.info.loading import load_info_content
from dialogs.info.schema import CRISIS_TOPIC_KEYS, KNOWN_REGIONS, NATIONAL, SHIPPED_LANGUAGES, TOPIC_KEYS

ROOT = INFO_CONTENT_ROOT
PROGRAMME_REGIONS = ("leverkusen", "bochum", "uckermark", "berlin-lichtenberg")


@pytest.fixture(scope="module")
def content() -> InfoContent:
    return load_info_content(ROOT)


# --- the shipped content ------------------------------------------------------------------------------


def test_default_root_is_the_repository_folder() -> None:
    assert Path(__file__).resolve().parents[3] / "locales" / "info" == ROOT
    assert (ROOT / "README.md").is_file()


def test_shipped_content_loads_every_language_and_region(content: InfoContent) -> None:
    assert content.languages() == SHIPPED_LANGUAGES
    assert content.regions() == PROGRAMME_REGIONS
    assert content.region_name("bochum", "ar") == "Bochum"
    assert content.region_name(NATIONAL, "en") == "Germany-wide"


@pytest.mark.parametrize("region", PROGRAMME_REGIONS)
def test_every_region_has_its_own_entries_for_the_crisis_topics(content: InfoContent, region: str) -> None:
    for key in CRISIS_TOPIC_KEYS:
        own = [e for e in content.entries(key, "de", region).value if e.region == region]
        assert own, f"{region} has no entry of its own for {key}"
    card = content.crisis_entries("de", region).value
    assert {"telefonseelsorge", "notruf-112", "sucht-drogen-hotline"} <= {e.id for e in card}


def test_every_topic_key_exists_in_german_and_english(content: InfoContent) -> None:
    for lang in ("de", "en"):
        topics = content.topics(lang)
        assert not topics.fallback
        assert [t.key for t in topics.value] == list(TOPIC_KEYS)
        assert {t.lang for t in topics.value} == {lang}
    for lang in ("de", "en"):
        raw = tomllib.loads((ROOT / "topics" / f"{lang}.toml").read_text(encoding="utf-8"))
        assert {t["key"] for t in raw["topic"]} == set(TOPIC_KEYS)


def test_german_and_english_bodies_stay_short(content: InfoContent) -> None:
    for lang in ("de", "en"):
        for topic in content.topics(lang).value:
            assert len(topic.body) <= 600, (lang, topic.key, len(topic.body))


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
def test_topics_and_glossary_are_complete_in_every_shipped_language(content: InfoContent, lang: str) -> None:
    assert not content.topics(lang).fallback
    glossary = content.glossary(lang)
    assert not glossary.fallback
    assert {"Grundsicherungsgeld", "Widerspruch", "Leistungsminderung", "Bedarfsgemeinschaft"} <= {
        g.term for g in glossary.value
    }


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
def test_the_crisis_card_is_translated_in_every_shipped_language(content: InfoContent, lang: str) -> None:
    card = content.crisis_entries(lang, None)
    assert not card.fallback
    assert card.value and {e.lang for e in card.value} == {lang}


def test_english_covers_every_regional_entry(content: InfoContent) -> None:
    for region in PROGRAMME_REGIONS:
        for key in TOPIC_KEYS:
            assert not content.entries(key, "en", region).fallback, (region, key)


def test_translations_keep_the_german_contact_details(content: InfoContent) -> None:
    german = {e.key: e for e in content.crisis_entries("de", "bochum").value}
    for entry in content.crisis_entries("ar", "bochum").value:
        reference = german[entry.key]
        assert (entry.name, entry.phone, entry.website, entry.source) == (
            reference.name,
            reference.phone,
            reference.website,
            reference.source,
        )


def test_no_entry_in_any_shipped_file_lacks_a_source(content: InfoContent) -> None:
    for region in KNOWN_REGIONS:
        raw = tomllib.loads((ROOT / "regions" / region / "de.toml").read_text(encoding="utf-8"))
        for entry in raw["entry"]:
            assert str(entry.get("source", "")).strip(), (region, entry.get("id"))
    for path in (ROOT / "regions").glob("*/*.toml"):
        for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("entry", []):
            assert "phone" not in entry or path.name == "de.toml"  # contact details live in de.toml only
    for place in (NATIONAL, *PROGRAMME_REGIONS):
        for lang in SHIPPED_LANGUAGES:
            for key in TOPIC_KEYS:
                assert all(e.source.strip() for e in content.entries(key, lang, place).value)


def test_entries_list_the_region_first_then_national(content: InfoContent) -> None:
    entries = content.entries("mental_health", "de", "berlin-lichtenberg").value
    regions = [e.region for e in entries]
    assert regions[0] == "berlin-lichtenberg"
    assert regions == sorted(regions, key=lambda r: r == NATIONAL)
    assert (
        content.entries("mental_health", "de", None).value
        == content.entries("mental_health", "de", NATIONAL).value
    )
    assert {e.region for e in content.entries("debts", "de", None).value} == {NATIONAL}


def test_unknown_keys_raise_but_the_crisis_card_never_does(content: InfoContent) -> None:
    with pytest.raises(KeyError):
        content.entries("money", "de", None)
    with pytest.raises(KeyError):
        content.entries("debts", "de", "hamburg")
    card = content.crisis_entries("de", "hamburg")
    assert card.value == content.crisis_entries("de", None).value
    assert content.topic("money", "de") is None


def test_crisis_card_shows_the_local_service_first(content: InfoContent) -> None:
    card = content.crisis_entries("en", "berlin-lichtenberg").value
    assert card[0].key == "berlin-lichtenberg/berliner-krisendienst"
    assert all(e.crisis for e in card)


# --- search -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "lang"),
    [("Schulden", "de"), ("debt", "en"), ("ديون", "ar"), ("борги", "uk"), ("долги", "ru"), ("borç", "tr")],
)
def test_search_finds_the_debts_topic(content: InfoContent, query: str, lang: str) -> None:
    hits = content.search(query, lang, None)
    assert (hits[0].kind, hits[0].key, hits[0].topic) == ("topic", "debts", "debts")


@pytest.mark.parametrize(
    "query", ["Schuldenn", "Schuldn", "Schudlen", "SCHULDEN", "schülden", "Schuldnerberatung"]
)
def test_search_forgives_typos_beginnings_case_and_accents(content: InfoContent, query: str) -> None:
    assert content.search(query, "de", None)[0].key == "debts"


def test_search_tolerates_one_typo_only_in_longer_words(content: InfoContent) -> None:
    assert all(hit.key != "debts" for hit in content.search("Schuxxen", "de", None))
    assert content.search("Masnahme", "de", None)[0].key == "Maßnahme"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("الدُّيُونُ", "debts"),  # vowel marks and the article
        ("إيجار", "housing"),  # alef with hamza below
        ("أيجار", "housing"),  # alef with hamza above
        ("ايجار", "housing"),  # plain alef
        ("مساعده", "addiction"),  # ه for ة (the addiction title says مساعدة)
        ("الـديـون", "debts"),  # tatweel
    ],
)
def test_arabic_is_normalised(content: InfoContent, query: str, expected: str) -> None:
    assert content.search(query, "ar", None)[0].key == expected


def test_persian_typed_on_an_arabic_keyboard_still_matches(content: InfoContent) -> None:
    # Arabic kaf and yeh instead of the Persian letters, and a zero-width non-joiner in a plural
    assert content.search("بدهي", "fa", None)[0].key == "debts"
    assert content.search("بدهی\u200cها", "fa", None)[0].key == "debts"


def test_search_also_understands_german_words_and_answers_in_the_users_language(content: InfoContent) -> None:
    hit = content.search("Schulden", "uk", None)[0]
    assert (hit.key, hit.title, hit.lang) == ("debts", "Борги", "uk")
    term = content.search("Widerspruch", "en", None)[0]
    assert (term.kind, term.key, term.title) == ("glossary", "Widerspruch", "Widerspruch (objection)")


def test_search_limits_entries_to_the_users_region(content: InfoContent) -> None:
    def keys(region: str | None) -> set[str]:
        return {h.key for h in content.search("Krisenhilfe Drogenberatung", "de", region, limit=20)}

    assert "bochum/krisenhilfe-drogenberatung" in keys("bochum")
    assert not any(k.startswith("bochum/") for k in keys("leverkusen"))
    assert not any(k.startswith("bochum/") for k in keys(None))


def test_search_ignores_empty_and_function_word_queries(content: InfoContent) -> None:
    assert content.search("", "de", None) == []
    assert content.search("  ?!  ", "de", None) == []
    assert content.search("ich habe die", "de", None) == []
    assert content.search("Schulden", "de", None, limit=0) == []
    assert len(content.search("Hilfe Beratung", "de", "bochum", limit=3)) <= 3


# --- fallback -----------------------------------------------------------------------------------------


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    root = tmp_path / "info"
    shutil.copytree(ROOT, root)
    return root


def test_missing_language_file_falls_back_to_german_and_says_so(content_copy: Path) -> None:
    (content_copy / "topics" / "tr.toml").unlink()
    content = load_info_content(content_copy)
    topics = content.topics("tr")
    assert (topics.lang, topics.fallback) == ("de", True)
    assert [t.title for t in topics.value] == [t.title for t in content.topics("de").value]
    assert not content.glossary("tr").fallback  # the glossary file is still there
    topic = content.topic("debts", "tr")
    assert topic is not None and (topic.lang, topic.fallback) == ("de", True)


def test_missing_entry_translation_falls_back_for_that_entry_only(content_copy: Path) -> None:
    path = content_copy / "regions" / "national" / "en.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('[[entry]]\nid = "telefonseelsorge"')
    end = text.index("[[entry]]", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    card = load_info_content(content_copy).crisis_entries("en", None)
    assert (card.lang, card.fallback) == ("en", True)
    langs = {e.id: e.lang for e in card.value}
    assert langs["telefonseelsorge"] == "de" and langs["notruf-112"] == "en"


def test_unknown_or_regional_language_codes(content: InfoContent) -> None:
    assert (content.topics("fr").lang, content.topics("fr").fallback) == ("de", True)
    assert (content.topics("en-GB").lang, content.topics("en-GB").fallback) == ("en", False)
    assert (content.topics("de").lang, content.topics("de").fallback) == ("de", False)


# --- validation ---------------------------------------------------------------------------------------


def _minimal(root: Path) -> None:
    """A small valid content tree to break on purpose."""
    topics = "".join(
        f'[[topic]]\nkey = "{key}"\ntitle = "Titel {key}"\nbody = "Text."\nkeywords = ["{key}"]\n\n'
        for key in TOPIC_KEYS
    )
    _write(root / "topics" / "de.toml", topics)
    _write(root / "glossary" / "de.toml", '[[term]]\nterm = "Bescheid"\nexplanation = "Ein Brief."\n')
    _write(
        root / "regions" / "national" / "de.toml",
        '[region]\nname = "Bundesweit"\n\n'
        '[[entry]]\nid = "ts"\ntopic = "mental_health"\ncrisis = true\nname = "TelefonSeelsorge"\n'
        'description = "Reden hilft."\nphone = ["0800 111 0 111"]\nsource = "https://example.org/ts"\n',
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The minimal valid tree, in a folder of its own."""
    _minimal(tmp_path)
    return tmp_path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _problems(root: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_info_content(root)
    return str(caught.value)


def test_the_minimal_tree_is_valid(tree: Path) -> None:
    content = load_info_content(tree)
    assert content.regions() == ()
    assert content.crisis_entries("de", None).value[0].phone == ("0800 111 0 111",)


def test_unknown_field_names_file_and_line(tree: Path) -> None:
    path = tree / "topics" / "de.toml"
    text = path.read_text(encoding="utf-8").replace(
        'body = "Text."\nkeywords = ["health"]', 'body = "Text."\nkeywrds = ["health"]'
    )
    path.write_text(text, encoding="utf-8")
    message = _problems(tree)
    line = _line_of(text, "keywrds")
    assert f'topics/de.toml, line {line}: topic 3, field "keywrds": unknown field' in message
    assert "allowed are: key, title, body, keywords" in message


def test_bad_phone_names_file_line_and_entry(tree: Path) -> None:
    entries = "".join(
        f'[[entry]]\nid = "e{n}"\ntopic = "debts"\nname = "Stelle {n}"\ndescription = "Hilft."\n'
        f'phone = "{"0234 12345" if n != 4 else "0234 CALL-ME"}"\nsource = "insat-bochum.txt"\n\n'
        for n in range(1, 6)
    )
    text = '[region]\nname = "Bochum"\n\n' + entries
    _write(tree / "regions" / "bochum" / "de.toml", text)
    message = _problems(tree)
    line = _line_of(text, 'phone = "0234 CALL-ME"')
    assert (
        f'regions/bochum/de.toml, line {line}: entry 4, field "phone" (item 1): '
        "only digits, spaces and + / - ( ) are allowed"
    ) in message


def test_bad_topic_key_and_website_are_explained(tree: Path) -> None:
    text = (
        '[region]\nname = "Bochum"\n\n[[entry]]\nid = "x"\ntopic = "schulden"\nname = "X"\n'
        'description = "Y"\nwebsite = "www.example.org"\nsource = "insat-bochum.txt"\n'
    )
    _write(tree / "regions" / "bochum" / "de.toml", text)
    message = _problems(tree)
    topic_line, website_line = _line_of(text, "topic ="), _line_of(text, "website =")
    assert f'line {topic_line}: entry 1, field "topic": unknown topic "schulden"' in message
    assert "regions/bochum/de.toml" in message and "use one of: addiction, mental_health" in message
    assert f'line {website_line}: entry 1, field "website": must be a full web address' in message


def test_toml_syntax_error_names_file_and_line(tree: Path) -> None:
    path = tree / "glossary" / "de.toml"
    path.write_text('[[term]]\nterm = "Bescheid"\nexplanation = "Ein Brief.\n', encoding="utf-8")
    message = _problems(tree)
    assert "glossary/de.toml, line 3: TOML syntax error" in message
    assert "check quotes, brackets, commas" in message


def test_unknown_language_file_name_is_reported(tree: Path) -> None:
    _write(tree / "topics" / "deutsch.toml", "")
    message = _problems(tree)
    assert 'topics/deutsch.toml, line 1: unknown language "deutsch" in the file name' in message
    assert "de.toml, en.toml, ar.toml" in message


def test_unknown_region_folder_is_reported(tree: Path) -> None:
    _write(tree / "regions" / "koeln" / "de.toml", '[region]\nname = "Köln"\n')
    assert 'regions/koeln/: unknown region "koeln"' in _problems(tree)


def test_missing_source_and_empty_text_are_explained(tree: Path) -> None:
    text = (
        '[region]\nname = "Uckermark"\n\n'
        '[[entry]]\nid = "x"\ntopic = "health"\nname = "  "\ndescription = "Y"\n'
    )
    _write(tree / "regions" / "uckermark" / "de.toml", text)
    message = _problems(tree)
    assert 'regions/uckermark/de.toml, line 4: entry 1, field "source": this field is required' in message
    assert "write where the information comes from" in message
    name_line = _line_of(text, 'name = "  "')
    assert f'line {name_line}: entry 1, field "name": must not be empty' in message


def test_translations_may_not_carry_contact_details_or_unknown_ids(tree: Path) -> None:
    text = (
        '[[entry]]\nid = "ts"\ndescription = "Talking helps."\nphone = "116 123"\n\n'
        '[[entry]]\nid = "nope"\ndescription = "?"\n'
    )
    _write(tree / "regions" / "national" / "en.toml", text)
    message = _problems(tree)
    assert (
        'regions/national/en.toml, line 4: entry 1, field "phone": this field is not allowed here' in message
    )
    assert "written in de.toml only" in message
    _write(tree / "regions" / "national" / "en.toml", text.replace('phone = "116 123"\n', ""))
    message = _problems(tree)
    id_line = _line_of(text, 'id = "nope"') - 1  # one line less: the phone line is gone
    assert f'regions/national/en.toml, line {id_line}: entry 2: id "nope" is not in' in message


def test_all_problems_are_collected_not_just_the_first(tree: Path) -> None:
    _write(tree / "topics" / "xx.toml", "")
    _write(tree / "glossary" / "en.toml", '[[term]]\nterm = "Widerspruch"\nexplanation = "Objection."\n')
    _write(
        tree / "glossary" / "de.toml",
        '[[term]]\nterm = "Bescheid"\nexplanation = "Ein Brief."\ncolour = "red"\n',
    )
    with pytest.raises(ContentError) as caught:
        load_info_content(tree)
    paths = {issue.path for issue in caught.value.issues}
    assert {"topics/xx.toml", "glossary/de.toml"} <= paths
    assert str(caught.value).startswith(f"The /info content has {len(caught.value.issues)} problems:")


def test_missing_german_topic_and_duplicates_are_reported(tree: Path) -> None:
    path = tree / "topics" / "de.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('[[topic]]\nkey = "rights"')
    text = text[:start] + text[text.index("[[topic]]", start + 1) :]
    text += '[[topic]]\nkey = "debts"\ntitle = "Noch einmal"\nbody = "Text."\n'
    path.write_text(text, encoding="utf-8")
    message = _problems(tree)
    assert "topics/de.toml, line 1: these topics are missing in German: rights" in message
    duplicate_line = text[: text.rindex('key = "debts"')].count("\n") + 1
    assert f'topics/de.toml, line {duplicate_line}: "debts" appears twice in this file' in message


def test_text_blocks_are_reflowed_into_paragraphs_and_list_items(tree: Path) -> None:
    path = tree / "topics" / "de.toml"
    body = (
        "body = '''\nErste Zeile\nzweite Zeile.\n\n"
        "Neuer Absatz:\n- Punkt eins\n- Punkt zwei\n  geht weiter.\n'''"
    )
    path.write_text(path.read_text(encoding="utf-8").replace('body = "Text."', body, 1), encoding="utf-8")
    topic = load_info_content(tree).topic("addiction", "de")
    assert topic is not None
    assert (
        topic.value.body
        == "Erste Zeile zweite Zeile.\n\nNeuer Absatz:\n- Punkt eins\n- Punkt zwei geht weiter."
    )


def test_a_missing_folder_is_reported(tree: Path) -> None:
    shutil.rmtree(tree / "glossary")
    assert "glossary/: this folder is missing" in _problems(tree)
