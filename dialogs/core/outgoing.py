"""Everything the companion sends leaves through here: a turn's replies, messages to a coach's chat outside
their own turn, and organisations' webhook posts all become outbox rows, written in the caller's
transaction and delivered by `bot/delivery.py`. Taking back what is still waiting (after /stop, a withdrawn
consent, an unlinked organisation) is here too, so `dialogs` touches `storage.outbox` in this one module.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from dialogs.core.events import SOS_TOKEN, Choice
from storage import buttons, outbox
from storage.database import Tx
from storage.outbox import Attachment
from storage.sealing import Sealer

SOS_ACTION = "cmd:sos"  # the help button carries a fixed word, so it works even when the database does not
COACH_BUTTON_LASTING = timedelta(days=30)  # a button in a coach's alert, unless the choice says otherwise


async def queue_message(
    tx: Tx,
    *,
    chat_id: int,
    participant_id: int | None,
    text: str,
    choices: Sequence[Sequence[Choice]],
    tokens: Sequence[buttons.NewToken],
    attachment: Attachment | None,
    now: datetime,
    answer: bool,
    sealer: Sealer | None,
    scope: str | None,
    crisis: bool,
) -> int:
    """One reply of a turn. `tokens`: the buttons' new tokens, one per choice except the help button."""
    minted = iter(await buttons.mint_many(tx, list(tokens), now)) if tokens else iter(())
    keyboard = [
        [(choice.label, SOS_TOKEN if choice.action == SOS_ACTION else next(minted)) for choice in line]
        for line in choices
    ]
    return await outbox.enqueue(
        tx,
        chat_id=chat_id,
        participant_id=participant_id,
        text=text,
        buttons=keyboard,
        attachment=attachment,
        not_before=now,
        now=now,
        answer=answer,
        sealer=sealer,  # it may show sealed free text opened
        scope=scope,
        crisis=crisis,
    )


async def queue_for_coach(
    tx: Tx,
    chat_id: int,
    text: str,
    now: datetime,
    *,
    choices: Sequence[Sequence[Choice]] = (),
    about: int | None = None,
) -> int:
    """A message for a coach's chat outside the coach's own turn; its buttons are lasting ones."""
    keyboard = [
        [
            (
                choice.label,
                await buttons.mint(
                    tx,
                    chat_id=chat_id,
                    nonce=None,
                    action=choice.action,
                    now=now,
                    ttl=choice.lasting or COACH_BUTTON_LASTING,
                ),
            )
            for choice in line
        ]
        for line in choices
        if line
    ]
    return await outbox.enqueue(
        tx,
        chat_id=chat_id,
        participant_id=None,
        text=text,
        buttons=keyboard,
        attachment=None,
        not_before=now,
        now=now,
        about_participant_id=about,
    )


async def queue_webhook(
    tx: Tx, organisation_id: int, body: dict[str, object], about: int | None, now: datetime
) -> None:
    """A post to an organisation's webhook (its own lane in the outbox)."""
    await outbox.enqueue(
        tx,
        chat_id=outbox.webhook_lane(organisation_id),
        participant_id=None,
        text=json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
        buttons=[],
        attachment=None,
        not_before=now,
        now=now,
        kind=outbox.WEBHOOK,
        target=organisation_id,
        about_participant_id=about,
    )


async def cancel_for_chat(tx: Tx, chat_id: int) -> int:
    """Everything still waiting for this chat is not sent (after /stop, a declined enrolment)."""
    return await outbox.cancel_pending(tx, chat_id)


async def cancel_scope(tx: Tx, participant_id: int, scope: str) -> int:
    """Messages to the participant that need a consent scope they just withdrew are not sent."""
    return await outbox.cancel_scope(tx, participant_id, scope)


async def withdraw_about(
    tx: Tx, participant_id: int, coach_chats: Sequence[int], organisation_ids: Sequence[int]
) -> int:
    """Alerts and webhook posts about a participant, still waiting for these coaches' chats and these
    organisations' webhooks, are not sent."""
    lanes = [*coach_chats, *(outbox.webhook_lane(org) for org in organisation_ids)]
    return await outbox.withdraw_about(tx, participant_id, lanes)


async def queued_for(tx: Tx, chat_id: int, at_most: int) -> int:
    """How many messages wait for this chat, counting up to `at_most` (the intake limit)."""
    return await outbox.queued_for(tx, chat_id, at_most)


async def crisis_card_queued(tx: Tx, chat_id: int) -> bool:
    return await outbox.crisis_card_queued(tx, chat_id)


async def purge_delivered(tx: Tx, before: datetime) -> int:
    """Sent and dead rows older than `before` (the retention period) are deleted."""
    return await outbox.purge_delivered(tx, before)
