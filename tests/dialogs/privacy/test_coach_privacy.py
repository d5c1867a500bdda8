"""Consent per organisation in /privacy and /coachview, a tandem of two organisations, ending a link."""

from __future__ import annotations

from datetime import timedelta

from storage import buttons, consents, participants
from tests.dialogs.coach_helpers import connect, join, known_as
from tests.harness import Chat, World


async def test_each_organisation_sees_only_what_it_was_allowed(
    w: World, coach: Chat, counsellor: Chat
) -> None:
    participant = await join(w, coach, 1001, sharing=False)
    await connect(participant, counsellor, sharing=True)
    await participant.send("/sos")
    await participant.tap("Please contact me (Suchtberatung Nord)")
    jobcentre_saw = " ".join(s.text for s in await coach.receive())
    counsellor_saw = " ".join(s.text for s in await counsellor.receive())
    assert jobcentre_saw == ""  # the card told nobody; the request was for the counsellor only
    assert "Asked to be contacted" in counsellor_saw and "crisis" not in counsellor_saw
    await participant.send("/coachview")
    texts = participant.texts()
    after_jobcentre = texts.split("what Jobcenter Musterstadt can see")[1]
    jobcentre_view = after_jobcentre.split("what Suchtberatung Nord")[0]
    counsellor_view = texts.split("what Suchtberatung Nord can see")[1]
    assert "Asked to be contacted" not in jobcentre_view
    assert "Asked to be contacted" in counsellor_view


async def test_privacy_with_two_organisations_has_a_page_for_each(
    w: World, coach: Chat, counsellor: Chat
) -> None:
    participant = await join(w, coach, 1001, sharing=True)
    await connect(participant, counsellor, sharing=False)
    await participant.send("/privacy")
    overview = participant.last.text
    assert "Jobcenter Musterstadt may see:\nShort signals for your coach" in overview
    assert "Suchtberatung Nord may see:\nOnly whether you take part." in overview
    await participant.tap("Change: Suchtberatung Nord")
    assert participant.last.text.startswith("Suchtberatung Nord may see:\n⬜ Short signals for your coach")
    await participant.tap("Turn on: Whether your mood goes up or down")
    assert participant.last.text.startswith("May Suchtberatung Nord see whether your mood goes up")
    await participant.tap("Yes")
    async with w.db.read() as tx:
        person = await participants.by_chat(tx, 1001)
        assert person is not None
        ids = dict((name, org) for org, name in await _organisations(tx, person.id))
        assert await consents.granted_to(tx, person.id, ids["Suchtberatung Nord"]) == {
            "link",
            "mood_trend",
        }
        assert await consents.granted_to(tx, person.id, ids["Jobcenter Musterstadt"]) == {
            "link",
            "sharing",
        }
    await participant.tap("Show my consent history")
    assert "Whether your mood goes up or down (Suchtberatung Nord) – yes" in participant.seen[-2].text


async def _organisations(tx, participant_id: int):  # type: ignore[no-untyped-def]
    from storage import coaches

    return await coaches.organisations_of(tx, participant_id)


async def test_ending_a_connection_tells_that_organisation_and_nothing_more_reaches_it(
    w: World, coach: Chat, counsellor: Chat
) -> None:
    participant = await join(w, coach, 1001)
    await connect(participant, counsellor, sharing=True)
    pseudonym = await known_as(w, counsellor, participant)
    await participant.send("/privacy")
    await participant.tap("Change: Suchtberatung Nord")
    await participant.tap("End the connection with Suchtberatung Nord")
    assert "They will learn only that it ended" in participant.last.text
    await participant.tap("Yes, end it")
    assert "Done. You are no longer connected with Suchtberatung Nord." in participant.texts()
    assert f"⚪ {pseudonym} ended the connection with your organisation." in [
        s.text for s in await counsellor.receive()
    ]
    await participant.send("/sos")
    await participant.tap("Please contact me")
    assert await counsellor.receive() == []
    assert any("Asked to be contacted" in s.text for s in await coach.receive())
    await counsellor.send(f"/case {pseudonym}")
    assert counsellor.seen[-2].text.startswith("I cannot show you this case.")


async def test_the_crisis_card_can_turn_sharing_on_for_the_organisation(w: World, coach: Chat) -> None:
    participant = await join(w, coach, 1001, sharing=False)
    await participant.send("/sos")
    await participant.tap("Please contact me")
    assert participant.seen[-2].text.startswith("May I share short signals with Jobcenter Musterstadt?")
    await participant.tap("Yes")
    assert "I will let Jobcenter Musterstadt know" in participant.texts()
    assert any("Asked to be contacted" in s.text for s in await coach.receive())


async def test_without_any_organisation_the_contact_request_says_nobody_can_be_told(w: World) -> None:
    chat = w.chat()
    await chat.send(f"/start {await w.invitation(coach=False)}")
    await chat.tap("English")
    await chat.tap("Yes, I agree")
    await chat.tap("No")
    await chat.send("/sos")
    assert not [label for label in chat.last.labels if "contact me" in label]  # it could reach nobody
    assert "You are not connected with a coach in this companion" in chat.last.text
    assert len(chat.last.text) <= 600
    await chat.send("/privacy")
    assert "You are not connected with a coach's organisation, so nobody sees anything." in chat.last.text
    assert await w.count("signals") == 0


async def test_a_forged_privacy_toggle_for_a_foreign_organisation_changes_nothing(
    w: World, coach: Chat
) -> None:
    other = await w.organisation("Fremde Organisation")
    participant = await join(w, coach, 1001, sharing=False)
    await participant.send("/privacy")
    before = await w.count("consents")
    async with w.db.transaction() as tx:
        nonce = await tx.scalar("SELECT nonce FROM conversations WHERE chat_id = 1001")
        token = await buttons.mint(
            tx,
            chat_id=1001,
            nonce=nonce,
            action=f"toggle:sharing@{other}",
            now=w.clock.now(),
            ttl=timedelta(hours=1),
        )
    await participant.press(token)
    assert participant.last.text.startswith("Your choices:")
    assert "Fremde Organisation" not in participant.last.text
    assert await w.count("consents") == before


async def test_coming_back_after_stop_asks_each_organisation_again(w: World, coach: Chat) -> None:
    participant = await join(w, coach, 1001)
    await participant.send("/stop")
    await participant.send("/start")
    await participant.tap("Yes, I agree")
    await participant.tap("Yes")
    assert participant.seen[-2].text.startswith("May I share short signals with Jobcenter Musterstadt?")
    await participant.tap("Yes")
    await participant.tap("No")
    assert "Thank you. Your choices are saved." in participant.texts()
    await participant.send("/sos")
    await participant.tap("Please contact me")
    assert any("Asked to be contacted" in s.text for s in await coach.receive())
