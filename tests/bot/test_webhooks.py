"""Signals posted to an organisation's webhook: a real receiver on 127.0.0.1 checks every signature the
way docs/webhooks.md tells receivers to; failures are retried through the outbox; bad answers end dead."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from bot.delivery import Limits, OutboxWorker, Result, SendResult
from bot.webhooks import RoutingSender, WebhookSender
from dialogs.signals.raising import raise_signal_for
from storage import organisations, outbox, participants
from storage.outbox import OutboxMessage
from tests.dialogs.coach_helpers import join
from tests.harness import World
from tests.webhook_receiver import serve_webhook


@dataclass
class Receiver:
    """A webhook receiver: verifies `X-Companion-Signature` with the secret, answers from a script."""

    secret: str = ""
    answers: list[int] = field(default_factory=list)  # status codes to give, in order; then 200
    received: list[dict[str, object]] = field(default_factory=list)
    rejected: int = 0
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        timestamp = headers.get("X-Companion-Timestamp", "")
        expected = (
            "sha256="
            + hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        )
        if not hmac.compare_digest(expected, headers.get("X-Companion-Signature", "")):
            self.rejected += 1
            return 401
        status = self.answers.pop(0) if self.answers else 200
        if status == 200:
            self.received.append(json.loads(body))
        return status


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    with serve_webhook(state.handle) as port:
        state.port = port
        yield state


class Chats:
    """Telegram stand-in: every chat message is taken."""

    async def send(self, message: OutboxMessage) -> SendResult:
        return SendResult(Result.SENT)


async def setup(w: World, receiver: Receiver) -> int:
    organisation_id = await w.organisation("Suchtberatung Nord", webhook_url=receiver.url)
    async with w.db.read() as tx:
        found = await organisations.by_id(tx, organisation_id)
    assert found is not None
    receiver.secret = found.webhook_secret
    coach = await w.coach("Suchtberatung Nord", "Ben Muster", chat_id=9201)
    participant = await join(w, coach, 1001)
    async with w.db.transaction() as tx:
        person = await participants.by_chat(tx, participant.chat_id)
        assert person is not None
        # The "connected" post of the join is not what these tests are about (issue 16: its own test in
        # tests/dialogs/coaching/test_inbox_webhooks.py): one signal post each.
        await tx.execute("DELETE FROM outbox WHERE kind = 'webhook'")
        await raise_signal_for(tx, person.id, "new_date_needed", None, w.clock.now())
    return organisation_id


def worker(w: World, sender: WebhookSender) -> OutboxWorker:
    return OutboxWorker(w.db, RoutingSender(Chats(), sender), w.clock, Limits(per_chat_interval=0))


async def test_a_signal_reaches_the_receiver_signed_and_with_summary_fields_only(
    w: World, receiver: Receiver
) -> None:
    await setup(w, receiver)
    sender = WebhookSender(w.db)
    await worker(w, sender).drain()
    await sender.close()
    assert receiver.rejected == 0
    assert len(receiver.received) == 1
    body = receiver.received[0]
    assert set(body) == {"schema", "id", "type", "organisation", "pseudonym", "kind", "category", "time"}
    assert body["kind"] == "new_date_needed" and body["organisation"] == "Suchtberatung Nord"
    async with w.db.read() as tx:
        left = await tx.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'webhook'")
    assert left == 0  # delivered rows to nobody enrolled leave nothing behind


async def test_a_wrong_secret_is_refused_by_the_receiver_and_the_post_retried(
    w: World, receiver: Receiver
) -> None:
    organisation_id = await setup(w, receiver)
    receiver.secret = "not-the-secret"
    sender = WebhookSender(w.db)
    await worker(w, sender).drain()
    assert receiver.rejected == 1 and receiver.received == []
    async with w.db.read() as tx:
        row = await tx.one("SELECT status, last_error FROM outbox WHERE kind = 'webhook'")
    assert row is not None and tuple(row) == ("dead", "http_401")
    # A new secret: the administrator gives it to the receiver; new posts verify again.
    async with w.db.transaction() as tx:
        receiver.secret = await organisations.rotate_secret(tx, organisation_id)
        await outbox.enqueue(
            tx,
            chat_id=outbox.webhook_lane(organisation_id),
            participant_id=None,
            text='{"type":"test"}',
            buttons=[],
            attachment=None,
            not_before=w.clock.now(),
            now=w.clock.now(),
            kind=outbox.WEBHOOK,
            target=organisation_id,
        )
    await worker(w, sender).drain()
    await sender.close()
    assert receiver.received == [{"type": "test"}]


async def test_server_errors_are_retried_with_backoff_until_delivered(w: World, receiver: Receiver) -> None:
    await setup(w, receiver)
    receiver.answers = [500, 503]
    sender = WebhookSender(w.db)
    running = worker(w, sender)
    await running.drain()
    assert receiver.received == []
    w.clock.advance(timedelta(seconds=3))
    await running.drain()
    assert receiver.received == []
    w.clock.advance(timedelta(seconds=5))
    await running.drain()
    await sender.close()
    assert len(receiver.received) == 1


async def test_an_unreachable_receiver_keeps_the_post_pending(w: World, receiver: Receiver) -> None:
    organisation_id = await setup(w, receiver)
    async with w.db.transaction() as tx:
        await organisations.set_webhook(tx, organisation_id, "http://127.0.0.1:9/closed")
    sender = WebhookSender(w.db)
    await worker(w, sender).drain()
    await sender.close()
    async with w.db.read() as tx:
        row = await tx.one("SELECT status, attempts FROM outbox WHERE kind = 'webhook'")
    assert row is not None and tuple(row) == ("pending", 1)


async def test_a_removed_webhook_stops_at_once(w: World, receiver: Receiver) -> None:
    organisation_id = await setup(w, receiver)
    async with w.db.transaction() as tx:
        await organisations.set_webhook(tx, organisation_id, None)
    sender = WebhookSender(w.db)
    await worker(w, sender).drain()
    await sender.close()
    assert receiver.received == []
    async with w.db.read() as tx:
        assert await tx.scalar("SELECT last_error FROM outbox WHERE kind = 'webhook'") == "no_webhook"
