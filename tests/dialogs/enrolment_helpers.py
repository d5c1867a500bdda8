"""Helpers for joining as a participant, shared by every package's tests."""

from __future__ import annotations

from tests.harness import Chat, World


async def enrol(
    w: World,
    chat: Chat,
    *,
    selfreports: bool = True,
    sharing: bool = False,
    set_up_later: bool = True,
) -> None:
    """Join in English; by default the check-in set-up that follows consent is left for later."""
    code = await w.invitation()
    await chat.send(f"/start {code}")
    await chat.tap("English")
    await chat.tap("Yes, I agree")
    await chat.tap("Yes" if selfreports else "No")
    await chat.tap("Yes" if sharing else "No")
    if set_up_later:
        await chat.tap("Set up later")
