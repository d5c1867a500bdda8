"""The three tiers of a word list: acute words bring the card, distress words a warm answer, and harmless
phrases (idioms, negations) take their words out of reach of both."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.crisis.words import KEY, Matcher, load_crisis_words, words
from dialogs.crisis.words import MATCHER as SHIPPED
from tests.dialogs.crisis.corpus import CORPUS_DIR

CORPUS_PHRASES = sorted(
    phrase
    for path in CORPUS_DIR.glob("*.toml")
    for phrases in tomllib.loads(path.read_text(encoding="utf-8")).values()
    for phrase in phrases
)

LIST = """
rank = 1
also_spelt = { "ä" = "ae" }
acute = ["bring* mich .. um |", "*suizid*", "ich will .. sterben", "ölmek istiyorum"]
distress = ["kann nicht mehr", "alles .. sinnlos", "😭"]
harmless = ["bringt mich noch um", "*suizidprävention*", "ölmek istemiyorum", "nicht mehr von .. leben"]
"""


@pytest.fixture
def matcher(tmp_path: Path) -> Matcher:
    (tmp_path / "de.toml").write_text(LIST, encoding="utf-8")
    return Matcher.of(load_crisis_words(tmp_path))


def test_acute_words_bring_the_card_and_outrank_distress(matcher: Matcher) -> None:
    assert matcher.crisis("Ich bring mich heute um.") is not None
    found = matcher.crisis("ich kann nicht mehr, ich will einfach nur sterben")
    assert found is not None and found.tier == "acute"
    assert matcher.distress_only("ich kann nicht mehr, ich will einfach nur sterben") is None


def test_distress_words_are_not_a_crisis(matcher: Matcher) -> None:
    assert matcher.crisis("Ich kann nicht mehr") is None
    found = matcher.distress_only("Ich kann nicht mehr")
    assert found is not None and found.tier == "distress"
    assert matcher.distress_only("Alles ist so sinnlos") is not None


def test_an_emoji_is_a_word(matcher: Matcher) -> None:
    assert matcher.distress_only("😭") is not None
    assert matcher.distress_only("😭😭😭") is not None
    assert matcher.distress_only("heute 😭") is not None
    assert matcher.distress_only("heute 😀") is None
    assert words("gut😭") == ["gut", "😭", "|"]


def test_idioms_and_negations_take_their_words_out_of_reach(matcher: Matcher) -> None:
    assert matcher.crisis("Das bringt mich noch um, dieser Papierkram") is None
    assert matcher.crisis("Wo ist die Suizidprävention?") is None
    assert matcher.crisis("ölmek istemiyorum") is None
    assert matcher.crisis("ölmek istiyorum") is not None
    assert matcher.distress_only("Ich kann nicht mehr von 500 Euro leben") is None


def test_a_harmless_phrase_does_not_hide_a_crisis_beside_it(matcher: Matcher) -> None:
    """Only the words the harmless phrase covers are out of reach, not the whole message."""
    assert matcher.crisis("Das bringt mich noch um. Ich denke an Suizid.") is not None
    assert matcher.crisis("Wo ist die Suizidprävention? Ich bringe mich sonst um.") is not None


def test_harmless_phrases_are_spelt_like_the_others(matcher: Matcher) -> None:
    """Letters' other spellings (ä as ae) apply to every tier."""
    assert matcher.crisis("Wo ist die Suizidpraevention?") is None


@given(st.text(max_size=80) | st.sampled_from(CORPUS_PHRASES))
def test_the_index_finds_every_pattern_a_full_scan_finds(text: str) -> None:
    joined = " ".join(words(text))
    keys = {joined[i : i + KEY] for i in range(len(joined) - KEY + 1)}
    for tier in (SHIPPED.acute, SHIPPED.distress, SHIPPED.harmless):
        assert tier.candidates(joined, keys) == [p for p in tier.patterns if p.needle in joined]
