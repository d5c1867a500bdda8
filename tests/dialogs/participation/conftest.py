"""Set-ups the participation tests share (the privacy tests use them too): someone who joined, someone with
check-ins, coaches of two organisations, and a conversation as an earlier version stored it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from storage import conversations
from tests.dialogs.enrolment_helpers import enrol
from tests.dialogs.schedule_world import join
from tests.harness import Chat, World


@pytest.fixture
async def enrolled(w: World) -> Chat:
    """Someone who joined in English (chat 1001): self-reports stored, nothing shared with the coach's
    organisation, check-ins left to set up later."""
    chat = w.chat()
    await enrol(w, chat)
    return chat


@pytest.fixture
async def checking_in(w: World) -> Chat:
    """Someone who joined (chat 1001) and chose check-ins at 08:00 and 20:00."""
    chat = w.chat()
    await join(w, chat)
    return chat


@pytest.fixture
async def coach(w: World) -> Chat:
    """Anna Beispiel of Jobcenter Musterstadt (chat 9101), enrolled with her code."""
    return await w.coach()


@pytest.fixture
async def counsellor(w: World, coach: Chat) -> Chat:
    """Ben Muster of a second organisation, Suchtberatung Nord (chat 9201), enrolled after `coach`."""
    return await w.coach("Suchtberatung Nord", "Ben Muster", chat_id=9201)


StoredAt = Callable[..., Awaitable[None]]


@pytest.fixture
def stored_at(w: World) -> StoredAt:
    """`await stored_at(chat, flow, step, **data)`: the chat's conversation as an earlier version stored it
    (the same question's buttons stay valid)."""

    async def store(chat: Chat, flow: str, step: str, **data: object) -> None:
        async with w.db.transaction() as tx:
            conversation = await conversations.load(tx, chat.chat_id)
            assert conversation is not None
            conversation.flow, conversation.step, conversation.data = flow, step, dict(data)
            await conversations.save(tx, conversation, w.clock.now())

    return store
