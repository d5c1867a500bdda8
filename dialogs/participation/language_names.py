"""A language typed by name, in any shipped language: "Deutsch", "arabic", "العربية", "farsi", "dari".

People who cannot find their language among the buttons (or prefer typing) write its name the way they
know it. Names come from CLDR (Babel) for every shipped locale in every shipped locale, plus the everyday
names CLDR does not list (Farsi, Dari, "عربي", "Türkce" without the cedilla...).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from babel import Locale

from dialogs.core.i18n import shipped_locales

# Everyday names CLDR does not give (or gives only in another shape); Dari readers read Farsi script.
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "ar": ("arabi", "arab", "عربي", "عربى", "arabisch"),
    "bg": ("bulgarian", "bulgarisch", "bulgarski"),
    "de": ("german", "deutsch", "almanca", "الماني", "آلمانی"),
    "en": ("english", "englisch", "ingilizce"),
    "fa": ("farsi", "dari", "persian", "persisch", "farsça", "فارسی", "فارسي", "دری", "دري", "پارسی"),
    "pl": ("polish", "polnisch", "polski"),
    "ro": ("romanian", "rumänisch", "romana", "română", "moldovenească"),
    "ru": ("russian", "russisch", "russkiy", "русский"),
    "tr": ("turkish", "türkisch", "turkce", "türkçe", "ترکی", "التركية"),
    "uk": ("ukrainian", "ukrainisch", "ukrainska", "українська", "украинский", "українською"),
}

_ARABIC_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه"})
_WORD = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    """Lower case without accents, one spelling of the letters Arabic and Persian write differently."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(bare.translate(_ARABIC_LETTERS)))


@cache
def _names() -> dict[str, str]:
    """Normalised name -> locale code."""
    found: dict[str, str] = {}
    shipped = shipped_locales()
    for code in shipped:
        found[code] = code
        for extra in EXTRA_NAMES.get(code, ()):
            found[normalise(extra)] = code
        for language in shipped:
            name = str(Locale.parse(language).languages.get(code) or "")
            if name:
                found[normalise(name)] = code
                found[normalise(name).removeprefix("ال")] = code  # "العربية" and "عربية"
    return found


def locale_named(text: str) -> str | None:
    """The shipped locale a typed text names ("Deutsch bitte", "arabic", "دری"), or None."""
    wanted = normalise(text)
    if not wanted:
        return None
    names = _names()
    if wanted in names:
        return names[wanted]
    matches = {names[word] for word in wanted.split() if len(word) > 2 and word in names}
    return matches.pop() if len(matches) == 1 else None
