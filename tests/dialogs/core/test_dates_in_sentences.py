"""Dates inside sentences read as people write them: the right case in Ukrainian and Russian, one full
stop, Arabic-script punctuation between values, and natural words for one and two hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.appointments.wording import REMINDER_LABELS, one_line
from dialogs.core.i18n import FSI, PDI, Translator, load_catalogue, shipped_locales
from storage.appointments import Appointment

PAUSED = "Your check-ins are paused. I will write to you again on {date}."
WEDNESDAY = date(2026, 12, 9)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("uk", "Я напишу вам знову 9 грудня 2026\u202fр. (середа)."),
        ("ru", "Я напишу вам снова 9 декабря 2026\u202fг. (среда)."),
    ],
)
def test_ukrainian_and_russian_dates_keep_their_case_and_one_full_stop(locale: str, expected: str) -> None:
    tr = Translator(locale)
    text = tr(PAUSED, date=tr.date(WEDNESDAY, "full"))
    assert text.endswith(expected)
    assert "знову середа" not in text and ".." not in text


def test_until_a_day_in_ukrainian_is_not_followed_by_a_nominative_weekday() -> None:
    tr = Translator("uk")
    paused = tr("Paused until {date}.", date=tr.date(WEDNESDAY, "full"))
    assert paused == "Пауза до 9 грудня 2026\u202fр. (середа)."


def _with_date(locale: str) -> list[str]:
    """The msgids whose only placeholder is {date}."""
    return [
        msgid
        for msgid in load_catalogue(locale).messages
        if "{date}" in msgid and "{" not in msgid.replace("{date}", "")
    ]


@settings(deadline=None, max_examples=40)
@given(st.sampled_from(shipped_locales()), st.dates(date(2026, 1, 1), date(2030, 12, 31)))
def test_no_sentence_gets_a_double_full_stop_from_its_date(locale: str, day: date) -> None:
    tr = Translator(locale)
    for msgid in _with_date(locale) or _with_date("de"):
        for fmt in ("full", "long", "medium"):
            text = tr(msgid, date=tr.date(day, fmt)).replace(FSI, "").replace(PDI, "")
            assert ".." not in text.replace("...", "…"), (locale, msgid, fmt)


def _appointment(starts_at: datetime) -> Appointment:
    return Appointment(
        1, 1, starts_at, "doctor", None, None, "confirmed", "participant", None, None, [], None, "u", 0
    )


@pytest.mark.parametrize("locale", ["ar", "fa"])
def test_arabic_script_lines_use_their_own_comma(locale: str) -> None:
    line = one_line(Translator(locale), _appointment(datetime(2026, 12, 9, 9, tzinfo=UTC)))
    assert "، " in line and ", " not in line


def test_left_to_right_lines_keep_the_latin_comma() -> None:
    line = one_line(Translator("de"), _appointment(datetime(2026, 12, 9, 9, tzinfo=UTC)))
    assert line.startswith("Mi., 9. Dez., 10:00 · ")


@pytest.mark.parametrize(
    ("locale", "msgid", "natural"),
    [
        ("ar", REMINDER_LABELS["1h"], "قبل ساعة"),
        ("ar", REMINDER_LABELS["2h"], "قبل ساعتين"),
        ("ar", "⏰ In 1 hour", "⏰ بعد ساعة"),
        ("fa", REMINDER_LABELS["1h"], "یک ساعت قبل"),
        ("fa", REMINDER_LABELS["2h"], "دو ساعت قبل"),
        ("fa", "⏰ In 1 hour", "⏰ یک ساعت بعد"),
    ],
)
def test_one_and_two_hours_read_naturally(locale: str, msgid: str, natural: str) -> None:
    assert Translator(locale)(msgid) == natural


def test_the_example_day_is_never_today_even_around_the_new_year() -> None:
    from dialogs.appointments.when import example_day

    for offset in range(-3, 4):
        today = date(2027, 1, 1) + timedelta(days=offset)
        assert example_day(today) > today
