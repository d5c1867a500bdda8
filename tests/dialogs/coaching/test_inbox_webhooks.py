"""Webhooks carry an item's status changes and withdrawals; failed posts can be sent again, but never one
about what the participant withdrew in the meantime."""

from __future__ import annotations

import json

from dialogs.coaching.inbox import items
from storage import coaches, inbox_webhooks, outbox
from tests.dialogs.coach_helpers import join, known_as
from tests.harness import World

HOOK = "https://example.invalid/hook"


async def posts(w: World) -> list[tuple[str, str]]:
    async with w.db.read() as tx:
        rows = await tx.all("SELECT status, text FROM outbox WHERE kind = 'webhook' ORDER BY id")
    return [(row[0], json.loads(row[1])["type"]) for row in rows if row[1]]


async def test_status_changes_withdrawals_and_resending_failed_posts(w: World) -> None:
    await w.organisation(webhook_url=HOOK)
    anna = await w.coach(name="Anna Beispiel")
    participant = await join(w, anna, 1001)
    await participant.send("/sos")
    await participant.tap("Please contact me")
    async with w.db.read() as tx:
        coach = await coaches.by_chat(tx, anna.chat_id)
    assert coach is not None
    async with w.db.transaction() as tx:
        [view] = await items.open_items(tx, coach, w.clock.now())
        await items.take(tx, view.item.id, coach, w.clock.now())
    assert await posts(w) == [("pending", "connected"), ("pending", "signal"), ("pending", "item_status")]
    async with w.db.read() as tx:
        body = json.loads((await tx.all("SELECT text FROM outbox WHERE kind = 'webhook' ORDER BY id"))[2][0])
    assert body["status"] == "taken" and body["pseudonym"] == await known_as(w, anna, participant)
    assert "Anna" not in json.dumps(body)  # no coach name, nothing but summary fields
    # The receiver was down too long: both posts died, and are sent again on request.
    async with w.db.transaction() as tx:
        for row in await tx.all("SELECT id FROM outbox WHERE kind = 'webhook'"):
            await outbox.mark_dead(tx, row[0], "http 503")
        assert await inbox_webhooks.failed(tx) == 3
        assert await inbox_webhooks.resend(tx, w.clock.now()) == 3
    assert await posts(w) == [("pending", "connected"), ("pending", "signal"), ("pending", "item_status")]
    async with w.db.transaction() as tx:
        for row in await tx.all("SELECT id FROM outbox WHERE kind = 'webhook'"):
            await outbox.mark_dead(tx, row[0], "http 503")
    # A withdrawal takes the failed posts back (no resend brings them) and tells the receiver.
    await participant.send("/privacy")
    await participant.tap("Turn off: Short signals for your coach")
    # The connection post (about nothing withdrawn) stays, dead, and can still be resent.
    assert await posts(w) == [("dead", "connected"), ("pending", "item_withdrawn")]
    async with w.db.transaction() as tx:
        assert await inbox_webhooks.resend(tx, w.clock.now()) == 1


async def test_connection_changes_reach_the_webhook_and_hide_the_items(w: World) -> None:
    await w.organisation("Suchtberatung Nord", webhook_url=HOOK)
    counsellor = await w.coach("Suchtberatung Nord", "Ben Muster", chat_id=9201)
    participant = await join(w, counsellor, 1001)
    assert await posts(w) == [("pending", "connected")]
    await participant.send("/sos")
    await participant.tap("Please contact me")
    async with w.db.read() as tx:
        coach = await coaches.by_chat(tx, counsellor.chat_id)
    assert coach is not None
    async with w.db.transaction() as tx:
        assert len(await items.open_items(tx, coach, w.clock.now())) == 1
    await participant.send("/privacy")
    await participant.tap("End the connection with Suchtberatung Nord")
    await participant.tap("Yes, end it")
    kinds = [kind for _, kind in await posts(w)]
    assert kinds[0] == "connected" and kinds[-2:] == ["item_withdrawn", "connection_ended"]
    async with w.db.read() as tx:
        assert await tx.scalar("SELECT status FROM inbox_items") == "withdrawn"
