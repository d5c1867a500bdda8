"""The labelled crisis corpus (`tests/dialogs/crisis/corpus/<language>.toml`) and its figures.

Each file lists phrases as people really type them, by what they must bring: `acute` (intent to die or to
harm oneself, an overdose, violence against the person: the crisis card at once), `distress` (a warm answer
that offers the card: never "not understood") and `harmless` (what participants write about job centres,
debts, housing, health, appointments and work: neither). `benchmarks/crisis_words.py` prints the figures;
`test_crisis_corpus.py` holds them to the targets.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from dialogs.crisis.words import find_crisis, find_distress

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
MIN_ACUTE, MIN_DISTRESS, MIN_HARMLESS = 40, 15, 40
ACUTE_RECALL = 0.97  # at least, in every language
FALSE_CARDS = 0.01  # at most: harmless phrases that bring the card
FALSE_DISTRESS = 0.05  # at most: harmless phrases answered as distress


class CorpusFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    acute: tuple[str, ...] = Field(min_length=MIN_ACUTE)
    distress: tuple[str, ...] = Field(min_length=MIN_DISTRESS)
    harmless: tuple[str, ...] = Field(min_length=MIN_HARMLESS)


@dataclass(frozen=True)
class Figures:
    """One language's results; the lists hold the phrases that went wrong."""

    lang: str
    acute: int
    distress: int
    harmless: int
    missed: list[str] = field(default_factory=list)  # acute, without the card
    unanswered: list[str] = field(default_factory=list)  # distress, neither the warm answer nor the card
    false_cards: list[str] = field(default_factory=list)  # harmless, with the card
    false_distress: list[str] = field(default_factory=list)  # harmless, answered as distress

    @property
    def recall(self) -> float:
        return 1 - len(self.missed) / self.acute

    @property
    def false_card_rate(self) -> float:
        return len(self.false_cards) / self.harmless

    @property
    def false_distress_rate(self) -> float:
        return len(self.false_distress) / self.harmless

    def meets_targets(self) -> bool:
        return (
            self.recall >= ACUTE_RECALL
            and not self.unanswered
            and self.false_card_rate <= FALSE_CARDS
            and self.false_distress_rate <= FALSE_DISTRESS
        )


def read_corpus(path: Path) -> CorpusFile:
    return CorpusFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))


def figures(lang: str, corpus: CorpusFile) -> Figures:
    result = Figures(lang, len(corpus.acute), len(corpus.distress), len(corpus.harmless))
    result.missed.extend(p for p in corpus.acute if find_crisis(p) is None)
    result.unanswered.extend(
        p for p in corpus.distress if find_crisis(p) is None and find_distress(p) is None
    )
    result.false_cards.extend(p for p in corpus.harmless if find_crisis(p) is not None)
    result.false_distress.extend(p for p in corpus.harmless if find_distress(p) is not None)
    return result


def all_figures(root: Path = CORPUS_DIR) -> list[Figures]:
    return [figures(path.stem, read_corpus(path)) for path in sorted(root.glob("*.toml"))]
