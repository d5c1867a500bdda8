"""The crisis word lists are data (`locales/crisis/<language>.toml`): every shipped language has one, and a
broken list stops the program with its file and line instead of losing crisis words silently."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dialogs.core.i18n import shipped_locales
from dialogs.crisis.word_lists import CRISIS_WORDS_DIR, CrisisWordsError, read_word_lists
from dialogs.crisis.words import PATTERNS, compiled, find_crisis, load_crisis_words

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def lists(tmp_path: Path) -> Path:
    """A copy of the shipped lists, to break on purpose."""
    return Path(shutil.copytree(CRISIS_WORDS_DIR, tmp_path / "crisis"))


def problems(root: Path) -> str:
    with pytest.raises(CrisisWordsError) as caught:
        load_crisis_words(root)
    return str(caught.value)


def test_the_lists_live_beside_the_catalogues_with_their_readme() -> None:
    assert ROOT / "locales" / "crisis" == CRISIS_WORDS_DIR
    assert (CRISIS_WORDS_DIR / "README.md").is_file()


def test_every_language_with_a_catalogue_has_crisis_words() -> None:
    assert set(shipped_locales()) <= set(PATTERNS)


def test_the_shipped_lists_load_in_rank_order() -> None:
    order = [word_list.lang for word_list in read_word_lists()]
    assert order == ["de", "en", "ar", "fa", "tr", "uk", "ru", "pl", "ro", "bg"]
    assert load_crisis_words().tier("acute") == compiled()


def test_when_two_languages_match_the_smaller_rank_names_the_language() -> None:
    found = find_crisis("думаю о самоубийстве")  # Russian and Bulgarian share the word
    assert found is not None and found.lang == "ru"


def test_other_spellings_of_letters_are_patterns_too() -> None:
    sources = {pattern.source for pattern in compiled() if pattern.lang == "de"}
    assert {"möchte .. sterben", "moechte .. sterben", "*überdosis*", "*ueberdosis*"} <= sources


def test_a_missing_language_leaves_the_others_in_place(lists: Path) -> None:
    (lists / "ro.toml").unlink()
    loaded = load_crisis_words(lists)
    assert "ro" not in loaded.sources and {p.lang for p in loaded.patterns} == set(PATTERNS) - {"ro"}


def test_a_missing_or_empty_folder_is_an_error(tmp_path: Path, lists: Path) -> None:
    assert "the folder of crisis word lists is missing" in problems(tmp_path / "nowhere")
    for path in lists.glob("*.toml"):
        path.unlink()
    assert "there are no crisis word lists" in problems(lists)


def test_a_syntax_error_names_the_file(lists: Path) -> None:
    path = lists / "en.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"kms",', '"kms"'), encoding="utf-8")
    assert "crisis/en.toml: TOML syntax error" in problems(lists)


def test_a_misnamed_file_is_not_skipped_silently(lists: Path) -> None:
    (lists / "de.toml").rename(lists / "de.tml")
    assert "crisis/de.tml: only <language>.toml files" in problems(lists)


def test_bad_patterns_name_file_line_and_pattern(lists: Path) -> None:
    path = lists / "en.toml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace('"kms",', '".. kms",').replace('"wanna die",', '"wan*na die",')
    broken = broken.replace('"overdos*",', '"overdos*",\n    ".. ..",')
    path.write_text(broken, encoding="utf-8")
    message = problems(lists)
    lines = broken.splitlines()
    kms = lines.index('    ".. kms",') + 1
    assert f"""crisis/en.toml, line {kms}: pattern 11 '.. kms': ".." stands between two words""" in message
    assert "'wan*na die': \"wan*na\" is not a word: letters, with * only at its start or end" in message
    assert "'.. ..': " in message
    assert message.startswith("The crisis word lists have 3 problems:")
    path.write_text(text.replace('"overdos*",', '"overdos*",\n    "overdos*",'), encoding="utf-8")
    twice = text.splitlines().index('    "overdos*",') + 1
    assert f"crisis/en.toml, line {twice}: pattern 'overdos*' appears twice" in problems(lists)


def test_fields_are_checked(lists: Path) -> None:
    (lists / "en.toml").write_text('rank = "2"\nacute = []\ncolour = "red"\n', encoding="utf-8")
    (lists / "fa.toml").write_text('acute = ["ـ"]\nalso_spelt = { "ae" = "ä" }\nrank = 0\n', encoding="utf-8")
    message = problems(lists)
    assert 'crisis/en.toml, line 1: "rank": must be a whole number' in message
    assert 'crisis/en.toml, line 2: "acute": write at least one acute pattern' in message
    assert 'crisis/en.toml, line 3: "colour": unknown field' in message
    assert 'crisis/fa.toml, line 3: "rank": must be 1 or more' in message
    assert 'crisis/fa.toml, line 2: "also_spelt": must map single letters to their other spelling' in message


def test_ranks_are_unique(lists: Path) -> None:
    path = lists / "bg.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("rank = 10", "rank = 7"), encoding="utf-8")
    assert "crisis/ru.toml: rank 7 is also crisis/bg.toml's" in problems(lists)


def test_a_pattern_with_nothing_left_to_look_for_is_an_error(lists: Path) -> None:
    (lists / "ar.toml").write_text('rank = 3\nacute = ["ـ"]\n', encoding="utf-8")  # a tatweel only
    assert "crisis/ar.toml: pattern 'ـ' has no word left to look for" in problems(lists)


def test_a_broken_list_stops_the_program_at_start_up(tmp_path: Path, lists: Path) -> None:
    (lists / "de.toml").write_text("rank = 1\n", encoding="utf-8")
    script = (
        "from pathlib import Path\n"
        "import dialogs.core.i18n as i18n\n"
        f"i18n.LOCALES_DIR = Path({str(lists.parent)!r})\n"
        "import dialogs.core.engine\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert run.returncode != 0
    assert 'crisis/de.toml, line 1: "acute": this field is required' in run.stderr
