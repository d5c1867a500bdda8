"""Crisis words in every shipped language, with misspellings and inflections; ordinary sentences pass."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.crisis.words import PATTERNS, compiled, find_crisis, normalise, words
from dialogs.info.schema import SHIPPED_LANGUAGES

CRISIS = {
    "de": [
        "Ich will nicht mehr leben",
        "ich denke an Suizid",
        "suizidgedanken seit tagen",
        "Suzid",  # misspelt
        "Selbstmordgedanken",
        "ich bring mich um",
        "ich bringe mich heute noch um!",
        "ich möchte sterben",
        "ich moechte sterben",  # no umlaut keyboard
        "Ich will einfach nur noch sterben",
        "bin lebensmüde",
        "ich wünschte, ich wäre tot",
        "ich hatte eine Überdosis",
        "ich will mich umbringen",
        "Das Leben hat keinen Sinn mehr",
    ],
    "en": [
        "I want to die",
        "i wanna die",
        "I'm going to kill myself",
        "thinking about suicide",
        "sucide",  # misspelt
        "feeling suicidal",
        "I don't want to live anymore",
        "I want to end my life",
        "better off dead",
        "I hurt myself again",
        "took an overdose",
    ],
    "ar": [
        "أريد أن أموت",
        "اريد ان اموت",  # without hamza
        "سأنتحر",
        "أفكر في الانتحار",
        "بدي موت",
        "عايز اموت",
        "سأقتل نفسي",
        "تعبت من الحياة",
        "أُرِيدُ أَنْ أَمُوتَ",  # with diacritics
        "ما عاد بدي عيش",  # Syrian
        "bdi mout",  # Arabizi
        "راح اكتل روحي",  # Iraqi
        "بلعت كل الحبوب",
        "جوزي عم يضربني",
    ],
    "fa": [
        "میخوام بمیرم",
        "می‌خواهم بمیرم",  # with a half-space
        "می خوام بمیرم",
        "به خودکشی فکر میکنم",
        "خودمو میکشم",
        "دیگه نمیخوام زنده باشم",
        "مي‌خواهم بميرم",  # Arabic yeh
        "mikham khodkoshi konam",  # Finglish
        "مه میخایم بمیرم",  # Dari
        "همه قرصامو خوردم",
        "شوهرم منو کتک میزنه",
    ],
    "tr": [
        "Kendimi öldüreceğim",
        "ölmek istiyorum",
        "olmek istiyorum",  # without Turkish letters
        "intihar etmeyi düşünüyorum",
        "INTIHAR",
        "yaşamak istemiyorum",
        "hayatıma son vermek istiyorum",
        "kendimi asacağım",
        "kendimi öldürcem",  # spoken future
        "bütün ilaçlarımı içtim",
        "kocam beni dövüyor",
    ],
    "uk": [
        "хочу померти",
        "Я не хочу жити",
        "думаю про самогубство",
        "вб'ю себе",
        "вбʼю себе",
        "хочу покінчити з собою",
    ],
    "ru": [
        "Я хочу умереть",
        "не хочу больше жить",
        "думаю о самоубийстве",
        "убью себя",
        "хочу покончить с собой",
        "хочется сдохнуть",
        "hochu umeret",  # Latin letters
    ],
    "pl": [
        "chcę umrzeć",
        "chce umrzec",  # without Polish letters
        "nie chce mi się żyć",
        "myślę o samobójstwie",
        "zabiję się",
        "chciałbym umrzeć",
    ],
    "ro": [
        "vreau să mor",
        "vreau sa mor",
        "mă gândesc la sinucidere",
        "nu mai vreau să trăiesc",
        "să-mi iau viața",
    ],
    "bg": [
        "искам да умра",
        "не искам да живея",
        "мисля за самоубийство",
        "ще се самоубия",
        "по-добре да съм мъртъв",
    ],
}

ORDINARY = [
    "Ich habe heute gut geschlafen.",
    "Ich bringe mich um 8 zum Arzt.",
    "Mir geht es heute gut, danke!",
    "Ich will nicht mehr rauchen",
    "I killed it at work today",
    "I want to go to the doctor",
    "أموت من الضحك",  # dying of laughter
    "الهی بمیرم برات",  # a Persian phrase of sympathy
    "خودم سیگار میکشم",  # I smoke cigarettes myself
    "Bugün okula gitmek istiyorum",
    "olmak istiyorum",
    "хочу есть",
    "Он се zabiera do pracy",
    "On się zabiera do pracy",
    "Vreau să mănânc",
    "Искам да ям",
    "Termin am Montag um 9",
    "ölmek istemiyorum",  # Turkish negation
    "kendimi asla öldürmem merak etme",
    "intiharı önleme hattı nerede",
    "gülmekten öldüm",
    "Almanyada yaşamak istemiyorum artık, Türkiye'ye dönmek istiyorum",
    "ما بدي موت",  # I don't want to die
    "وين مركز الوقاية من الانتحار",
    "جرعة زائدة من القهوة",
    "بدي انهي الكورس وابدأ حياتي من جديد",
    "نمی خوام بمیرم",
    "این کاغذبازی منو میکشه",  # this paperwork is killing me
    "خودمو کشتم تا این فرم رو پر کردم",  # I tried very hard
    "نمی‌خوام تو این شهر زندگی کنم",
]


def test_every_shipped_language_has_crisis_words() -> None:
    assert set(SHIPPED_LANGUAGES) <= set(PATTERNS)
    assert set(CRISIS) == set(SHIPPED_LANGUAGES)


@pytest.mark.parametrize(("lang", "text"), [(lang, text) for lang, texts in CRISIS.items() for text in texts])
def test_crisis_words_are_found(lang: str, text: str) -> None:
    found = find_crisis(text)
    assert found is not None, text


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_sentences_are_not_crisis_words(text: str) -> None:
    found = find_crisis(text)
    assert found is None, found.source if found else None


def test_the_language_of_the_words_is_reported() -> None:
    for lang in ("de", "ar", "fa", "tr", "uk", "pl", "ro", "bg"):
        found = find_crisis(CRISIS[lang][0])
        assert found is not None and found.lang == lang


def test_normalising_unifies_spellings() -> None:
    assert normalise("Überdosis") == normalise("uberdosis")
    assert normalise("İNTİHAR") == normalise("intihar") == "intihar"
    assert normalise("أنتحر") == normalise("انتحر")
    assert normalise("زندگی") == normalise("زندگي")
    assert normalise("ёлка") == "елка"
    assert words("Hallo, Welt!") == ["hallo", "|", "welt", "|"]
    assert words("soooo müüüde") == ["so", "mude", "|"]


def test_every_pattern_compiles_to_something_findable() -> None:
    for pattern in compiled():
        assert pattern.needle, pattern.source


@given(st.text(max_size=600))
def test_any_text_is_matched_without_error(text: str) -> None:
    find_crisis(text)


@given(st.sampled_from([t for texts in CRISIS.values() for t in texts]), st.text(max_size=40))
def test_crisis_words_are_found_inside_longer_messages(sentence: str, noise: str) -> None:
    assert find_crisis(f"{noise}. {sentence}. {noise}") is not None
