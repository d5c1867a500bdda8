"""Crisis words in a participant's own text, in every language with a word list: matched without a database.

The patterns are data: `locales/crisis/<language>.toml` (format in its README.md), read and checked once,
when this module is imported, so a broken list stops the program at start-up instead of going unnoticed.
Text and patterns are normalised the same way (casefold, diacritics removed, Arabic and Persian letter
variants unified, apostrophes and joiners dropped, letters repeated three times or more collapsed), then
split into words; sentence punctuation becomes a clause mark `|`. A pattern is a short sequence of words:

    word    exactly this word          word*   a word starting with it
    *word   a word ending with it      *word*  a word containing it (Arabic attaches prefixes)
    ..      up to three other words    |       the end of a clause (keeps "bring mich um 8 zum Arzt" out)

Patterns are written in their native spelling (with umlauts, hamza, ё ...) and normalised when loaded; a
list may name other spellings of its letters (German ä/ö/ü also as ae/oe/ue, the way people type without
umlauts). A false alarm costs a kind card; a miss costs far more, so patterns lean towards matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from dialogs.crisis.word_lists import (
    CLAUSE,
    CRISIS_WORDS_DIR,
    GAP,
    SYMBOLS,
    TIERS,
    CrisisWordsError,
    WordList,
    read_word_lists,
)

MAX_GAP = 3

# Dropped: apostrophes (don't -> dont, вб'ю -> вбю), zero-width joiners (Persian half-space), tatweel.
_DROPPED = dict.fromkeys(map(ord, "'’‘ʼ`´\u200c\u200d\u0640\u00ad"), None)
# Letters without a decomposition, and Arabic/Persian variants of one letter.
_UNIFIED = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ة": "ه",
        "ۀ": "ه",
        "ہ": "ه",
        "ک": "ك",
        "ё": "е",
    }
)
_CLAUSE_END = re.compile(r"[.!?;:,،؛؟\n]+")
_NOT_WORD = re.compile(f"[^\\w|{SYMBOLS}]+")
_SYMBOL = re.compile(f"[{SYMBOLS}]")
VETOED = "\x00"  # a word that a harmless phrase covers: no other pattern can use it
_REPEATS = re.compile(r"(\w)\1{2,}")


def normalise(text: str) -> str:
    """Casefolded text without diacritics, with one spelling per letter (no tokenising)."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_DROPPED))
    bare = "".join(c for c in folded if unicodedata.category(c) not in ("Mn", "Me"))
    return bare.translate(_UNIFIED)


def words(text: str) -> list[str]:
    """Normalised words, `|` at every clause end and at the very end; an emoji is a word of its own."""
    marked = _CLAUSE_END.sub(f" {CLAUSE} ", normalise(text))
    spaced = _NOT_WORD.sub(" ", _SYMBOL.sub(r" \g<0> ", marked.replace("_", " ")))
    tokens = [_REPEATS.sub(r"\1", token) for token in spaced.split()]
    collapsed: list[str] = []
    for token in tokens:
        if token == CLAUSE and (not collapsed or collapsed[-1] == CLAUSE):
            continue
        collapsed.append(token)
    if not collapsed or collapsed[-1] != CLAUSE:
        collapsed.append(CLAUSE)
    return collapsed


@dataclass(frozen=True)
class Element:
    text: str = ""
    prefix: bool = False  # the word may go on after `text`
    suffix: bool = False  # the word may start before `text`
    gap: bool = False  # `..`: up to MAX_GAP other words

    def matches(self, word: str) -> bool:
        if self.prefix and self.suffix:
            return self.text in word
        if self.prefix:
            return word.startswith(self.text)
        if self.suffix:
            return word.endswith(self.text)
        return word == self.text


@dataclass(frozen=True)
class Pattern:
    lang: str
    tier: str  # acute, distress or harmless
    source: str
    elements: tuple[Element, ...]
    needle: str  # the longest literal part: a cheap substring test before matching word by word


def _compile(word_list: WordList, tier: str, source: str) -> Pattern:
    elements: list[Element] = []
    for part in source.split():
        if part == GAP:
            elements.append(Element(gap=True))
            continue
        if part == CLAUSE:
            elements.append(Element(CLAUSE))
            continue
        pieces = [w for w in words(part.strip("*")) if w != CLAUSE]  # "по-добре" is two words
        for n, piece in enumerate(pieces):
            suffix = n == 0 and part.startswith("*")
            prefix = n == len(pieces) - 1 and part.endswith("*")
            elements.append(Element(piece, prefix=prefix, suffix=suffix))
    literals = [e.text for e in elements if not e.gap and e.text != CLAUSE]
    if not literals:
        raise CrisisWordsError([f"{word_list.path}: pattern {source!r} has no word left to look for"])
    return Pattern(word_list.lang, tier, source, tuple(elements), max(literals, key=len))


@dataclass(frozen=True)
class CrisisWords:
    """The word lists: `sources` (the acute patterns as written, by language); `patterns` compiled, every
    tier, the lists in rank order."""

    sources: Mapping[str, tuple[str, ...]]
    patterns: tuple[Pattern, ...]

    def tier(self, name: str) -> tuple[Pattern, ...]:
        return tuple(pattern for pattern in self.patterns if pattern.tier == name)


