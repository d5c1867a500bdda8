"""The questionnaire format, its loader's errors, the catalogue extraction, and the generic asking flow."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from bot import catalogue
from dialogs.core.actions import Action
from dialogs.core.config import EngineConfig
from dialogs.core.events import Event, EventKind
from dialogs.core.i18n import LOCALES_DIR, Translator
from dialogs.core.registry import Registry
from dialogs.core.turn import Turn
from dialogs.questionnaires import questionnaire as q
from dialogs.questionnaires.asking import QuestionnaireFlow, option_choices, question_text, slots
from storage.database import Database
from tests.harness import START

ALL_KINDS = """
version = 1
[parts.main]
intro = "Hello there"
[[parts.main.items]]
key = "feel"
kind = "scale"
question = "How do you feel?"
min = 0
max = 2
labels = ["Low", "Middle", "High"]
icons = ["😞", "😐", "😀"]
[[parts.main.items]]
key = "sleep"
kind = "single"
question = "How did you sleep?"
options = [{ key = "well", label = "Well" }, { key = "badly", label = "Badly" }]
[[parts.main.items]]
key = "did"
kind = "multi"
question = "What did you do?"
options = [
    { key = "walk", label = "Walk" }, { key = "read", label = "Read" }, { key = "cook", label = "Cook" },
]
[[parts.main.items]]
key = "liked"
kind = "yesno"
each = "did"
question = "Did you like it: {option}?"
[[parts.main.items]]
key = "cups"
kind = "number"
question = "How many cups of coffee?"
min = 0
max = 20
[[parts.main.items]]
key = "note"
kind = "text"
question = "Anything else?"
max_length = 10
"""


def write(tmp_path: Path, text: str, name: str = "test") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_checkin_definition_loads_with_what_the_checkin_needs() -> None:
    checkin = q.named("checkin")
    plans = checkin.part("morning").item("plans")
    assert isinstance(plans, q.MultiItem)
    assert [o.key for o in plans.options] == [
        "appointment",
        "work",
        "household",
        "outside",
        "meeting",
        "rest",
        "other",
    ]
    mood = checkin.part("evening").item("mood")
    assert isinstance(mood, q.ScaleItem) and (mood.min, mood.max) == (1, 5) and len(mood.icons) == 5
    kept = checkin.part("evening").item("kept")
    assert isinstance(kept, q.SingleItem) and kept.each == "plans"
    assert [o.key for o in kept.options] == ["yes", "partly", "no"]


def test_every_shipped_questionnaire_is_valid() -> None:
    for path in q.files():
        q.load(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ALL_KINDS.replace("max_length = 10", 'max_length = 10\ncolour = "red"'), "item 'note'"),
        (ALL_KINDS.replace("max = 2\n", "max = 0\n"), "max must be greater than min"),
        (
            ALL_KINDS.replace('icons = ["😞", "😐", "😀"]', 'icons = ["😞"]'),
            "icons needs one entry per point",
        ),
        (ALL_KINDS.replace('each = "did"', 'each = "sleep"'), "'each' must name a multi item"),
        (ALL_KINDS.replace("{option}", "it"), "must contain {option}"),
        (ALL_KINDS.replace('kind = "yesno"', 'kind = "maybe"'), "item 'liked'"),
        (ALL_KINDS.replace('key = "cups"', 'key = "feel"'), "used twice"),
        (ALL_KINDS.replace('key = "walk"', 'key = "read"'), "option keys must be unique"),
        (ALL_KINDS.replace('key = "sleep"', 'key = "Sleep Well"'), "item 'Sleep Well'"),
        ("version = 1\n[parts.main]\nitems = []", "parts.main.items"),
        ("version = 1\nparts = [", "not valid TOML"),
    ],
)
def test_invalid_definitions_are_refused_naming_file_and_item(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(q.QuestionnaireError) as caught:
        q.load(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_unknown_field_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, ALL_KINDS.replace("max_length = 10", 'max_length = 10\ncolour = "red"'))
    with pytest.raises(q.QuestionnaireError, match="colour"):
        q.load(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(q.QuestionnaireError, match="no such questionnaire"):
        q.load(tmp_path / "nothing.toml")


def test_models_are_frozen(tmp_path: Path) -> None:
    loaded = q.load(write(tmp_path, ALL_KINDS))
    with pytest.raises(Exception, match="frozen"):
        loaded.parts["main"].items[0].question = "changed"  # type: ignore[misc]


def test_every_questionnaire_text_is_in_the_catalogue_template() -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    ids = {m.id for m in template if m.id}
    for path in q.files():
        for text in q.load(path).texts():
            assert text in ids, f"{path.name}: {text!r} missing; run `companion locales update`"


def test_every_questionnaire_text_is_translated_to_german() -> None:
    with (LOCALES_DIR / "de" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        german = read_po(handle, locale="de")
    for path in q.files():
        for text in q.load(path).texts():
            message = german.get(text)
            assert message is not None and message.string and not message.fuzzy, text


def test_babel_extractor_yields_every_text_with_a_line(tmp_path: Path) -> None:
    raw = ALL_KINDS.encode("utf-8")
    found = list(catalogue.extract_questionnaire(io.BytesIO(raw), (), (), {"filename": "x.toml"}))
    texts = [message for _, _, message, _ in found]
    assert "How do you feel?" in texts and "Middle" in texts and "Did you like it: {option}?" in texts
    assert "😞" not in texts  # icons are symbols, not translated
    assert all(line > 1 for line, _, _, _ in found)


def test_extra_messages_reads_the_questionnaire_directory(tmp_path: Path) -> None:
    (tmp_path / "dialogs" / "questionnaires").mkdir(parents=True)
    write(tmp_path / "dialogs" / "questionnaires", ALL_KINDS, "demo")
    found = dict(catalogue.extra_messages(tmp_path))
    assert found["Anything else?"][0] == "dialogs/questionnaires/demo.toml"


def test_extractor_refuses_an_invalid_file() -> None:
    with pytest.raises(q.QuestionnaireError):
        list(catalogue.extract_questionnaire(io.BytesIO(b"version = 1"), (), (), {"filename": "bad.toml"}))


# --- the asking flow, driven directly ----------------------------------------------------------------


class Recorder(QuestionnaireFlow):
    name = "test_questionnaire"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.result: dict[str, Any] | None = None

    async def finished(self, turn: Turn, answers: dict[str, Any]) -> None:
        self.result = answers
        turn.say("finished")


class Asked:
    def __init__(self, turn: Turn, flow: Recorder) -> None:
        self.turn, self.flow = turn, flow

    @property
    def last(self) -> tuple[str, list[tuple[str, str]]]:
        reply = self.turn.replies[-1]
        return reply.text, [(c.label, c.action) for line in reply.choices for c in line]

    def actions(self) -> list[str]:
        return [action for _, action in self.last[1]]

    async def tap(self, action: str) -> None:
        assert action in self.actions(), (action, self.last)
        await self.choose(action)

    async def choose(self, action: str) -> None:
        """Hand the flow a button's action, as the engine would (a forged one too)."""
        await self.flow.on_choice(self.turn, Action.parse(action))

    async def type(self, text: str) -> None:
        await self.flow.on_text(self.turn, text)


