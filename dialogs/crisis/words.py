"""Crisis words in a participant's own text, in every shipped language: matched without a database.

Text and patterns are normalised the same way (casefold, diacritics removed, Arabic and Persian letter
variants unified, apostrophes and joiners dropped, letters repeated three times or more collapsed), then
split into words; sentence punctuation becomes a clause mark `|`. A pattern is a short sequence of words:

    word    exactly this word          word*   a word starting with it
    *word   a word ending with it      *word*  a word containing it (Arabic attaches prefixes)
    ..      up to three other words    |       the end of a clause (keeps "bring mich um 8 zum Arzt" out)

Patterns are written in their native spelling (with umlauts, hamza, ё ...) and normalised when loaded;
German patterns with ä/ö/ü are also loaded with ae/oe/ue, the way people type without umlauts. A false
alarm costs a kind card; a miss costs far more, so patterns lean towards matching.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

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
_NOT_WORD = re.compile(r"[^\w|]+")
_REPEATS = re.compile(r"(\w)\1{2,}")
CLAUSE = "|"


def normalise(text: str) -> str:
    """Casefolded text without diacritics, with one spelling per letter (no tokenising)."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_DROPPED))
    bare = "".join(c for c in folded if unicodedata.category(c) not in ("Mn", "Me"))
    return bare.translate(_UNIFIED)


def words(text: str) -> list[str]:
    """Normalised words, `|` at every clause end and at the very end."""
    marked = _CLAUSE_END.sub(f" {CLAUSE} ", normalise(text))
    spaced = _NOT_WORD.sub(" ", marked.replace("_", " "))
    tokens = [_REPEATS.sub(r"\1", token) for token in spaced.split()]
    collapsed: list[str] = []
    for token in tokens:
        if token == CLAUSE and (not collapsed or collapsed[-1] == CLAUSE):
            continue
        collapsed.append(token)
    if not collapsed or collapsed[-1] != CLAUSE:
        collapsed.append(CLAUSE)
    return collapsed


