"""Days typed as people say them, in every shipped language: "morgen", "übermorgen", "Freitag",
"nächsten Montag", and what is not a day is refused kindly, whatever is typed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.appointments.day_words import all_day_words, day_from_words, normalised
from dialogs.appointments.when import (
    NO_SUCH_DATE,
    PAST_DATE,
    TOO_FAR,
    UNREADABLE_DATE,
    BadInput,
    parse_day,
)
from dialogs.core.i18n import shipped_locales

WEDNESDAY = date(2026, 12, 9)
THURSDAY, FRIDAY = date(2026, 12, 10), date(2026, 12, 11)
NEXT_MONDAY = date(2026, 12, 14)
NEXT_WEDNESDAY = date(2026, 12, 16)

# language: (tomorrow, the day after tomorrow, Friday, next Monday, Wednesday typed on a Wednesday)
SAID = {
    "de": ("morgen", "Übermorgen", "am Freitag", "nächsten Montag", "Mittwoch"),
    "en": ("Tomorrow", "the day after tomorrow", "on Friday", "next Monday", "wednesday"),
    "ar": ("غداً", "بعد بكرة", "يوم الجمعة", "الاثنين القادم", "الأربعاء"),
    "bg": ("утре", "вдругиден", "в петък", "следващия понеделник", "сряда"),
    "fa": ("فردا", "پس‌فردا", "جمعه", "دوشنبه آینده", "چهارشنبه"),
    "pl": ("jutro", "pojutrze", "w piątek", "w przyszły poniedziałek", "w środę"),
    "ro": ("mâine", "poimâine", "vineri", "lunea viitoare", "miercuri"),
    "ru": ("завтра", "послезавтра", "в пятницу", "в следующий понедельник", "в среду"),
    "tr": ("yarın", "öbür gün", "cuma", "gelecek pazartesi", "çarşamba"),
    "uk": ("завтра", "післязавтра", "у пʼятницю", "наступного понеділка", "в середу"),
}
# Common Latin spellings: without umlauts, accents and Turkish letters, or transliterated.
LATIN = {
    "de": ("uebermorgen", FRIDAY),
    "ar": ("bukra", THURSDAY),
    "fa": ("farda", THURSDAY),
    "pl": ("poniedzialek", NEXT_MONDAY),
    "ro": ("maine", THURSDAY),
    "ru": ("zavtra", THURSDAY),
    "tr": ("yarin", THURSDAY),
    "uk": ("pislyazavtra", FRIDAY),
    "bg": ("utre", THURSDAY),
}


def test_every_shipped_language_has_its_day_words() -> None:
    assert set(shipped_locales()) <= set(all_day_words())
    assert set(SAID) == set(shipped_locales())


@pytest.mark.parametrize("language", sorted(SAID))
def test_relative_days_and_weekdays_in_each_language(language: str) -> None:
    tomorrow, after, friday, next_monday, wednesday = SAID[language]
    assert parse_day(tomorrow, WEDNESDAY, language) == THURSDAY
    assert parse_day(after, WEDNESDAY, language) == FRIDAY
    assert parse_day(friday, WEDNESDAY, language) == FRIDAY
    assert parse_day(next_monday, WEDNESDAY, language) == NEXT_MONDAY
    # The weekday of today means the one in a week ("today" is its own word and its own button).
    assert parse_day(wednesday, WEDNESDAY, language) == NEXT_WEDNESDAY


@pytest.mark.parametrize("language", sorted(SAID))
def test_words_are_understood_whatever_the_chosen_language(language: str) -> None:
    """Someone who chose German may still type in Arabic: every language's words count everywhere."""
    tomorrow, after, _, next_monday, _ = SAID[language]
    assert parse_day(after, WEDNESDAY, "en") == FRIDAY
    for chosen in ("de", "en", "uk"):
        assert parse_day(tomorrow, WEDNESDAY, chosen) == THURSDAY
        assert parse_day(next_monday, WEDNESDAY, chosen) == NEXT_MONDAY


@pytest.mark.parametrize(("language", "typed", "expected"), [(k, *v) for k, v in sorted(LATIN.items())])
def test_latin_spellings(language: str, typed: str, expected: date) -> None:
    assert parse_day(typed, WEDNESDAY, language) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "  MORGEN!  ",
        "morgen.",
        "Morgen?",
        "غدًا",
        "بعد  غد",
        "پس فردا",
        "Yarın",
        "ЗАВТРА",
        "пятницу",
        "Пʼятниці",
    ],
)
def test_case_marks_and_punctuation_do_not_matter(typed: str) -> None:
    assert parse_day(typed, WEDNESDAY) in {THURSDAY, FRIDAY}


@pytest.mark.parametrize(
    "typed", ["morgen früh", "Montag oder Dienstag", "next week", "gestern", "tomorrowx"]
)
def test_what_is_not_just_a_day_is_not_guessed(typed: str) -> None:
    with pytest.raises(BadInput) as raised:
        parse_day(typed, WEDNESDAY, "de")
    assert raised.value.message == UNREADABLE_DATE


def test_no_word_is_a_different_day_inside_one_language() -> None:
    for language, words in all_day_words().items():
        assert words.phrases, language
        for phrase in words.phrases:
            assert phrase == normalised(phrase)


def test_a_word_that_means_another_day_in_another_language_counts_only_in_its_own(tmp_path: Path) -> None:
    body = (
        'example = "{{day}}.{{month}}."\nexample_with_year = "{{day}}.{{month}}.{{year}}"\n'
        'today = ["t{0}"]\ntomorrow = ["{1}"]\nday_after_tomorrow = ["a{0}"]\n'
        + "".join(
            f'{day} = ["{day}{{0}}"]\n'
            for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    )
    (tmp_path / "aa.toml").write_text(body.format("x", "same"), encoding="utf-8")
    (tmp_path / "bb.toml").write_text(
        body.format("y", "same")
        .replace('tomorrow = ["same"]', 'tomorrow = ["b"]')
        .replace('today = ["ty"]', 'today = ["same"]'),
        encoding="utf-8",
    )
    assert day_from_words("same", WEDNESDAY, "aa", tmp_path) == THURSDAY
    assert day_from_words("same", WEDNESDAY, "bb", tmp_path) == WEDNESDAY
    assert day_from_words("same", WEDNESDAY, "de", tmp_path) is None


word = st.sampled_from(sorted({p for words in all_day_words().values() for p in words.phrases}))
noise = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(st.sampled_from(sorted(SAID)), st.lists(st.one_of(word, noise), max_size=4), st.integers(0, 4000))
def test_hostile_input_is_a_day_ahead_or_a_clear_problem(
    language: str, parts: list[str], offset: int
) -> None:
    today = date(2025, 1, 1) + timedelta(days=offset)
    try:
        found = parse_day(" ".join(parts), today, language)
    except BadInput as problem:
        assert problem.message in {NO_SUCH_DATE, PAST_DATE, TOO_FAR, UNREADABLE_DATE}
    else:
        assert today <= found <= today + timedelta(days=730)


@given(word, st.integers(0, 4000))
def test_every_word_is_a_day_in_the_coming_week(phrase: str, offset: int) -> None:
    today = date(2025, 1, 1) + timedelta(days=offset)
    found = day_from_words(phrase, today)
    if found is not None:  # None only for a word two languages disagree on
        assert today <= found <= today + timedelta(days=7)
