"""The team inbox: cover by a colleague, items taken and closed with an outcome, withdrawal hiding them,
and escalation of an untaken contact request after the organisation's working time (moved clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dialogs.coaching.inbox import assignment, items
from dialogs.coaching.inbox.escalation import working_deadline
from storage import coaches, inbox, participants
from storage.coaches import Coach
from storage.inbox import Outcome, Status, TeamSettings
from tests.dialogs.coach_helpers import join, known_as
from tests.harness import Chat, World

REFUSED = "I cannot show you this case. You can see the participants in your /cases list."


async def ask_contact(participant: Chat) -> None:
    await participant.send("/sos")
    await participant.tap("Please contact me")


async def staff(w: World, chat: Chat) -> Coach:
    async with w.db.read() as tx:
        found = await coaches.by_chat(tx, chat.chat_id)
    assert found is not None
    return found


async def inbox_of(w: World, chat: Chat) -> list[items.ItemView]:
    coach = await staff(w, chat)
    async with w.db.transaction() as tx:
        return await items.open_items(tx, coach, w.clock.now())


async def test_a_colleague_covers_a_case_and_the_read_is_audited(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    carl = await w.coach(name="Carl Kollege", chat_id=9102)
    ben = await w.coach("Suchtberatung Nord", "Ben Muster", chat_id=9201)
    participant = await join(w, anna, 1001)
    pseudonym = await known_as(w, anna, participant)
    shown = await carl.send(f"/case {pseudonym}")
    assert shown[0].text != REFUSED and pseudonym in shown[0].text
    assert (await ben.send(f"/case {pseudonym}"))[0].text == REFUSED
    async with w.db.read() as tx:
        detail = await tx.scalar(
            "SELECT detail FROM audit_log WHERE action = 'case_read' AND coach_name = 'Carl Kollege'"
        )
    assert detail == '{"cover":true}'


async def test_a_contact_request_is_an_item_the_team_takes_and_closes(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    carl = await w.coach(name="Carl Kollege", chat_id=9102)
    ben = await w.coach("Suchtberatung Nord", "Ben Muster", chat_id=9201)
    participant = await join(w, anna, 1001)
    await ask_contact(participant)
    [view] = await inbox_of(w, carl)
    assert view.pseudonym == await known_as(w, anna, participant)
    assert view.item.status is Status.OPEN and view.item.urgent and view.assigned == ("Anna Beispiel",)
    assert await inbox_of(w, ben) == []
    carl_coach, ben_coach = await staff(w, carl), await staff(w, ben)
    async with w.db.transaction() as tx:
        assert await items.take(tx, view.item.id, ben_coach, w.clock.now()) is None
        taken = await items.take(tx, view.item.id, carl_coach, w.clock.now())
    assert taken is not None and taken.item.taken_by_name == "Carl Kollege"
    [still] = await inbox_of(w, anna)
    assert still.item.status is Status.TAKEN and still.item.taken_by_name == "Carl Kollege"
    async with w.db.transaction() as tx:
        closed = await items.close(
            tx, view.item.id, carl_coach, Outcome.CONTACTED, date(2026, 12, 1), w.clock.now()
        )
        assert (
            await items.close(tx, view.item.id, carl_coach, Outcome.NOT_NEEDED, None, w.clock.now()) is None
        )
    assert closed is not None and closed.item.outcome is Outcome.CONTACTED
    assert closed.item.follow_up == date(2026, 12, 1)
    assert await inbox_of(w, anna) == []
    async with w.db.read() as tx:
        actions = [r[0] for r in await tx.all("SELECT action FROM audit_log WHERE action LIKE 'item_%'")]
    assert actions == ["item_taken", "item_closed"]


async def test_withdrawing_consent_hides_the_items_at_once(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    participant = await join(w, anna, 1001)
    await ask_contact(participant)
    [view] = await inbox_of(w, anna)
    await participant.send("/privacy")
    await participant.tap("Turn off: Short signals for your coach")
    assert await inbox_of(w, anna) == []
    anna_coach = await staff(w, anna)
    async with w.db.transaction() as tx:
        assert await items.take(tx, view.item.id, anna_coach, w.clock.now()) is None
        hidden = await inbox.get(tx, view.item.id)
    assert hidden is not None and hidden.status is Status.WITHDRAWN


def test_the_escalation_time_counts_only_working_hours() -> None:
    hours = TeamSettings(escalate_after_minutes=60)  # Mon-Fri 8-16 Europe/Berlin
    monday_1530 = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
    assert working_deadline(monday_1530, hours) == datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
    friday_2200 = datetime(2026, 11, 27, 21, 0, tzinfo=UTC)
    assert working_deadline(friday_2200, hours) == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


async def test_an_untaken_contact_request_is_escalated_to_the_team(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    carl = await w.coach(name="Carl Kollege", chat_id=9102)
    participant = await join(w, anna, 1001)
    organisation_id = (await staff(w, anna)).organisation_id
    async with w.db.transaction() as tx:
        await inbox.set_settings(tx, organisation_id, TeamSettings(60))
    w.clock.set(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))  # Monday 15:30 in Berlin
    await ask_contact(participant)
    await anna.receive()
    w.clock.set(datetime(2026, 11, 24, 7, 29, tzinfo=UTC))  # 29 working minutes later
    await w.sweep()
    assert await carl.receive() == []
    assert not (await inbox_of(w, carl))[0].item.escalated
    w.clock.advance(timedelta(minutes=2))
    await w.sweep()
    pseudonym = await known_as(w, anna, participant)
    assert [m.text for m in await carl.receive()] == [
        f"🔴 For the whole team: {pseudonym}: Asked to be contacted. Nobody has taken it yet."
    ]
    assert len(await anna.receive()) == 1
    [view] = await inbox_of(w, carl)
    assert view.item.escalated


async def test_a_hand_over_is_told_to_both_coaches_and_the_participant(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    carl = await w.coach(name="Carl Kollege", chat_id=9102)
    participant = await join(w, anna, 1001)
    pseudonym = await known_as(w, anna, participant)
    await participant.receive()
    giver, taker = await staff(w, anna), await staff(w, carl)
    async with w.db.transaction() as tx:
        person = await participants.by_chat(tx, participant.chat_id)
        assert person is not None
        assert await assignment.hand_over(tx, person.id, giver, taker, w.clock.now())
        assert not await assignment.hand_over(tx, person.id, giver, taker, w.clock.now())
    assert [m.text for m in await anna.receive()] == [f"➡️ {pseudonym} is now accompanied by Carl Kollege."]
    assert (await carl.receive())[0].text.startswith(f"⬅️ Anna Beispiel has handed {pseudonym} over to you.")
    told = [m.text for m in await participant.receive()]
    assert told and told[0].startswith("At Jobcenter Musterstadt, Carl Kollege accompanies you from now on.")
    assert pseudonym in (await carl.send("/cases"))[0].text
    assert (await anna.send("/cases"))[0].text.startswith("Nobody is connected with you yet.")
