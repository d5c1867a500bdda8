"""Coaches join with a single-use code: once, for 72 hours, never in a participant's chat; a removed coach
gets a neutral answer to everything until they are added again."""

from __future__ import annotations

from datetime import timedelta

from storage import coaches
from tests.dialogs.coach_helpers import join, known_as
from tests.harness import World


async def test_a_coach_code_makes_the_chat_a_coach_chat_once(w: World) -> None:
    code = await w.coach_code(name="Anna Beispiel")
    coach = w.chat(9101)
    await coach.send(f"/start {code}")
    assert (
        "Welcome, Anna Beispiel! This chat is now your coach access for Jobcenter Musterstadt."
        in coach.texts()
    )
    assert "📋 My cases" in coach.last.labels
    other = w.chat(9102)
    await other.send(f"/start {code}")
    assert other.last.text.startswith("This coach link has already been used or has expired.")
    await coach.send("/start")
    assert "You are registered as a coach of Jobcenter Musterstadt." in coach.texts()


async def test_a_coach_code_expires_after_72_hours(w: World) -> None:
    code = await w.coach_code()
    w.clock.advance(timedelta(hours=72, seconds=1))
    chat = w.chat(9101)
    await chat.send(f"/start {code}")
    assert chat.last.text.startswith("This coach link has already been used or has expired.")
    async with w.db.read() as tx:
        assert await coaches.by_chat(tx, 9101) is None


async def test_one_chat_is_never_both_participant_and_coach(w: World) -> None:
    coach = await w.coach()
    participant = await join(w, coach, 1001)
    await participant.send(f"/start {await w.coach_code(name='Someone Else')}")
    assert "This chat takes part as a participant, so it cannot become a coach's chat." in participant.texts()
    async with w.db.read() as tx:
        assert await coaches.by_chat(tx, 1001) is None
    await coach.send(f"/start {await w.invitation()}")
    assert "This is a coach's chat, so it cannot join as a participant." in coach.texts()
    assert await w.count("participants") == 1
    # Half-way through joining, a coach code is refused too.
    joining = w.chat(1002)
    await joining.send(f"/start {await w.invitation()}")
    await joining.send(f"/start {await w.coach_code(name='Third')}")
    assert "cannot become a coach's chat" in joining.texts()


async def test_a_removed_coach_gets_a_neutral_answer_to_everything(w: World) -> None:
    coach = await w.coach()
    participant = await join(w, coach, 1001)
    pseudonym = await known_as(w, coach, participant)
    await participant.send("/sos")
    await participant.tap("Please contact me")
    await coach.receive()
    coach_id = await w.coach_id(coach)
    async with w.db.transaction() as tx:
        await coaches.remove(tx, coach_id, w.clock.now())
    for action in ("/cases", f"/case {pseudonym}", "hello", "/help"):
        await coach.send(action)
        assert coach.last.text == "This chat has no access to the companion."
    await coach.tap("I will get in touch")
    assert coach.last.text == "This chat has no access to the companion."
    # Added again by the administrator, the same chat can open a new code.
    await coach.send(f"/start {await w.coach_code(name='Anna Beispiel')}")
    assert "Welcome, Anna Beispiel!" in coach.last.text or "Welcome, Anna Beispiel!" in coach.seen[-2].text
    await coach.send(f"/case {pseudonym}")
    assert coach.seen[-2].text.startswith("I cannot show you this case.")
