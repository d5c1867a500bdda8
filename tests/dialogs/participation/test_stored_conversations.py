"""Conversations stored by an earlier version, whose step names carried the question, go on there."""

from __future__ import annotations

from tests.dialogs.participation.conftest import StoredAt
from tests.harness import Chat


async def test_a_consent_question_named_in_its_step_is_asked_again(
    enrolled: Chat, stored_at: StoredAt
) -> None:
    await stored_at(
        enrolled,
        "consent",
        "scope:selfreports",
        mode="renew",
        scopes=["selfreports"],
        answers={},
        intro_shown=False,
        locale="en",
    )
    await enrolled.send("hi")
    assert enrolled.seen[-2].text == "Please tap one of the buttons below."
    assert enrolled.last.text.startswith("May I store your answers")
    await enrolled.tap("Yes")
    assert "Thank you. Your choices are saved." in enrolled.texts()
    assert enrolled.last.text == "What would you like to do?"
