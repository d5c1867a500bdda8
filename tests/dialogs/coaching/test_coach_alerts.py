"""Alerts: urgent signals at once (or after quiet hours), the others in the daily digest, withdrawals,
the end of participation, and webhook posts queued in the outbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from dialogs.signals.raising import raise_signal_for
from storage import audit, participants
from tests.dialogs.coach_helpers import join, known_as
from tests.harness import Chat, World


async def raise_for(w: World, chat: Chat, kind: str, category: str | None = None) -> bool:
    async with w.db.transaction() as tx:
        participant = await participants.by_chat(tx, chat.chat_id)
        assert participant is not None
        return await raise_signal_for(tx, participant.id, kind, category, w.clock.now())


async def actions(w: World) -> list[tuple[str, str]]:
    async with w.db.read() as tx:
        rows = await tx.all("SELECT action, detail FROM audit_log ORDER BY id")
    return [(row[0], row[1]) for row in rows]


async def test_a_contact_request_reaches_the_coach_at_once_with_two_buttons(
    w: World, coach: Chat, participant: Chat
) -> None:
    await participant.send("/sos")
    await participant.tap("Please contact me")
    shown = await coach.receive()  # the request alone: showing the card told nobody anything
    assert [s.text.split(":")[0] for s in shown] == [f"🔴 {await known_as(w, coach, participant)}"]
    assert shown[-1].text.startswith(f"🔴 {await known_as(w, coach, participant)}: Asked to be contacted (")
    assert shown[-1].labels == ["👁 Seen", "📞 I will get in touch"]
    assert ("signal_delivered", '{"channel":"chat","kind":"contact_requested"}') in await actions(w)


async def test_other_signals_wait_for_the_daily_digest(w: World, coach: Chat, participant: Chat) -> None:
    assert await raise_for(w, participant, "new_date_needed")
    assert await raise_for(w, participant, "help_to_get_there", "interpreter")
    assert await coach.receive() == []
    w.clock.set(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))  # 08:00 in Berlin
    await w.sweep()
    shown = await coach.receive()
    pseudonym = await known_as(w, coach, participant)
    assert [s.text.split(" (")[0] for s in shown] == [
        "Your daily summary: 2 new signals.",
        f"🟡 {pseudonym}: Needs a new date for an appointment",
        f"🟡 {pseudonym}: Needs help to get to an appointment: an interpreter",
    ]
    assert shown[1].labels == ["👁 Seen", "📞 I will get in touch"]
    # Nothing waits any more: the next digest is silent.
    w.clock.advance(timedelta(days=1))
    await w.sweep()
    assert await coach.receive() == []
    digest_entries = [a for a in await actions(w) if '"digest"' in a[1]]
    assert len(digest_entries) == 2


async def test_the_digest_leaves_out_what_was_withdrawn_before_it_came(
    w: World, coach: Chat, participant: Chat
) -> None:
    assert await raise_for(w, participant, "new_date_needed")
    await participant.send("/privacy")
    await participant.tap("Turn off: Short signals for your coach")
    w.clock.set(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))
    await w.sweep()
    assert await coach.receive() == []
    async with w.db.read() as tx:
        assert await tx.scalar("SELECT status FROM signal_deliveries") == "dropped"
    assert not [a for a in await actions(w) if a[0] == "signal_delivered"]


async def test_turning_sharing_on_again_does_not_reveal_older_signals(
    w: World, coach: Chat, participant: Chat
) -> None:
    assert await raise_for(w, participant, "new_date_needed")
    await participant.send("/privacy")
    await participant.tap("Turn off: Short signals for your coach")
    w.clock.advance(timedelta(minutes=5))
    await participant.tap("Turn on: Short signals for your coach")
    await participant.tap("Yes")
    await coach.send(f"/case {await known_as(w, coach, participant)}")
    assert "No signals." in coach.seen[-3].text
    w.clock.set(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))
    await w.sweep()
    assert await coach.receive() == []


async def test_a_withdrawal_takes_back_an_alert_still_waiting_in_the_outbox(
    coach: Chat, participant: Chat
) -> None:
    await participant.send("/sos")
    await participant.tap("Please contact me")
    await participant.send("/privacy")
    await participant.tap("Turn off: Short signals for your coach")
    shown = await coach.receive()
    assert not any("Asked to be contacted" in s.text for s in shown)


async def test_urgent_alerts_are_held_over_quiet_hours_if_the_coach_wants(
    w: World, coach: Chat, participant: Chat
) -> None:
    await coach.send("/alerts")
    await coach.tap("Hold urgent alerts during quiet hours")
    w.clock.set(datetime(2026, 11, 23, 22, 30, tzinfo=UTC))  # 23:30 in Berlin
    await participant.send("/sos")
    await participant.tap("Please contact me")
    assert await coach.receive() == []
    w.clock.set(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))  # 07:00 in Berlin: quiet hours end
    await w.sweep()
    shown = await coach.receive()
    assert [s.text.split(":")[1].split(" (")[0].strip() for s in shown] == ["Asked to be contacted"]
    # The daily digest an hour later does not repeat them.
    w.clock.set(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))
    await w.sweep()
    assert await coach.receive() == []


async def test_by_default_urgent_alerts_come_also_at_night(w: World, coach: Chat, participant: Chat) -> None:
    w.clock.set(datetime(2026, 11, 23, 23, 0, tzinfo=UTC))
    await participant.send("/sos")
    await participant.tap("Please contact me")
    assert any("Asked to be contacted" in s.text for s in await coach.receive())


async def test_a_digest_missed_while_the_service_was_down_comes_with_the_next(
    w: World, coach: Chat, participant: Chat
) -> None:
    assert await raise_for(w, participant, "new_date_needed")
    w.clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=UTC))  # five hours after the 08:00 digest
    await w.sweep()
    assert await coach.receive() == []
    w.clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=UTC))
    await w.sweep()
    shown = await coach.receive()
    assert shown[0].text == "Your daily summary: 1 new signal."


async def test_stopping_tells_the_coaches_only_that_participation_ended(
    w: World, coach: Chat, participant: Chat
) -> None:
    assert await raise_for(w, participant, "new_date_needed")
    await participant.send("/stop")
    shown = await coach.receive()
    assert [s.text for s in shown] == [f"⚪ {await known_as(w, coach, participant)}: participation ended."]
    w.clock.set(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))
    await w.sweep()
    assert await coach.receive() == []  # the waiting signal is not delivered any more
    await coach.send(f"/case {await known_as(w, coach, participant)}")
    assert coach.seen[-3].text == f"Participant {await known_as(w, coach, participant)}\nParticipation ended."
    # Deleting afterwards does not tell them twice.
    await participant.send("/delete")
    await participant.tap("Yes, delete everything")
    assert await coach.receive() == []


async def test_after_erasure_only_the_pseudonym_remains_in_the_audit_log(
    w: World, coach: Chat, participant: Chat
) -> None:
    pseudonym = await known_as(w, coach, participant)
    await participant.send("/sos")
    await participant.tap("Please contact me")
    await coach.send(f"/case {pseudonym}")
    await participant.send("/delete")
    await participant.tap("Yes, delete everything")
    shown = await coach.receive()
    assert f"⚪ {pseudonym}: participation ended." in [s.text for s in shown]
    async with w.db.read() as tx:
        entries = await tx.all("SELECT * FROM audit_log ORDER BY id")
        assert await tx.scalar("SELECT COUNT(*) FROM participants") == 0
        assert await tx.scalar("SELECT COUNT(*) FROM signals") == 0
        assert await tx.scalar("SELECT COUNT(*) FROM coach_links") == 0
        assert (await audit.verify(tx)).ok
    assert {row["pseudonym"] for row in entries} == {pseudonym}
    assert "participant_id" not in entries[0].keys()  # noqa: SIM118
    assert [row["action"] for row in entries][-1] == "participation_ended"
    # The coach's view of the erased pseudonym is the same refusal as for anyone unknown.
    await coach.send(f"/case {pseudonym}")
    assert coach.seen[-2].text.startswith("I cannot show you this case.")


async def test_mydata_contains_the_audit_entries_about_the_participant(
    w: World, coach: Chat, participant: Chat
) -> None:
    await coach.send(f"/case {await known_as(w, coach, participant)}")
    await participant.send("/mydata")
    document = json.loads(next(s.attachment for s in participant.seen if s.attachment) or b"")
    entries = document["tables"]["audit_log"]
    assert [e["action"] for e in entries] == ["linked", "case_read"]
    assert entries[1]["coach_name"] == "Anna Beispiel"
    assert "coach_links" in document["tables"]


async def test_webhook_posts_are_queued_only_where_allowed(w: World) -> None:
    await w.organisation("Suchtberatung Nord", webhook_url="https://example.invalid/hook")
    counsellor = await w.coach("Suchtberatung Nord", "Ben Muster", chat_id=9201)
    participant = await join(w, counsellor, 1001, sharing=True)
    await participant.send("/sos")  # crisis help: not allowed for this organisation
    await participant.tap("Please contact me")
    async with w.db.read() as tx:
        rows = await tx.all(
            "SELECT chat_id, kind, target, text FROM outbox WHERE kind = 'webhook'"
            " AND json_extract(text, '$.type') != 'connected'"
        )
    assert len(rows) == 1
    body = json.loads(rows[0]["text"])
    assert rows[0]["chat_id"] < 0 and rows[0]["target"] == -rows[0]["chat_id"]
    assert {k: body[k] for k in ("type", "kind", "category", "organisation", "pseudonym")} == {
        "type": "signal",
        "kind": "contact_requested",
        "category": None,
        "organisation": "Suchtberatung Nord",
        "pseudonym": await known_as(w, counsellor, participant),
    }
    assert set(body) == {"schema", "id", "type", "kind", "category", "organisation", "pseudonym", "time"}
    await participant.send("/stop")
    async with w.db.read() as tx:
        types = [
            json.loads(r[0])["type"] for r in await tx.all("SELECT text FROM outbox WHERE kind = 'webhook'")
        ]
    assert types == ["connected", "participation_ended"]  # the pending signal post was taken back