async def asking(tmp_path: Path, locale: str = "en") -> tuple[Asked, Database]:
    db = await Database.open(tmp_path / "q.db")
    write(tmp_path, ALL_KINDS, "demo")
    flow = Recorder(tmp_path)
    return Asked(await _turn(db, locale, Registry.of(flows=[flow])), flow), db


async def _turn(db: Database, locale: str, registry: Registry | None = None) -> Turn:
    async with db.read() as tx:
        turn = await Turn.open(tx, Event(5, EventKind.TEXT), START, EngineConfig(), registry or Registry())
    turn.tr = Translator(locale)
    return turn


async def test_asks_every_kind_and_collects_answers(tmp_path: Path) -> None:
    asked, db = await asking(tmp_path)
    try:
        await asked.flow.start(asked.turn, "demo", "main")
        assert asked.turn.replies[0].text == "Hello there"
        text, buttons = asked.last
        assert text == "How do you feel?"
        assert [label for label, _ in buttons][:3] == ["😞 Low", "😐 Middle", "😀 High"]
        assert ("Skip this question", "skip") in buttons
        await asked.tap("opt:2")
        assert asked.last[0] == "How did you sleep?"
        await asked.tap("opt:well")
        assert asked.last[0].startswith("What did you do?")
        assert "done" not in asked.actions()  # Done appears once something is chosen
        await asked.tap("toggle:read")
        await asked.tap("toggle:walk")
        labels = [label for label, _ in asked.last[1]]
        assert "✓ Walk" in labels and "✓ Read" in labels and "Cook" in labels
        await asked.tap("toggle:read")  # untoggle
        assert "Read" in [label for label, _ in asked.last[1]]
        await asked.tap("toggle:cook")
        await asked.tap("done")
        assert asked.last[0] == "Did you like it: Walk?"
        await asked.tap("opt:yes")
        assert asked.last[0] == "Did you like it: Cook?"
        await asked.tap("skip")
        assert asked.last[0].startswith("How many cups of coffee?")
        await asked.type("25")
        assert asked.turn.replies[-2].text == "Please write a number from 0 to 20."
        await asked.type("ab")
        await asked.type("2,5")
        assert asked.turn.replies[-2].text == "Please write a whole number from 0 to 20."
        await asked.type(" 3 ")
        assert asked.last[0].startswith("Anything else?")
        await asked.choose("opt:1")  # a forged button on a typed question
        assert asked.last[0].startswith("Anything else?")
        await asked.type("far too long for ten")
        assert asked.turn.replies[-2].text == "Please write at most 10 characters."
        await asked.type("fine\u202e")
        assert asked.flow.result == {
            "feel": 2,
            "sleep": "well",
            "did": ["walk", "cook"],
            "liked": {"walk": True},
            "cups": 3,
            "note": "fine",
        }
    finally:
        await db.close()


