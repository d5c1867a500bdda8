"""Golden transcripts of the main paths in German, Arabic and Ukrainian, and the length limit on them.

The files are for reviewers: `tests/golden/<lang>/<path>.txt` ("you: ...", "bot: ...", buttons as [..]).
When texts change on purpose, regenerate them all with one command and review the diff:

    uv run pytest tests/golden --update-golden
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden.paths import LANGUAGES, LIMIT, PATHS, run
from tests.harness import World

HERE = Path(__file__).parent
CASES = [(locale, path) for locale in LANGUAGES for path in PATHS]


@pytest.mark.parametrize(("locale", "path"), CASES)
async def test_transcript_matches_the_golden_file(
    w: World, locale: str, path: str, update_golden: bool
) -> None:
    transcript, _ = await run(w, locale, path)
    golden = HERE / locale / f"{path}.txt"
    if update_golden:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(transcript, encoding="utf-8")
    assert golden.exists(), f"no {golden}: run `uv run pytest tests/golden --update-golden`"
    assert transcript == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(("locale", "path"), CASES)
async def test_no_message_on_the_path_is_longer_than_a_phone_screen(w: World, locale: str, path: str) -> None:
    _, messages = await run(w, locale, path)
    too_long = [(len(text), text[:80]) for text in messages if len(text) > LIMIT]
    assert not too_long
