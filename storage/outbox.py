"""The durable outbox: every message the bot promised is a row here before anything is sent.

States: pending -> sending -> sent | dead. A row left in `sending` by a killed process goes back to
pending at start-up; that is the one window in which Telegram may already have the message, so it is
logged as a possible duplicate.

A row is a Telegram message (`kind` 'telegram') or a signal for an organisation's webhook ('webhook': the
text is the JSON body, `target` the organisation). Webhook rows use minus the organisation id as their
`chat_id`, their lane: private Telegram chats are positive, so order and pacing per lane hold unchanged.

With a sealer, text and attachment are stored sealed (`sealed` = 1) and opened only to be sent: a message may
show free text that is sealed at rest (an appointment's place), and it must not sit in clear on disk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from storage import consents
from storage.database import Row, Tx
from storage.sealing import Sealer, SealError
from storage.times import to_db

Keyboard = list[list[tuple[str, str]]]  # rows of (label, callback token)
TELEGRAM, WEBHOOK = "telegram", "webhook"


def webhook_lane(organisation_id: int) -> int:
    return -organisation_id


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    chat_id: int
    participant_id: int | None
    text: str
    buttons: Keyboard
    attachment: Attachment | None
    attempts: int
    kind: str = TELEGRAM
    target: int | None = None  # webhook: the organisation id
    sealed: bool = False  # text and attachment are sealed; `opened` gives the message to send


async def enqueue(
    tx: Tx,
    *,
    chat_id: int,
    participant_id: int | None,
    text: str,
    buttons: Keyboard,
    attachment: Attachment | None,
    not_before: datetime,
    now: datetime,
    kind: str = TELEGRAM,
    target: int | None = None,
    about_participant_id: int | None = None,
    answer: bool = False,
    sealer: Sealer | None = None,
    scope: str | None = None,
    crisis: bool = False,
) -> int:
    """Queue a message. `about_participant_id`: a coach's alert or a webhook about this participant,
    taken back when their consent is withdrawn and deleted with them. `answer`: a reply to what the person
    just did, sent before scheduled messages. `sealer`: store text and attachment sealed. `scope`: the
    participant's consent a planned message needs; it is dropped at sending unless the participant is still
    active and the scope still granted. `crisis`: the crisis card, sent before everything else."""
    content = attachment.content if attachment else None
    if sealer is not None:
        text = sealer.seal(text).decode("ascii")  # a Fernet token is ASCII
        content = None if content is None else sealer.seal_bytes(content)
    return await tx.insert(
        "INSERT INTO outbox (chat_id, participant_id, text, buttons, attachment_name, attachment, status,"
        " not_before, created_at, kind, target, about_participant_id, answer, sealed, scope, crisis)"
        " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            chat_id,
            participant_id,
            text,
            json.dumps(buttons, ensure_ascii=False) if buttons else None,
            attachment.filename if attachment else None,
            content,
            to_db(not_before),
            to_db(now),
            kind,
            target,
            about_participant_id,
            int(answer),
            int(sealer is not None),
            scope,
            int(crisis),
        ),
    )


def _message(row: Row) -> OutboxMessage:
    raw_buttons = json.loads(row["buttons"]) if row["buttons"] else []
    attachment = Attachment(row["attachment_name"], row["attachment"]) if row["attachment_name"] else None
    return OutboxMessage(
        id=row["id"],
        chat_id=row["chat_id"],
        participant_id=row["participant_id"],
        text=row["text"] or "",
        buttons=[[(label, token) for label, token in line] for line in raw_buttons],
        attachment=attachment,
        attempts=row["attempts"],
        kind=row["kind"],
        target=row["target"],
        sealed=bool(row["sealed"]),
    )


def opened(message: OutboxMessage, sealer: Sealer | None) -> OutboxMessage | None:
    """The message as it is sent: a sealed one opened in memory; None when no configured key opens it."""
    if not message.sealed:
        return message
    if sealer is None:
        return None
    try:
        text = sealer.open(message.text.encode("ascii"))
        attachment = message.attachment
        if attachment is not None:
            attachment = Attachment(attachment.filename, sealer.open_bytes(attachment.content))
    except SealError:
        return None
    return replace(message, text=text, attachment=attachment, sealed=False)


async def due(tx: Tx, now: datetime, limit: int) -> list[OutboxMessage]:
    """Messages that may go now: only each chat's head (its crisis card, else its oldest unsent message,
    so nothing else overtakes a message that waits for a retry); crisis cards first, then answers to what
    someone just did, then the rest in the order due. Reads heads only (migration 0012), so one chat's
    long queue costs nothing here."""
    rows = await tx.all(
        "SELECT * FROM outbox WHERE head = 1 AND status = 'pending' AND not_before <= ?"
        " ORDER BY crisis DESC, answer DESC, not_before, id LIMIT ?",
        (to_db(now), limit),
    )
    return [_message(row) for row in rows]


# A planned message whose participant stopped (or is gone) or whose consent scope is withdrawn.
_WITHDRAWN = (
    "scope IS NOT NULL AND NOT EXISTS (SELECT 1 FROM participants"  # noqa: S608 (no values in it)
    " WHERE participants.id = outbox.participant_id AND participants.status = 'active'"
    f" AND {consents.granted_sql('participants.id', 'outbox.scope')})"
)


async def _drop_withdrawn(tx: Tx, message_ids: list[int]) -> None:
    """Fail closed at the moment of sending: what the person no longer allows is dropped, not sent."""
    marks = ",".join("?" * len(message_ids))
    tx.later(
        f"DELETE FROM outbox WHERE id IN ({marks}) AND status = 'pending' AND {_WITHDRAWN}",  # noqa: S608
        message_ids,
    )


async def mark_sending(tx: Tx, message_id: int) -> bool:
    """Claim a message for sending; False when it is no longer pending or was dropped as withdrawn."""
    await _drop_withdrawn(tx, [message_id])
    changed = await tx.execute(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
        (message_id,),
    )
    return changed == 1


async def mark_sent(tx: Tx, message_id: int, now: datetime) -> None:
    """Keep only the fact of delivery; a message to nobody enrolled (a stranger, a goodbye after erasure)
    leaves no row at all."""
    await tx.execute("DELETE FROM outbox WHERE id = ? AND participant_id IS NULL", (message_id,))
    await tx.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, text = NULL, buttons = NULL, attachment = NULL,"
        " last_error = NULL WHERE id = ?",
        (to_db(now), message_id),
    )


async def mark_sending_many(tx: Tx, message_ids: list[int]) -> set[int]:
    """`mark_sending` for several rows in one statement; returns the ids claimed (pending, not withdrawn)."""
    if not message_ids:
        return set()
    await _drop_withdrawn(tx, message_ids)
    marks = ",".join("?" * len(message_ids))
    rows = await tx.all(
        f"UPDATE outbox SET status = 'sending', attempts = attempts + 1"  # noqa: S608 (only placeholders)
        f" WHERE id IN ({marks}) AND status = 'pending' RETURNING id",
        message_ids,
    )
    return {row[0] for row in rows}


async def mark_sent_many(tx: Tx, message_ids: list[int], now: datetime) -> None:
    """`mark_sent` for several rows: content cleared, rows of nobody enrolled deleted (written with the
    commit)."""
    if not message_ids:
        return
    marks = ",".join("?" * len(message_ids))
    tx.later(
        f"DELETE FROM outbox WHERE id IN ({marks}) AND participant_id IS NULL",  # noqa: S608
        message_ids,
    )
    cleared = (
        "status = 'sent', sent_at = ?, text = NULL, buttons = NULL, attachment = NULL, last_error = NULL"
    )
    sql = f"UPDATE outbox SET {cleared} WHERE id IN ({marks})"  # noqa: S608 (only placeholders)
    tx.later(sql, [to_db(now), *message_ids])


async def dead_by_error(tx: Tx) -> dict[str, int]:
    rows = await tx.all(
        "SELECT COALESCE(last_error, '?'), COUNT(*) FROM outbox WHERE status = 'dead' GROUP BY 1"
    )
    return {row[0]: row[1] for row in rows}


async def mark_retry(tx: Tx, message_id: int, not_before: datetime, error: str) -> None:
    await tx.execute(
        "UPDATE outbox SET status = 'pending', not_before = ?, last_error = ? WHERE id = ?",
        (to_db(not_before), error, message_id),
    )


async def mark_dead(tx: Tx, message_id: int, error: str) -> None:
    """Give up on a message; its content is cleared, its row stays for the operator's count. A webhook
    post keeps its body (a pseudonym and summary fields only) so that `companion webhooks resend` can
    send it again; a withdrawal deletes it (`withdraw_about`)."""
    await tx.execute(
        "UPDATE outbox SET status = 'dead', last_error = ?, buttons = NULL, attachment = NULL,"
        " text = CASE WHEN kind = 'webhook' THEN text ELSE NULL END WHERE id = ?",
        (error, message_id),
    )


async def unmark_sending(tx: Tx, message_ids: list[int]) -> None:
    """Rows marked `sending` whose request never left (the worker was stopped first): pending again, as if
    never tried, so the next start neither counts an attempt nor logs a possible duplicate."""
    if not message_ids:
        return
    marks = ",".join("?" * len(message_ids))
    await tx.execute(
        f"UPDATE outbox SET status = 'pending', attempts = attempts - 1"  # noqa: S608 (only placeholders)
        f" WHERE id IN ({marks}) AND status = 'sending'",
        message_ids,
    )


async def queued_for(tx: Tx, chat_id: int, at_most: int) -> int:
    """Unsent messages to a chat, counted up to `at_most` (the intake limit needs no more)."""
    return int(
        await tx.scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE chat_id = ?"
            " AND status IN ('pending', 'sending') LIMIT ?)",
            (chat_id, at_most),
        )
    )


async def crisis_card_queued(tx: Tx, chat_id: int) -> bool:
    return (
        await tx.scalar(
            "SELECT 1 FROM outbox WHERE chat_id = ? AND status IN ('pending', 'sending') AND crisis = 1"
            " LIMIT 1",
            (chat_id,),
        )
        is not None
    )


async def recover_interrupted(tx: Tx) -> list[int]:
    """Rows a killed process left in `sending`: back to pending. Returns their ids for the log."""
    rows = await tx.all("SELECT id FROM outbox WHERE status = 'sending'")
    await tx.execute("UPDATE outbox SET status = 'pending' WHERE status = 'sending'")
    return [row["id"] for row in rows]


async def cancel_pending(tx: Tx, chat_id: int) -> int:
    """Withdraw everything not yet sent to a chat (after /stop, /delete or a block)."""
    return await tx.execute(
        "DELETE FROM outbox WHERE chat_id = ? AND status IN ('pending', 'sending')", (chat_id,)
    )


async def cancel_scope(tx: Tx, participant_id: int, scope: str) -> int:
    """Take back the planned messages that need a consent scope just withdrawn."""
    return await tx.execute(
        "DELETE FROM outbox WHERE participant_id = ? AND scope = ? AND status = 'pending'",
        (participant_id, scope),
    )


async def forget_chat(tx: Tx, chat_id: int) -> None:
    await tx.execute("DELETE FROM outbox WHERE chat_id = ?", (chat_id,))


async def counts_by_status(tx: Tx) -> dict[str, int]:
    rows = await tx.all("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    return {row[0]: row[1] for row in rows}


async def purge_delivered(tx: Tx, before: datetime) -> int:
    return await tx.execute(
        "DELETE FROM outbox WHERE status IN ('sent', 'dead') AND created_at < ?", (to_db(before),)
    )


async def withdraw_about(tx: Tx, participant_id: int, lanes: list[int]) -> int:
    """Take back what still waits about a participant in these lanes (coach chats, webhook lanes), and
    failed webhook posts about them, so no resend brings back what was withdrawn."""
    if not lanes:
        return 0
    marks = ",".join("?" * len(lanes))
    return await tx.execute(
        f"DELETE FROM outbox WHERE about_participant_id = ?"  # noqa: S608
        " AND (status = 'pending' OR (status = 'dead' AND kind = 'webhook'))"
        f" AND chat_id IN ({marks})",
        (participant_id, *lanes),
    )
