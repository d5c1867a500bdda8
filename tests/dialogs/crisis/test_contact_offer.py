"""A keyword never reports to a coach on its own: the card asks, and only the tap (with the sharing consent
for that organisation) raises the contact request."""

from __future__ import annotations

import json
from datetime import timedelta

from dialogs.core.events import SOS_TOKEN
from storage import buttons
from tests.dialogs.coach_helpers import connect, join, known_as
from tests.dialogs.enrolment_helpers import enrol
from tests.dialogs.signals.test_signals import kinds
from tests.harness import DEFAULT_ORGANISATION, Chat, World

COUNSELLING = "Suchtberatung Nord"


async def test_crisis_words_alone_tell_no_coach_even_with_every_consent(w: World) -> None:
    coach = await w.coach()
    participant = await join(w, coach, 1001, sharing=True)
    await participant.send("I want to die")
    assert "112" in participant.last.text
    assert f"Shall I ask {DEFAULT_ORGANISATION} to contact you today?" in participant.last.text
    assert "will learn" not in participant.last.text
    await participant.send("/sos")
    await participant.press(SOS_TOKEN)
    assert await w.count("signals") == 0
    assert await coach.receive() == []

    await participant.tap(f"Please contact me ({DEFAULT_ORGANISATION})")
    thanks = f"I will let {DEFAULT_ORGANISATION} know that you would like to be contacted"
    assert thanks in participant.last.text
    assert await kinds(w) == [("contact_requested", None)]
    assert ["Asked to be contacted" in s.text for s in await coach.receive()] == [True]


async def test_each_organisation_has_its_own_button_and_its_own_consent(w: World) -> None:
    coach = await w.coach()
    await w.organisation(COUNSELLING)
    counsellor = await w.coach(COUNSELLING, "Ben Muster", chat_id=9201)
    participant = await join(w, coach, 1001, sharing=False)
    await connect(participant, counsellor, sharing=True)
    await participant.send("ich will nicht mehr leben")
    assert "Shall I ask someone to contact you today?" in participant.last.text
    assert participant.last.labels == [
        f"📞 Please contact me ({DEFAULT_ORGANISATION})",
        f"📞 Please contact me ({COUNSELLING})",
    ]
    assert await w.count("signals") == 0
    assert await coach.receive() == [] and await counsellor.receive() == []

    await participant.tap(f"({COUNSELLING})")  # sharing allowed: asked at once, only they are named
    assert f"I will let {COUNSELLING} know" in participant.last.text
    assert DEFAULT_ORGANISATION not in participant.last.text
    assert any("Asked to be contacted" in s.text for s in await counsellor.receive())
    assert await coach.receive() == []

    await participant.tap(f"({DEFAULT_ORGANISATION})")  # not allowed: its consent is read first
    assert f"May I share short signals with {DEFAULT_ORGANISATION}?" in participant.last.text
    answer = await participant.tap("No")
    assert "Okay. Your coach will not be told." in answer[0].text
    assert await coach.receive() == []
    assert await kinds(w) == [("contact_requested", None)]


async def test_a_request_for_one_organisation_reaches_no_other_that_may_receive_signals(w: World) -> None:
    """Both organisations allow signals: the tap for one reaches only its coaches, its /case, its webhook."""
    await w.organisation(DEFAULT_ORGANISATION, webhook_url="https://example.invalid/jobcentre")
    coach = await w.coach()
    await w.organisation(COUNSELLING, webhook_url="https://example.invalid/counselling")
    counsellor = await w.coach(COUNSELLING, "Ben Muster", chat_id=9201)
    participant = await join(w, coach, 1001, sharing=True)
    await connect(participant, counsellor, sharing=True)
    await participant.send("/sos")
    await participant.tap(f"({COUNSELLING})")
    assert any("Asked to be contacted" in s.text for s in await counsellor.receive())
    assert await coach.receive() == []
    cases: dict[int, str] = {}
    for staff in (coach, counsellor):
        shown = await staff.send(f"/case {await known_as(w, staff, participant)}")
        cases[staff.chat_id] = "\n".join(s.text for s in shown)
    assert "Signals since" in cases[coach.chat_id] and "Asked to be contacted" not in cases[coach.chat_id]
    case = cases[counsellor.chat_id]
    assert "Asked to be contacted" in case
    async with w.db.read() as tx:
        posted = [json.loads(r[0]) for r in await tx.all("SELECT text FROM outbox WHERE kind = 'webhook'")]
    signals = [body for body in posted if body["type"] == "signal"]  # not the connections (issue 16)
    assert [(body["organisation"], body["kind"]) for body in signals] == [(COUNSELLING, "contact_requested")]

    await participant.tap(f"({DEFAULT_ORGANISATION})")  # the other one within the hour: asked as well
    assert any("Asked to be contacted" in s.text for s in await coach.receive())
    assert await counsellor.receive() == []
    await participant.tap(f"({COUNSELLING})")  # the same one again within the hour: not stored twice
    assert f"I will let {COUNSELLING} know" in participant.last.text
    assert await kinds(w) == [("contact_requested", None), ("contact_requested", None)]


async def test_without_a_coach_the_card_keeps_its_plain_contact_button(w: World) -> None:
    chat = w.chat()
    code = await w.invitation(coach=False)
    await chat.send(f"/start {code}")
    await chat.tap("English")
    await chat.tap("Yes, I agree")
    await chat.tap("Yes")
    await chat.send("/sos")
    assert chat.last.labels == ["📞 Please contact me"]
    assert "Shall I ask" not in chat.last.text
    await chat.tap("Please contact me")
    assert "You are not connected with a coach in this companion" in chat.last.text
    assert await w.count("signals") == 0


async def mint(w: World, chat: Chat, action: str) -> str:
    async with w.db.transaction() as tx:
        return await buttons.mint(
            tx, chat_id=chat.chat_id, nonce=None, action=action, now=w.clock.now(), ttl=timedelta(days=30)
        )


async def test_buttons_stored_before_the_upgrade_still_work(w: World) -> None:
    """`crisis:contact` (the old card's button) and `crisis:share:<organisation>` (offered after it)."""
    sharing = w.chat(1001)
    await enrol(w, sharing, sharing=True)
    await sharing.press(await mint(w, sharing, "crisis:contact"))
    assert f"I will let {DEFAULT_ORGANISATION} know that you would like to be contacted" in sharing.last.text
    assert await kinds(w) == [("contact_requested", None)]

    not_sharing = w.chat(1002)
    await enrol(w, not_sharing, sharing=False)
    await not_sharing.press(await mint(w, not_sharing, "crisis:contact"))
    assert "Right now your coach will not be told" in not_sharing.last.text
    organisation = await w.organisation()
    await not_sharing.press(await mint(w, not_sharing, f"crisis:share:{organisation}"))
    assert f"May I share short signals with {DEFAULT_ORGANISATION}?" in not_sharing.last.text
    await not_sharing.tap("Yes")
    assert "would like to be contacted" in not_sharing.last.text
    assert await kinds(w) == [("contact_requested", None), ("contact_requested", None)]
    await not_sharing.press(await mint(w, not_sharing, "crisis:share:999"))  # not theirs: closed
    assert "This question is closed." in not_sharing.texts()
