"""The hash of a consent text is rendered once, and still follows the text when a catalogue changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dialogs import consent_texts
from dialogs.core import i18n
from dialogs.core.i18n import LOCALES_DIR, Catalogue, Translator


def rendered(tr: Translator, scope: consent_texts.Scope, organisation: str | None) -> str:
    return consent_texts.text_sha256(consent_texts.shown_text(tr, scope, organisation, 90))


@pytest.mark.parametrize("locale", ["de", "ar", "en"])
def test_the_kept_hash_is_the_hash_of_the_text_shown(locale: str) -> None:
    tr = Translator(locale)
    for scope in (*consent_texts.SCOPES, consent_texts.LINK_SCOPE):
        for organisation in (None, "Jobcenter Musterstadt", "Jobcenter Bochum"):
            first = consent_texts.shown_sha256(tr, scope, organisation, 90)
            assert first == rendered(tr, scope, organisation)
            assert consent_texts.shown_sha256(Translator(locale), scope, organisation, 90) == first
    required = consent_texts.SCOPE_BY_KEY[consent_texts.CHECKINS]
    shorter = consent_texts.shown_sha256(tr, required, None, 30)
    assert shorter != consent_texts.shown_sha256(tr, required, None, 90)


def test_a_corrected_translation_gives_a_new_hash_though_the_old_one_was_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scope = consent_texts.SCOPE_BY_KEY[consent_texts.SELFREPORTS]
    before = consent_texts.shown_sha256(Translator("de"), scope, None, 90)
    real = i18n.load_catalogue

    def corrected(locale: str, root: Path = LOCALES_DIR) -> Catalogue:
        catalogue = real(locale, root)
        if locale != "de":
            return catalogue
        return replace(catalogue, messages={**catalogue.messages, scope.question: "Eine berichtigte Frage?"})

    monkeypatch.setattr(i18n, "load_catalogue", corrected)
    tr = Translator("de")
    after = consent_texts.shown_sha256(tr, scope, None, 90)
    assert after != before
    assert after == consent_texts.text_sha256("Eine berichtigte Frage?")
