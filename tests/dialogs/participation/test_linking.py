"""Participants join with a coach's invitation or connect with another organisation later: only their yes
links them, that organisation's questions follow, and the optional extras are offered after."""

from __future__ import annotations

from pathlib import Path

from dialogs.info.conversation import content
from storage import coaches, consents, organisations
from tests.dialogs.coach_helpers import invite_code, join, known_as
from tests.harness import Chat, World, world


async def test_joining_with_a_coach_invitation_names_the_organisation_and_links(
    w: World, coach: Chat
) -> None:
    participant = await join(w, coach, 1001, sharing=True)
    texts = participant.texts()
    assert "You were invited by Anna Beispiel from Jobcenter Musterstadt." in texts
    assert "May I share short signals with Jobcenter Musterstadt?" in texts
    pseudonym = await known_as(w, coach, participant)
    assert f"🟢 {pseudonym} is now connected with you." in coach.texts()
    async with w.db.read() as tx:
        rows = await tx.all("SELECT scope, granted, organisation_id FROM consents ORDER BY id")
        organisation = await tx.scalar("SELECT id FROM organisations WHERE name = 'Jobcenter Musterstadt'")
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("checkins", 1, None),
        ("selfreports", 1, None),
        ("link", 1, organisation),
        ("sharing", 1, organisation),
    ]
    # The optional extras are offered once, after the welcome; joining goes on as always after it.
    texts_in_order = [s.text for s in participant.seen]
    offer = next(i for i, t in enumerate(texts_in_order) if "could also see the things below" in t)
    assert texts_in_order[offer - 1].startswith("Welcome! Your pseudonym is")
    assert offer < len(texts_in_order) - 1


async def test_an_invitation_without_a_coach_asks_no_sharing_question(w: World) -> None:
    chat = w.chat()
    await chat.send(f"/start {await w.invitation(coach=False)}")
    await chat.tap("English")
    await chat.tap("Yes, I agree")
    await chat.tap("No")
    assert "Welcome! Your pseudonym is" in chat.texts()
    assert "May I share short signals" not in chat.texts()
    await chat.send("/coachview")
    assert "You are not connected with a coach's organisation in this companion." in chat.texts()


async def test_the_extras_offered_after_joining_open_their_question(w: World, coach: Chat) -> None:
    participant = await join(w, coach, 1001)
    await participant.tap("➕ Your upcoming appointments")
    assert participant.last.text.startswith("May Jobcenter Musterstadt see your upcoming appointments")
    await participant.tap("Yes")
    assert "Done. “Your upcoming appointments” is now on." in participant.texts()
    async with w.db.read() as tx:
        organisation = await tx.scalar("SELECT id FROM organisations")
        assert "appointments" in await consents.granted_to(tx, 1, organisation)


async def test_a_participant_connects_with_a_second_organisation_only_by_saying_yes(
    w: World, coach: Chat, counsellor: Chat
) -> None:
    participant = await join(w, coach, 1001)
    pseudonym = await known_as(w, coach, participant)
    code = await invite_code(counsellor)
    await participant.send(f"/start {code}")
    assert "Ben Muster from Suchtberatung Nord would like to accompany you" in participant.last.text
    await participant.tap("No")
    assert "Okay. Nothing has changed." in participant.texts()
    await counsellor.send(f"/case {pseudonym}")
    assert counsellor.seen[-2].text.startswith("I cannot show you this case.")
    # The same link still works after a no.
    await participant.send(f"/start {code}")
    await participant.tap("Yes, connect")
    assert participant.seen[-2].text.startswith("May I share short signals with Suchtberatung Nord?")
    await participant.tap("No")
    await participant.tap("Yes")
    await counsellor.receive()
    assert await known_as(w, counsellor, participant) != pseudonym  # its own, not the job centre's
    pseudonym = await known_as(w, counsellor, participant)
    assert f"🟢 {pseudonym} is now connected with you." in counsellor.texts()
    await counsellor.send(f"/case {pseudonym}")
    assert "Participant " + pseudonym in counsellor.texts()
    # Used up now.
    await participant.send(f"/start {code}")
    assert "This link does not work any more" in participant.texts()


async def test_connecting_twice_with_the_same_coach_says_so(w: World, coach: Chat) -> None:
    participant = await join(w, coach, 1001)
    await participant.send(f"/start {await invite_code(coach)}")
    assert "You are already connected with Anna Beispiel from Jobcenter Musterstadt." in participant.texts()


async def test_a_second_coach_of_the_same_organisation_keeps_the_choices(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    carl = await w.coach(name="Carl Kollege", chat_id=9102)
    participant = await join(w, anna, 1001, sharing=True)
    await participant.send(f"/start {await invite_code(carl)}")
    await participant.tap("Yes, connect")
    assert "Connected. What Jobcenter Musterstadt may see stays as you chose it." in participant.texts()
    await carl.receive()
    assert "is now connected with you" in carl.texts()


async def test_an_invitation_of_a_removed_coach_no_longer_works(w: World, coach: Chat) -> None:
    code = await invite_code(coach)
    coach_id = await w.coach_id(coach)
    async with w.db.transaction() as tx:
        await coaches.remove(tx, coach_id, w.clock.now())
    chat = w.chat(1001)
    await chat.send(f"/start {code}")
    assert chat.last.text.startswith("This invitation has expired.")


async def test_going_over_the_caseload_limit_warns_the_coach(tmp_path: Path) -> None:
    from dialogs.core.config import EngineConfig

    async with world(tmp_path, EngineConfig(caseload_limit=2)) as w:
        coach = await w.coach()
        for chat_id in (1001, 1002):
            await join(w, coach, chat_id)
        assert "more than the limit" not in coach.texts()
        await join(w, coach, 1003)
        assert "Your caseload now has 3 people, more than the limit of 2." in coach.texts()
        await coach.send("/cases")
        assert "That is more than the limit of 2." in coach.texts()


async def test_a_participant_invited_by_a_coach_gets_the_local_help_of_the_organisations_region(
    w: World,
) -> None:
    async with w.db.transaction() as tx:
        await organisations.create(
            tx, name="Jobcenter Bochum", region="bochum", webhook_url=None, now=w.clock.now()
        )
    coach = await w.coach("Jobcenter Bochum")
    chat = await join(w, coach, 1001)
    await chat.send("/sos")
    assert "Sozialpsychiatrischer Dienst der Stadt Bochum" in chat.last.text.split("Near you:")[1]
    await chat.send("/info")
    assert "📍 Region: " + content().region_name("bochum", "en") in chat.last.labels
