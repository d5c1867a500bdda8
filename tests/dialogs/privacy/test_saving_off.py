""" "Storing how you are" turned off says what happens to the answers stored before, and that is what happens:
nothing is deleted at once, each answer goes after the retention period, the weekly totals stay."""

from __future__ import annotations

from datetime import timedelta

from dialogs.core.i18n import Translator
from dialogs.privacy.upkeep import run_daily
from tests.dialogs.enrolment_helpers import enrol
from tests.harness import Chat, World

RETENTION = timedelta(days=90)


async def one_report(chat: Chat) -> None:
    await chat.send("/report")
    await chat.tap("Okay")
    while "Skip this question" in chat.last.labels:
        await chat.tap("Skip this question")
    if "Skip" in chat.last.labels:
        await chat.tap("Skip")


async def test_turning_saving_off_says_and_does_what_happens_to_earlier_answers(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, selfreports=True)
    await one_report(chat)
    assert await w.count("selfreports") == 1
    reported = w.clock.now()
    await chat.send("/privacy")
    await chat.tap("Turn off: Storing how you are")
    by = Translator("en").date(reported + RETENTION + timedelta(days=1), "medium")
    assert chat.seen[-2].text == (
        "I keep no new answers. The answers you gave before are not deleted now: they are deleted by "
        f"themselves, the last of them by {by}. The weekly totals of your answers stay until you write "
        "/delete, which deletes everything about you."
    )
    assert await w.count("selfreports") == 1  # not deleted at once, as said
    w.clock.set(reported + RETENTION + timedelta(days=1))
    await run_daily(w.db, w.clock.now(), w.engine.config)
    assert await w.count("selfreports") == 0  # gone by the day named
    assert await w.count("selfreport_weeks") == 1  # the weekly totals stay, as said


async def test_with_nothing_saved_it_only_says_that_nothing_new_is_kept(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, selfreports=True)
    await chat.send("/privacy")
    await chat.tap("Turn off: Storing how you are")
    assert chat.seen[-2].text == "I keep no new answers."