def load_crisis_words(root: Path = CRISIS_WORDS_DIR) -> CrisisWords:
    """Read, check and compile every list under `root`; raises `CrisisWordsError` naming every problem."""
    lists = read_word_lists(root)
    patterns = [
        _compile(word_list, tier, variant)
        for word_list in lists
        for tier in TIERS
        for source in word_list.tier(tier)
        for variant in word_list.spellings(source)
    ]
    return CrisisWords(MappingProxyType({wl.lang: wl.acute for wl in lists}), tuple(patterns))


@dataclass(frozen=True)
class Matcher:
    """Finds the tiers' patterns in a text: harmless phrases first put the words they cover out of
    reach, then acute patterns in rank order, then distress patterns."""

    acute: Tier
    distress: Tier
    harmless: Tier

    @classmethod
    def of(cls, lists: CrisisWords) -> Matcher:
        acute, distress, harmless = (Tier.of(lists.tier(tier)) for tier in TIERS)
        return cls(acute, distress, harmless)

    def crisis(self, text: str) -> Pattern | None:
        """The first acute pattern found in the text (its language tells which card to show), or None."""
        return _first(self.acute, *self._unvetoed(text)) if text else None

    def distress_only(self, text: str) -> Pattern | None:
        """The first distress pattern in a text without acute words ("ich kann nicht mehr", 😭), or None."""
        if not text:
            return None
        tokens, keys = self._unvetoed(text)
        if _first(self.acute, tokens, keys) is not None:
            return None
        return _first(self.distress, tokens, keys)

    def _unvetoed(self, text: str) -> tuple[list[str], set[str]]:
        """The text's words, those that a harmless phrase covers ("bringt mich noch um",
        "Suizidprävention", "ölmek istemiyorum") put out of reach of the other patterns; and the keys of
        the text before (a superset of those after: candidates are checked again)."""
        tokens = words(text)
        joined = " ".join(tokens)
        keys = _keys(joined)
        for pattern in self.harmless.candidates(joined, keys):
            for i in range(len(tokens)):
                end = _match_end(pattern.elements, tokens, i)
                if end is not None:
                    tokens[i:end] = [t if t == CLAUSE else VETOED for t in tokens[i:end]]
        return tokens, keys


def _match_end(elements: tuple[Element, ...], tokens: list[str], i: int) -> int | None:
    """Where a match of `elements` starting at word `i` ends (the index after it), or None."""
    if not elements:
        return i
    head, rest = elements[0], elements[1:]
    if head.gap:
        for skip in range(MAX_GAP + 1):
            if skip and (i + skip - 1 >= len(tokens) or tokens[i + skip - 1] == CLAUSE):
                break
            end = _match_end(rest, tokens, i + skip)
            if end is not None:
                return end
        return None
    if i >= len(tokens):
        return None
    token = tokens[i]
    if head.text == CLAUSE:
        return _match_end(rest, tokens, i + 1) if token == CLAUSE else None
    if token in (CLAUSE, VETOED) or not head.matches(token):
        return None
    return _match_end(rest, tokens, i + 1)


KEY = 3  # patterns are indexed by the first letters of their needle


@dataclass(frozen=True)
class Tier:
    """One tier's patterns in rank order, indexed by the first `KEY` letters of their needle, so that a
    text is tried only against the patterns whose needle could be in it (a few dozen of about a thousand).
    Needles shorter than that (an emoji, a two-letter word) are always tried."""

    patterns: tuple[Pattern, ...]
    index: Mapping[str, tuple[int, ...]]
    short: tuple[int, ...]

    @classmethod
    def of(cls, patterns: tuple[Pattern, ...]) -> Tier:
        index: dict[str, list[int]] = {}
        for rank, pattern in enumerate(patterns):
            if len(pattern.needle) >= KEY:
                index.setdefault(pattern.needle[:KEY], []).append(rank)
        short = tuple(rank for rank, pattern in enumerate(patterns) if len(pattern.needle) < KEY)
        return cls(patterns, MappingProxyType({key: tuple(ranks) for key, ranks in index.items()}), short)

    def candidates(self, joined: str, keys: set[str]) -> list[Pattern]:
        """The patterns whose needle is in `joined` (`keys`: its `KEY`-letter pieces), in rank order."""
        ranks = [rank for key in keys & self.index.keys() for rank in self.index[key]]
        ranks.extend(self.short)
        ranks.sort()
        return [self.patterns[rank] for rank in ranks if self.patterns[rank].needle in joined]


def _keys(joined: str) -> set[str]:
    return {joined[i : i + KEY] for i in range(len(joined) - KEY + 1)}


def _first(tier: Tier, tokens: list[str], keys: set[str]) -> Pattern | None:
    for pattern in tier.candidates(" ".join(tokens), keys):
        if any(_match_end(pattern.elements, tokens, i) is not None for i in range(len(tokens))):
            return pattern
    return None


_SHIPPED = load_crisis_words()
PATTERNS = _SHIPPED.sources
MATCHER = Matcher.of(_SHIPPED)
find_crisis = MATCHER.crisis
find_distress = MATCHER.distress_only


def compiled() -> tuple[Pattern, ...]:
    """The acute patterns, in rank order."""
    return MATCHER.acute.patterns
