"""Whoever proposes an appointment learns the answer: confirmed, declined or changed (with the new time);
the participant is told truthfully who learns it."""

from __future__ import annotations

from storage import proposals
from tests.dialogs.appointment_helpers import plain
from tests.dialogs.coach_helpers import known_as
from tests.harness import Chat, World


async def _propose(w: World, coach: Chat, participant: Chat, day: str = "3.12.", at: str = "10:30") -> str:
    pseudonym = await known_as(w, coach, participant)
    await coach.send(f"/appointment {pseudonym}")
    await coach.tap("Doctor")
    await coach.send(day)
    await coach.send(at)
    await coach.tap("Yes, propose it")
    await w.sweep()
    await participant.receive()
    return pseudonym


async def _states(w: World) -> list[str]:
    async with w.db.read() as tx:
        rows = await tx.all("SELECT state FROM appointment_proposals ORDER BY id")
    return [row[0] for row in rows]


async def test_the_proposer_learns_a_confirmation(w: World, coach: Chat, participant: Chat) -> None:
    pseudonym = await _propose(w, coach, participant)
    assert await _states(w) == ["waiting"]
    await participant.tap("Yes, confirm it")
    assert "Anna Beispiel (" in participant.texts() and "see that you confirmed it" in participant.texts()
    told = await coach.receive()
    assert any(
        m.text.startswith(f"✅ {pseudonym} confirmed your proposed appointment (Doctor, 12/3/26, 10:30")
        for m in told
    ), coach.transcript()
    assert await _states(w) == ["confirmed"]


async def test_the_proposer_learns_a_decline_and_nobody_is_promised_silence(
    w: World, coach: Chat, participant: Chat
) -> None:
    pseudonym = await _propose(w, coach, participant)
    await participant.tap("No, remove it")
    said = participant.last.text
    assert "Nobody is told" not in said
    assert said.startswith("Okay, I have removed it. Anna Beispiel (") and "see that you declined it" in said
    told = await coach.receive()
    assert any(m.text.startswith(f"❌ {pseudonym} declined your proposed appointment") for m in told)
    assert await _states(w) == ["declined"]
    assert await w.count("appointments") == 0


async def test_the_proposer_learns_a_changed_time(w: World, coach: Chat, participant: Chat) -> None:
    pseudonym = await _propose(w, coach, participant)
    await participant.send("/appointments")
    await participant.tap("Thu, Dec 3")
    await participant.tap("🕒 Change the day or time")
    await participant.send("4.12.")
    await participant.send("15:30")
    assert "see the new time" in participant.texts()
    told = await coach.receive()
    assert any(
        m.text.startswith(f"🔁 {pseudonym} changed your proposed appointment")
        and plain(m.text).endswith("to 12/4/26, 3:30 PM.")
        for m in told
    ), coach.transcript()
    async with w.db.read() as tx:
        [answer] = await proposals.of_organisation(tx, 1, since=w.clock.now().replace(year=2000))
    assert answer.state is proposals.State.CHANGED and answer.new_starts_at is not None
