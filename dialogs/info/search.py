"""Searching the /info content by typed words, in the participant's language and in German.

Each language gets an index from words to the topics, glossary terms and entries whose titles, terms or
keywords hold them. Words are compared forgivingly: case, accents, Arabic vowel marks and letter variants
do not matter, and a word may match by its beginning, by another ending of its stem, or with one typo.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from dialogs.info.schema import Entry, GlossaryTerm, Topic


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: Literal["topic", "glossary", "entry"]
    key: str  # topic key, German glossary term, or "<region>/<entry id>"
    title: str
    score: float
    topic: str | None  # the topic to open for a topic or an entry
    lang: str


# Hits of equal score: topics first, then glossary terms, then entries.
KIND_ORDER = {"topic": 0, "glossary": 1, "entry": 2}


# Function words that would otherwise match keyword beginnings ("die" -> "dienst").
_STOPWORD_TEXT = """
    der die das den dem des ein eine einen einem und oder ich du er sie es wir ihr mein meine mir mich
    mit fur von zu zum zur im in am an auf ist bin sind habe hast hat haben nicht kein keine was wie wo
    wer wann warum bei aus nach so auch noch nur sehr
    the an and or you my me is am are to of for in on at with what how where who when have has not no
    do does can
    ve bir ne icin bu
    и в во не я у на что как где мне меня это
    як що де мені це
    jak nie co gdzie mi
    si nu ce cum unde
    и в не аз ме как къде
    في من على انا عن ما هل
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_FOLD = {
    "ı": "i",
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ħ": "h",
    "ـ": None,  # tatweel
    "ٱ": "ا",
    "ة": "ه",
    "ۀ": "ه",
    "ى": "ي",
    "ی": "ي",
    "ئ": "ي",
    "ک": "ك",
    "ؤ": "و",
}


class _FoldTable(dict[int, str | None]):
    """A `str.translate` table that drops marks and format characters and unifies letter variants.

    Filled on first sight of each character, so normalising runs at C speed afterwards.
    """

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        value = None if unicodedata.category(char) in ("Mn", "Cf") else _FOLD.get(char, char)
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()
_WORD_RE = re.compile(r"\w+")
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")


def _normalize(text: str) -> str:
    """Casefold, strip accents and marks, unify Arabic and Persian letter variants.

    NFKD splits "ä" into "a" plus a mark and "أ", "إ", "آ" into "ا" plus a mark; the marks (and Arabic
    vowel signs) are dropped, then ة, ى, ی, ک and friends are mapped to one form each.
    """
    return unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD_TABLE)


def _tokens(text: str) -> list[str]:
    words = []
    for word in _WORD_RE.findall(_normalize(text)):
        if "\u0600" <= word[0] <= "\u06ff":
            for prefix in _ARABIC_PREFIXES:
                if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                    word = word[len(prefix) :]
                    break
        if len(word) >= 2 or word.isdigit():
            words.append(word)
    return words


def query_words(query: str) -> list[str]:
    words = [w for w in _tokens(query[:300]) if w not in _STOPWORDS]
    return list(dict.fromkeys(words))[:12]


def _within_one_edit(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns a into b."""
    if a == b:
        return True
    if len(a) > len(b):
        a, b = b, a
    la, lb = len(a), len(b)
    if lb - la > 1:
        return False
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la < lb:
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]


def _match(query: str, token: str) -> float:
    """How well one query word matches one indexed word, from 0 (not at all) to 1 (the same)."""
    if query == token:
        return 1.0
    lq, lt = len(query), len(token)
    if lq >= 3 and token.startswith(query):
        return 0.6 + 0.3 * lq / lt
    if lt >= 4 and query.startswith(token):  # a keyword at the start of a longer (compound) word
        return 0.55 + 0.25 * lt / lq
    if lq >= 5 and abs(lq - lt) <= 1 and _within_one_edit(query, token):
        return 0.75
    if min(lq, lt) >= 4 and _common_prefix(query, token) >= max(4, lq - 3, lt - 3):
        return 0.65  # the same stem with another ending: "долгов" and "долги", "długów" and "długi"
    if lq >= 5 and lt > lq and any(_within_one_edit(query, token[:n]) for n in (lq - 1, lq, lq + 1)):
        return 0.5
    return 0.0


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@dataclass(frozen=True, slots=True)
class Doc:
    kind: Literal["topic", "glossary", "entry"]
    key: str
    title: str
    lang: str
    topic: str | None
    region: str | None


class SearchIndex:
    """Words of one language mapped to the documents (and field weights) they occur in."""

    def __init__(self, docs: Sequence[tuple[Doc, Sequence[tuple[str, float]]]]) -> None:
        self.docs = tuple(doc for doc, _ in docs)
        self.docs_by_key: dict[tuple[str, str], Doc] = {(doc.kind, doc.key): doc for doc in self.docs}
        postings: dict[str, dict[int, float]] = {}
        for number, (_, fields) in enumerate(docs):
            for text, weight in fields:
                for word in _tokens(text):
                    slot = postings.setdefault(word, {})
                    slot[number] = max(slot.get(number, 0.0), weight)
        self.postings = postings

    def score(self, words: Sequence[str]) -> list[tuple[Doc, float]]:
        totals: dict[int, float] = {}
        for word in words:
            best: dict[int, float] = {}
            for token, docs in self.postings.items():
                quality = _match(word, token)
                if quality:
                    for number, weight in docs.items():
                        best[number] = max(best.get(number, 0.0), quality * weight)
            for number, value in best.items():
                totals[number] = totals.get(number, 0.0) + value
        return [(self.docs[number], total) for number, total in totals.items()]


_TITLE, _NAME, _KEYWORD, _TRANSLATION = 3.0, 2.0, 2.0, 2.5


def build_index(
    lang: str, topics: Iterable[Topic], terms: Iterable[GlossaryTerm], entries: Iterable[Entry]
) -> SearchIndex:
    docs: list[tuple[Doc, list[tuple[str, float]]]] = []
    for topic in topics:
        fields = [(topic.title, _TITLE), *((k, _KEYWORD) for k in topic.keywords)]
        docs.append((Doc("topic", topic.key, topic.title, lang, topic.key, None), fields))
    for term in terms:
        fields = [(term.term, _TITLE), *((k, _KEYWORD) for k in term.keywords)]
        if term.translation:
            fields.append((term.translation, _TRANSLATION))
        docs.append((Doc("glossary", term.term, term.label, lang, None, None), fields))
    for entry in entries:
        fields = [(entry.name, _NAME), *((k, _KEYWORD) for k in entry.keywords)]
        docs.append((Doc("entry", entry.key, entry.name, lang, entry.topic, entry.region), fields))
    return SearchIndex(docs)
