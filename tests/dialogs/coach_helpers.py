"""Helpers for the coaches' side: a coach's invitation, joining with it, reading pseudonyms."""

from __future__ import annotations

import re

from storage import coaches, org_pseudonyms, participants
from tests.harness import Chat, World

CODE = re.compile(r"/start (\S+)")


async def invite_code(coach: Chat) -> str:
    """The code of a fresh invitation from the coach's /invite."""
    shown = await coach.send("/invite")
    for message in shown:
        found = CODE.search(message.text)
        if found:
            return found.group(1)
    raise AssertionError(f"no invitation code in:\n{coach.transcript()}")


async def join(
    w: World,
    coach: Chat,
    chat_id: int,
    *,
    selfreports: bool = True,
    sharing: bool = True,
) -> Chat:
    """A new participant joins with the coach's invitation and answers each question."""
    chat = w.chat(chat_id)
    await chat.send("/start " + await invite_code(coach))
    await chat.tap("English")
    await chat.tap("Yes, I agree")
    await chat.tap("Yes" if selfreports else "No")
    await chat.tap("Yes" if sharing else "No")
    await coach.receive()
    return chat


def pseudonym_of(chat: Chat) -> str:
    """The internal pseudonym, as the welcome names it (operators and logs use it; no coach sees it)."""
    found = re.search(r"Your pseudonym is (P-[0-9A-Z]{4})", chat.texts())
    assert found, chat.transcript()
    return found.group(1)


async def connect(participant: Chat, coach: Chat, *, sharing: bool = True) -> None:
    """A participant who takes part already accepts another coach's invitation."""
    await participant.send("/start " + await invite_code(coach))
    await participant.tap("Yes, connect")
    await participant.tap("Yes" if sharing else "No")
    await coach.receive()


async def known_as(w: World, coach: Chat, participant: Chat) -> str:
    """The pseudonym the coach's organisation knows the participant by: the one its coaches see."""
    async with w.db.read() as tx:
        staff = await coaches.by_chat(tx, coach.chat_id)
        person = await participants.by_chat(tx, participant.chat_id)
        assert staff is not None and person is not None
        known = await org_pseudonyms.known(tx, person.id, staff.organisation_id)
    assert known is not None, "not linked to that coach's organisation"
    return known