# Native forms, by language. Keep each list to clear statements of wanting to die, to kill or harm
# oneself, or of an overdose; a bare "die" or "kill" is not enough.
PATTERNS: dict[str, tuple[str, ...]] = {
    "de": (
        "*suizid*",
        "*suizit*",
        "*suzid*",
        "*selbstmord*",
        "*selbsmord*",
        "*selbstmort*",
        "umbring*",
        "umzubring*",
        "umgebracht",
        "bring* mich um |",
        "bring* mich .. um |",
        "mich töten",
        "mich .. töten",
        "töte mich |",
        "nicht mehr .. leben",
        "will .. sterben",
        "möchte .. sterben",
        "würde .. gern* sterben",
        "sterben will*",
        "sterben möcht*",
        "lieber tot",
        "liebsten tot",
        "ich wäre tot |",
        "will .. tot sein",
        "tot sein will*",
        "lebensmüd*",
        "nehm* mir das leben",
        "mir das leben .. nehm*",
        "mein leben beend*",
        "leben .. kein* sinn*",
        "kein* sinn .. zu leben",
        "kein* lust mehr .. leben",
        "selbstverletz*",
        "ritz* mich",
        "mich .. ritz*",
        "*überdosis*",
        "goldene* schuss",
        "mich .. erhäng*",
        "mich .. aufhäng*",
    ),
    "en": (
        "suicid*",
        "*suicid*",
        "sucid*",
        "suicd*",
        "suisid*",
        "sucide*",
        "suecid*",
        "kill* myself",
        "kill* my self",
        "kill* .. myself",
        "kms",
        "want* to die",
        "want* .. to die",
        "wanna die",
        "wish i was dead",
        "wish i were dead",
        "better off dead",
        "end* my life",
        "end it all",
        "take my own life",
        "take my life",
        "no reason to live",
        "dont want to live",
        "do not want to live",
        "dont wanna live",
        "dont want to .. alive",
        "do not want to .. alive",
        "tired of living",
        "hurt* myself",
        "harm* myself",
        "self harm*",
        "selfharm*",
        "cut* myself",
        "self injur*",
        "overdos*",
        "hang* myself",
    ),
    "ar": (
        "*انتحار*",
        "*نتحر*",
        "*قتل* نفسي",
        "*قتل* حالي",
        "*قتل* روحي",
        "*ريد* .. *موت",
        "بدي .. *موت",
        "عاي* .. اموت",
        "عاو* .. اموت",
        "ابي اموت",
        "ابغ* .. اموت",
        "*نهي .. حياتي",
        "*نهاء حياتي",
        "لا *ريد* .. *عيش",
        "ما بدي .. *عيش",
        "مش عاي* .. *عيش",
        "تعبت من الحياة",
        "تعبت من حياتي",
        "*يذاء نفسي",
        "*ؤذي نفسي",
        "*اذي نفسي",
        "جرعة زائدة",
        "الموت احسن",
        "الموت افضل",
        "يا رب .. اموت",
        "يارب .. اموت",
    ),
    "fa": (
        "*خودکش*",
        "خود کشی",
        "خودمو *کشم",
        "خودم را *کشم",
        "خودم رو *کشم",
        "میخوا* .. بمیر*",
        "خوا* .. بمیر*",
        "نمیخوا* .. زنده",
        "نمیخوا* .. زندگی",
        "نمی خوا* .. زنده",
        "نمی خوا* .. زندگی",
        "زندگیم .. پایان",
        "به زندگی خودم پایان",
        "آرزوی مرگ",
        "آرزوی مردن",
        "کاش .. بمیرم",
        "کاش .. مرده",
        "به خودم آسیب",
        "خودزنی*",
        "*اوردوز*",
    ),
    "tr": (
        "intihar*",
        "intiar*",
        "intahar*",
        "kendimi öldür*",
        "kendimi .. öldür*",
        "ölmek ist*",
        "ölmek .. ist*",
        "keşke .. ölsem",
        "ölsem daha iyi",
        "yaşamak istemi*",
        "yaşamak .. istemi*",
        "canıma kıy*",
        "hayatıma son ver*",
        "hayatıma son .. ver*",
        "kendime zarar ver*",
        "kendime .. zarar",
        "aşırı doz*",
        "yaşamaktan bık*",
        "hayattan bık*",
    ),
    "uk": (
        "*самогуб*",
        "суїцид*",
        "вбити себе",
        "вбʼю себе",
        "убити себе",
        "уб'ю себе",
        "себе вбити",
        "себе вбʼю",
        "хочу .. померти",
        "хочу .. помер*",
        "хочу .. вмерти",
        "хочу .. вмер*",
        "не хочу .. жити",
        "не хочеться .. жити",
        "не хочу .. існувати",
        "покінч* .. з собою",
        "покінч* .. з життям",
        "накла* на себе руки",
        "самоушкодж*",
        "різ* себе",
        "ріж* себе",
        "краще .. помер*",
        "краще .. вмер*",
        "передоз*",
    ),
    "ru": (
        "суицид*",
        "*самоуби*",
        "убить себя",
        "убью себя",
        "себя убить",
        "себя убью",
        "хочу .. умереть",
        "хочу .. сдохнуть",
        "хочется .. умереть",
        "хочется .. сдохнуть",
        "не хочу .. жить",
        "не хочется .. жить",
        "нет смысла .. жить",
        "поконч* .. с собой",
        "поконч* .. с жизнью",
        "счёты с жизнью",
        "лучше бы .. умер*",
        "лучше .. сдохнуть",
        "самоповрежд*",
        "*резать себя",
        "режу себя",
        "порежу себя",
        "передоз*",
        "выпрыгн* .. окна",
        "выброш* .. окна",
        "повеситься",
        "повешусь",
        "hochu .. umeret*",
        "ubit sebya",
        "ubyu sebya",
        "samoubi*",
    ),
    "pl": (
        "samobój*",
        "zabić się",
        "zabiję się",
        "się zabić",
        "się zabiję",
        "zabić siebie",
        "zabiję siebie",
        "chc* .. umrzeć",
        "chc* .. zdechnąć",
        "nie chc* .. żyć",
        "odebra* sobie życie",
        "odbior* sobie życie",
        "skończ* ze sobą",
        "targn* się na .. życie",
        "samookalecz*",
        "tnę się",
        "ciąć się",
        "pociąć się",
        "przedawkow*",
        "wolał* .. nie żyć",
        "lepiej .. nie żył*",
        "powiesić się",
        "powieszę się",
    ),
    "ro": (
        "sinucid*",
        "sinucig*",
        "să mă omor",
        "mă omor |",
        "*mi iau viața",
        "vr* să mor",
        "vr* .. să mor",
        "nu mai vreau .. trăi*",
        "nu mai are rost .. trăi*",
        "capăt vieții",
        "capăt zilelor",
        "automutil*",
        "supradoz*",
        "mă spânzur*",
        "mai bine .. muri |",
    ),
    "bg": (
        "*самоуби*",
        "суицид*",
        "искам .. умра",
        "иска ми се .. умра",
        "не искам .. живея",
        "не ми се живее",
        "се убия",
        "убия себе си",
        "край на живота си",
        "самонаран*",
        "свръхдоз*",
        "по-добре .. мъртъв",
        "по-добре .. мъртва",
        "се обеся",
        "обеся се",
    ),
}

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


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
    source: str
    elements: tuple[Element, ...]
    needle: str  # the longest literal part: a cheap substring test before matching word by word


def _compile(lang: str, source: str) -> Pattern:
    elements: list[Element] = []
    for part in source.split():
        if part == "..":
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
    return Pattern(lang, source, tuple(elements), max(literals, key=len))


@cache
def compiled() -> tuple[Pattern, ...]:
    patterns = []
    for lang, sources in PATTERNS.items():
        for source in sources:
            variants = {source, source.translate(_UMLAUTS)} if lang == "de" else {source}
            patterns += [_compile(lang, variant) for variant in sorted(variants)]
    return tuple(patterns)


def _match_at(elements: tuple[Element, ...], tokens: list[str], i: int) -> bool:
    if not elements:
        return True
    head, rest = elements[0], elements[1:]
    if head.gap:
        for skip in range(MAX_GAP + 1):
            if skip and (i + skip - 1 >= len(tokens) or tokens[i + skip - 1] == CLAUSE):
                break
            if _match_at(rest, tokens, i + skip):
                return True
        return False
    if i >= len(tokens):
        return False
    token = tokens[i]
    if head.text == CLAUSE:
        return token == CLAUSE and _match_at(rest, tokens, i + 1)
    return token != CLAUSE and head.matches(token) and _match_at(rest, tokens, i + 1)


def find_crisis(text: str) -> Pattern | None:
    """The first crisis pattern found in the text (its language tells which card to show), or None."""
    if not text:
        return None
    tokens = words(text)
    joined = " ".join(tokens)
    for pattern in compiled():
        if pattern.needle not in joined:
            continue
        if any(_match_at(pattern.elements, tokens, i) for i in range(len(tokens))):
            return pattern
    return None
