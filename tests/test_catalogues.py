"""Every shipped catalogue is complete, current with the code, and consistent in its placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import catalogue
from dialogs.core.i18n import LOCALES_DIR, Translator, shipped_locales

SHIPPED = [
    locale for locale in shipped_locales() if (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").exists()
]


def test_the_template_matches_the_code() -> None:
    """Run `companion locales update` when this fails: a string in the code is missing from the catalogue."""
    in_code = {m.id for m in catalogue.extract() if m.id}
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        in_template = {m.id for m in read_po(handle) if m.id}
    assert in_code == in_template


@pytest.mark.parametrize("locale", SHIPPED)
def test_no_message_is_untranslated_or_fuzzy(locale: str) -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        po = read_po(handle, locale=locale)
    untranslated = []
    for message in po:
        if not message.id or not catalogue.counted(locale, message.locations):
            continue  # the web case view's staff texts: German and English only
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            untranslated.append(message.id)
    assert untranslated == []
    assert template <= {m.id for m in po if m.id}, "run `companion locales update`"


def test_staff_only_texts_count_in_german_and_english_only() -> None:
    staff = [("bot/web/templates/inbox.html", 3)]
    both = [*staff, ("dialogs/coaching/alerts.py", 9)]
    assert catalogue.counted("de", staff) and catalogue.counted("en", staff)
    assert not catalogue.counted("ar", staff) and catalogue.counted("ar", both)
    assert not catalogue.counted("ar", [("bot/report/document.py", 12)])


@pytest.mark.parametrize("locale", SHIPPED)
def test_placeholders_and_plural_forms_match(locale: str) -> None:
    status = {row.locale: row for row in catalogue.status()}[locale]
    assert status.problems == []


@pytest.mark.parametrize("locale", SHIPPED)
def test_each_catalogue_says_its_review_status(locale: str) -> None:
    status = {row.locale: row for row in catalogue.status()}[locale]
    assert status.review


def test_a_placeholder_mismatch_is_caught() -> None:
    assert catalogue.check_message("Hello {name}", "Hallo {nmae}", 2)
    assert catalogue.check_message(("{n} day", "{n} days"), ("{n} Tag",), 2)
    assert catalogue.check_message("Hello {name}", "Hallo {name}", 2) == []


def test_a_missing_message_falls_back_with_a_visible_marker() -> None:
    german = Translator("de")
    assert (
        german("A sentence nobody translated yet.")
        == "🌐 (noch nicht übersetzt) A sentence nobody translated yet."
    )
    assert Translator("en")("A sentence nobody translated yet.") == "A sentence nobody translated yet."
    assert german("Please choose your language.") == "Bitte wählen Sie Ihre Sprache."


def test_update_leaves_new_messages_untranslated_in_every_other_language(tmp_path: Path) -> None:
    """English is filled with its msgids; that must not leak into the languages merged after it."""
    (tmp_path / "dialogs").mkdir()
    (tmp_path / "dialogs" / "example.py").write_text('tr("A brand-new sentence.")\n', encoding="utf-8")
    for locale in ("de", "en", "fa", "uk"):
        folder = tmp_path / "locales" / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        header = f'msgid ""\nmsgstr ""\n"Language: {locale}\\n"\n'
        (folder / "messages.po").write_text(header, encoding="utf-8")
    catalogue.update(tmp_path)
    found = {}
    for locale in ("de", "en", "fa", "uk"):
        with (tmp_path / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            found[locale] = {m.id: m.string for m in read_po(handle, locale=locale) if m.id}
    assert found["en"] == {"A brand-new sentence.": "A brand-new sentence."}
    assert found["de"] == found["fa"] == found["uk"] == {"A brand-new sentence.": ""}
