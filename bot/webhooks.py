"""Posting signals to organisations' webhooks, through the same outbox as Telegram messages.

Each outbox row of kind 'webhook' holds the JSON body. At send time the organisation's URL and secret are
read afresh (a removed webhook stops at once), and the body is signed: `X-Companion-Signature:
sha256=<hex>`, the HMAC-SHA256 under the organisation's secret of `<timestamp>.<body>`, with the timestamp
(Unix seconds) in `X-Companion-Timestamp`. See docs/webhooks.md for the schema and how to verify.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

import httpx

from bot.delivery import Result, Sender, SendResult
from storage import organisations
from storage.database import Database
from storage.outbox import WEBHOOK, OutboxMessage

log = logging.getLogger(__name__)

TIMEOUT = 10.0
SIGNATURE, TIMESTAMP, EVENT = "X-Companion-Signature", "X-Companion-Timestamp", "X-Companion-Delivery"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def outcome_of(status: int) -> SendResult:
    if 200 <= status < 300:
        return SendResult(Result.SENT)
    if status in (408, 425, 429) or status >= 500:
        return SendResult(Result.RETRY, error=f"http_{status}")
    return SendResult(Result.REJECTED, error=f"http_{status}")


class WebhookSender:
    def __init__(self, db: Database, client: httpx.AsyncClient | None = None) -> None:
        self.db = db
        self.client = client or httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False)

    async def send(self, message: OutboxMessage) -> SendResult:
        async with self.db.read() as tx:
            organisation = await organisations.by_id(tx, message.target or 0)
        if organisation is None or not organisation.webhook_url:
            return SendResult(Result.REJECTED, error="no_webhook")
        body = message.text.encode("utf-8")
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "companion-webhook/1",
            TIMESTAMP: timestamp,
            SIGNATURE: signature(organisation.webhook_secret, timestamp, body),
            EVENT: str(message.id),
        }
        try:
            response = await self.client.post(organisation.webhook_url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            log.warning("webhook of organisation %s failed: %s", organisation.id, type(exc).__name__)
            return SendResult(Result.RETRY, error=type(exc).__name__)
        outcome = outcome_of(response.status_code)
        if outcome.result is not Result.SENT:
            log.warning("webhook of organisation %s answered %s", organisation.id, response.status_code)
        return outcome

    async def close(self) -> None:
        await self.client.aclose()


class RoutingSender:
    """One worker, one state machine: Telegram rows go to the transport, webhook rows are posted."""

    def __init__(self, telegram: Sender, webhooks: WebhookSender) -> None:
        self.telegram = telegram
        self.webhooks = webhooks

    async def send(self, message: OutboxMessage) -> SendResult:
        if message.kind == WEBHOOK:
            return await self.webhooks.send(message)
        return await self.telegram.send(message)
