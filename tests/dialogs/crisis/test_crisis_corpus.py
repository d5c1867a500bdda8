"""The labelled corpus, held to the targets in every shipped language (`benchmarks/crisis_words.py` prints
the figures)."""

from __future__ import annotations

import pytest

from dialogs.core.i18n import shipped_locales
from tests.dialogs.crisis.corpus import CORPUS_DIR, figures, read_corpus


@pytest.mark.parametrize("lang", sorted(shipped_locales()))
def test_the_corpus_meets_the_targets(lang: str) -> None:
    path = CORPUS_DIR / f"{lang}.toml"
    assert path.exists(), f"no corpus for {lang}"
    result = figures(lang, read_corpus(path))
    wrong = {
        "missed": result.missed,
        "unanswered": result.unanswered,
        "false cards": result.false_cards,
        "false distress": result.false_distress,
    }
    assert result.meets_targets(), wrong
