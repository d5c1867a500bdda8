"""Formatting in the participant's language and zone; values isolated in right-to-left scripts."""

from __future__ import annotations

from datetime import UTC, datetime

from dialogs.core.i18n import FSI, PDI, Translator, is_rtl, match_locale, native_name


def test_dates_and_times_follow_the_locale_and_the_zone() -> None:
    moment = datetime(2026, 3, 29, 8, 30, tzinfo=UTC)  # the first summer-time morning in Berlin
    german = Translator("de", timezone="Europe/Berlin")
    assert german.time(moment) == "10:30"
    assert german.date(moment) == "Sonntag, 29. März 2026"
    english = Translator("en", timezone="Europe/Berlin")
    assert english.time(moment) == "10:30\u202fAM"


def test_values_are_isolated_only_in_right_to_left_locales() -> None:
    assert Translator("de").isolate("P-7K3F") == "P-7K3F"
    assert is_rtl("ar") and is_rtl("fa") and not is_rtl("uk")


def test_an_inserted_value_keeps_its_placeholder_position() -> None:
    text = Translator("de")("Your pseudonym: {pseudonym}", pseudonym="P-7K3F")
    assert text == "Ihr Pseudonym: P-7K3F"
    assert FSI not in text and PDI not in text


def test_telegram_language_codes_map_to_shipped_locales() -> None:
    assert match_locale("de-AT") == "de" and match_locale("en") == "en" and match_locale(None) is None
    assert match_locale("xx") is None


def test_language_names_are_native() -> None:
    assert native_name("de") == "Deutsch" and native_name("en") == "English"
    assert native_name("uk") == "Українська"