async def test_everything_can_be_skipped(tmp_path: Path) -> None:
    asked, db = await asking(tmp_path)
    try:
        await asked.flow.start(asked.turn, "demo", "main", intro=False)
        for _ in range(5):
            await asked.tap("skip")
        assert asked.flow.result == {}
    finally:
        await db.close()


async def test_forged_and_wrong_actions_ask_again(tmp_path: Path) -> None:
    asked, db = await asking(tmp_path)
    try:
        await asked.flow.start(asked.turn, "demo", "main", intro=False)
        for action in ("opt:9", "opt:x", "toggle:walk", "done", "nonsense"):
            await asked.choose(action)
            assert asked.last[0] == "How do you feel?"
        await asked.type("hello")
        assert asked.turn.replies[-2].text == "Please tap one of the buttons below."
        await asked.tap("opt:0")
        await asked.tap("opt:badly")
        await asked.choose("toggle:swim")
        assert "✓" not in "".join(label for label, _ in asked.last[1])
        assert asked.flow.result is None
    finally:
        await db.close()


async def test_known_answers_expand_each_items(tmp_path: Path) -> None:
    asked, db = await asking(tmp_path)
    try:
        await asked.flow.start(asked.turn, "demo", "main", intro=False, known={"did": ["read"]})
        await asked.tap("opt:1")
        await asked.tap("opt:well")
        await asked.tap("skip")  # the multi item itself skipped: the known plans are used
        assert asked.last[0] == "Did you like it: Read?"
    finally:
        await db.close()


async def test_questions_and_labels_are_translated(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "q.db")
    try:
        turn = await _turn(db, "de")
        checkin = q.named("checkin")
        slot = slots(checkin, "evening", {"plans": ["rest"]})[1]
        assert (
            question_text(turn.tr, checkin, slot)
            == "Heute Morgen hatten Sie vor: 🛋 Ausruhen. Hat es geklappt?"
        )
        labels = [c.label for line in option_choices(turn.tr, checkin.part("evening").items[0]) for c in line]
        assert labels[0] == "😞 Sehr schlecht"
    finally:
        await db.close()
