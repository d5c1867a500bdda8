"""Distress gets a warm answer, from any state: never "I did not understand", never "you need an invitation
link", nothing stored, nobody told. Coaches are not answered this way."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.console import BANNER
from bot.service import run_console
from bot.settings import Settings
from dialogs.core.config import EngineConfig
from dialogs.core.events import SOS_TOKEN
from dialogs.crisis.words import find_distress
from storage import selfreports
from storage.sealing import new_key
from tests.dialogs.coach_helpers import join
from tests.dialogs.enrolment_helpers import enrol
from tests.harness import Chat, Shown, World, world

PHRASES = ("Ich will nicht mehr", "Mir geht es gar nicht gut", "😭")
WARM = "I am sorry you feel this way. You don't have to go through this alone."
TURNED_AWAY = ("did not understand", "invitation", "Please tap one of the buttons", "I do not know")


def test_the_shipped_word_lists_know_these_phrases() -> None:
    assert [find_distress(phrase) is not None for phrase in PHRASES] == [True] * len(PHRASES)


def assert_warm(shown: list[Shown]) -> None:
    """One warm answer: someone to talk to, a small next step, a button that shows the card."""
    assert shown, "no answer"
    answer = shown[-1]
    assert answer.text.startswith(WARM), answer.text
    assert "TelefonSeelsorge 0800 111 0 111 or 0800 111 0 222" in answer.text
    assert "glass of water" in answer.text
    assert answer.labels == ["🆘 Help now"]
    assert len(answer.text) <= 600
    for reply in shown:
        assert not any(words in reply.text for words in TURNED_AWAY), reply.text


async def assert_card_follows(chat: Chat) -> None:
    shown = await chat.press(SOS_TOKEN)
    assert "0800 111 0 111" in shown[-1].text and "112" in shown[-1].text


@pytest.mark.parametrize("phrase", PHRASES)
async def test_before_joining_distress_gets_a_warm_answer_and_no_invitation_talk(
    w: World, phrase: str
) -> None:
    stranger = w.chat(3003)
    assert_warm(await stranger.send(phrase))
    await assert_card_follows(stranger)
    for table in ("participants", "conversations", "signals", "consents"):
        assert await w.count(table) == 0, table


@pytest.mark.parametrize("phrase", PHRASES)
async def test_after_joining_distress_gets_a_warm_answer_and_tells_nobody(w: World, phrase: str) -> None:
    coach = await w.coach()
    participant = await join(w, coach, 1001, sharing=True)
    assert_warm(await participant.send(phrase))
    await assert_card_follows(participant)
    assert await w.count("signals") == 0
    assert await coach.receive() == []


async def test_halfway_through_joining_the_questions_wait(w: World) -> None:
    chat = w.chat()
    await chat.send(f"/start {await w.invitation()}")
    await chat.tap("English")
    assert_warm(await chat.send("Mir geht es gar nicht gut"))
    await chat.tap("Yes, I agree")  # the consent question is still open
    assert "store your answers" in chat.last.text


async def test_after_stopping_distress_gets_a_warm_answer(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    await chat.send("/stop")
    assert "You have stopped." in chat.texts()
    assert_warm(await chat.send("Ich will nicht mehr"))
    assert await w.count("signals") == 0


async def test_in_the_middle_of_settings_the_question_stays_open(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    await chat.send("/settings")
    question = chat.last
    assert_warm(await chat.send("😭"))
    await chat.tap(question.labels[0])  # the earlier question's buttons still work
    assert "This question is closed." not in chat.last.text


async def test_a_note_keeps_its_words_then_the_warm_answer(tmp_path: Path) -> None:
    async with world(tmp_path, EngineConfig(encryption_keys=(new_key(),))) as w:
        chat = w.chat()
        await enrol(w, chat)
        await chat.send("/report")
        for _ in range(5):
            await chat.tap("Skip")
        assert "anything else you want to note" in chat.last.text
        shown = await chat.send("Mir geht es gar nicht gut")
        assert "Thank you. I saved your answers." in shown[0].text
        assert shown[-1].text.startswith(WARM)
        async with w.db.read() as tx:
            assert len(await selfreports.sealed_notes(tx)) == 1


async def test_at_a_button_question_the_words_are_not_taken_for_an_answer(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    await chat.send("/report")
    shown = await chat.send("Ich will nicht mehr")
    assert_warm(shown)
    assert len(shown) == 1


async def test_a_coach_gets_no_warm_answer(w: World) -> None:
    coach = await w.coach()
    shown = await coach.send("Mir geht es gar nicht gut")
    assert not any(s.text.startswith(WARM) for s in shown)


async def test_the_console_answers_distress_warmly_before_joining(tmp_path: Path) -> None:
    """The console transport runs the same engine: a warm answer, its button shows the card."""
    settings = Settings(database=tmp_path / "companion.db", default_locale="en", _env_file=None)
    out = io.StringIO()
    await run_console(settings, io.StringIO("Mir geht es gar nicht gut\n1\n"), out, files_dir=tmp_path)
    printed = out.getvalue()
    assert WARM in printed and "TelefonSeelsorge 0800 111 0 111 or 0800 111 0 222" in printed
    assert "1) 🆘 Help now" in printed
    assert "112" in printed.split("1) 🆘 Help now")[1]  # the button brought the card
    assert "invitation link" not in printed.split(BANNER)[1]
