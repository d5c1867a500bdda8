"""/appointment in a coach's chat: the participant is told and confirms; access is checked throughout."""

from __future__ import annotations

from tests.dialogs.coach_helpers import join, known_as
from tests.harness import Chat, World

REFUSED = "I cannot show you this case. You can see the participants in your /cases list."


async def test_a_coach_proposes_an_appointment_and_the_participant_confirms(
    w: World, coach: Chat, participant: Chat
) -> None:
    pseudonym = await known_as(w, coach, participant)
    await coach.send("/appointment")
    assert coach.last.text == "For whom is the appointment?"
    await coach.tap(pseudonym)
    await coach.tap("Doctor")
    assert "for example 3/12, 3/12/2026 or “tomorrow”" in coach.last.text  # ten days from today
    await coach.send("31.2.")
    assert "That date does not exist." in coach.texts()
    await coach.send("3.12.")
    await coach.send("25:00")
    assert "That time does not exist." in coach.texts()
    await coach.send("10:30")
    assert coach.last.text.startswith(f"Propose to {pseudonym}: Doctor, Dec 3, 2026 at 10:30?")
    await coach.tap("Yes, propose it")
    assert f"Proposed. {pseudonym} is asked in the chat to confirm it." in coach.texts()
    await w.sweep()
    shown = await participant.receive()
    assert any("Doctor" in s.text for s in shown), participant.transcript()
    await participant.tap("Yes, confirm it")
    # The coach sees it in /case once the participant allows upcoming appointments.
    await participant.send("/privacy")
    await participant.tap("Turn on: Your upcoming appointments")
    await participant.tap("Yes")
    await coach.send(f"/case {pseudonym}")
    assert "Upcoming appointments:\n• 12/3/26, 10:30" in coach.seen[-3].text
    async with w.db.read() as tx:
        actions = [row[0] for row in await tx.all("SELECT action FROM audit_log ORDER BY id")]
    assert "appointment_proposed" in actions


async def test_appointment_for_someone_not_linked_is_refused_alike(w: World) -> None:
    mine = await w.coach()
    other = await w.coach("Suchtberatung Nord", "Ben Muster", chat_id=9201)
    theirs = await join(w, other, 1001)
    first = [s.text for s in await mine.send(f"/appointment {await known_as(w, other, theirs)}")]
    second = [s.text for s in await mine.send("/appointment P-2222")]
    assert first == second and first[0] == REFUSED


async def test_cancel_and_a_participant_who_stopped_meanwhile(
    w: World, coach: Chat, participant: Chat
) -> None:
    pseudonym = await known_as(w, coach, participant)
    await coach.send(f"/appointment {pseudonym}")
    await coach.tap("Cancel")
    assert "Okay, nothing was proposed." in coach.texts()
    await coach.send(f"/appointment {pseudonym}")
    await coach.tap("Job centre")
    await coach.send("3.12.")
    await coach.send("9:00")
    await participant.send("/stop")
    await coach.receive()
    await coach.tap("Yes, propose it")
    assert coach.seen[-2].text == REFUSED
    assert await w.count("appointments") == 0
