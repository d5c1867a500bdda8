"""Wrong invitation or coach codes are limited in every state, and the lockout says what is true."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from dialogs.core.i18n import Translator
from tests.dialogs.crisis.test_crisis import assert_card
from tests.dialogs.enrolment_helpers import enrol
from tests.harness import Chat, World

LOCKED = "I do not accept any code until"


async def stranger(w: World) -> Chat:
    return w.chat(1001)


async def enrolling(w: World) -> Chat:
    chat = w.chat(1001)
    await chat.send("/start " + await w.invitation())
    await chat.tap("English")
    return chat


async def active(w: World) -> Chat:
    chat = w.chat(1001)
    await enrol(w, chat)
    return chat


async def stopped(w: World) -> Chat:
    chat = await active(w)
    await chat.send("/stop")
    return chat


async def coach(w: World) -> Chat:
    return await w.coach()


STATES: dict[str, Callable[[World], Awaitable[Chat]]] = {
    "stranger": stranger,
    "enrolling": enrolling,
    "active": active,
    "stopped": stopped,
    "coach": coach,
}


@pytest.mark.parametrize("state", STATES)
async def test_five_wrong_codes_lock_out_in_every_state(w: World, state: str) -> None:
    chat = await STATES[state](w)
    for attempt in range(5):
        await chat.send(f"/start wrongcode{attempt:04d}")
    assert await w.count("start_attempts") == 5
    shown = await chat.send(f"/start {await w.invitation()}")
    assert LOCKED in shown[0].text, chat.transcript()
    assert await w.count("start_attempts") == 5  # refused unseen: the lockout does not grow
    other = w.chat(3003)
    await other.send("/start wrongcode9999")
    assert LOCKED not in other.last.text  # one account's lock is not another's


async def test_the_lockout_says_until_when_in_the_persons_zone_and_what_still_works(w: World) -> None:
    chat = w.chat(1001)
    first = w.clock.now()
    for attempt in range(5):
        await chat.send(f"/start wrongcode{attempt:04d}")
        w.clock.advance(timedelta(minutes=1))
    await chat.send("/start wrongcode0005")
    text = chat.last.text
    until = Translator("en", timezone="Europe/Berlin").time(first + timedelta(hours=1))
    assert f"{LOCKED} {until}" in text.replace("\u2068", "").replace("\u2069", "")
    assert "new link" not in text  # that would be refused too
    assert "coach" in text and "/sos" in text
    w.clock.advance(timedelta(minutes=56))  # one minute after the first wrong code has aged out
    await chat.send(f"/start {await w.invitation()}")
    assert chat.last.text == "Please choose your language."


async def test_a_person_locked_out_still_gets_crisis_help(w: World) -> None:
    chat = await active(w)
    for attempt in range(6):
        await chat.send(f"/start wrongcode{attempt:04d}")
    assert LOCKED in chat.texts()
    for words in ("I want to die", "/sos", "/help"):
        shown = await chat.send(words)
        assert_card(next(s.text for s in shown if "112" in s.text))


async def test_a_coachs_lockout_sends_them_to_their_administrator(w: World) -> None:
    chat = await w.coach()
    for attempt in range(6):
        await chat.send(f"/start wrongcode{attempt:04d}")
    assert LOCKED in chat.last.text and "administrator" in chat.last.text
    assert "your coach" not in chat.last.text
