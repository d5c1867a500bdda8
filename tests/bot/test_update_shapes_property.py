"""Whatever shape of update Telegram (or something pretending to be it) delivers: the transport turns it into
an event or deliberately ignores it, never raises, and every event it makes is answered by the engine.

Updates are built as Bot API JSON and parsed by python-telegram-bot itself (`Update.de_json` with a `Bot`
that never connects), so they look exactly like what polling and the webhook hand to the transport.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from telegram import Bot, Update

from bot.telegram_transport import event_from_update
from dialogs.core.events import Event, EventKind
from tests.dialogs.hostile_world import CHAT_IDS, ENROLLED, open_session

BOT = Bot("123456:TEST-TOKEN")  # only a context for de_json: nothing here talks to the network
TELEGRAM_ID = 2**52 - 1  # Bot API: chat and user ids have at most 52 significant bits
PERSON = {"id": CHAT_IDS[ENROLLED], "is_bot": False, "first_name": "A"}
PRIVATE = {"id": CHAT_IDS[ENROLLED], "type": "private"}
GROUP = {"id": -100123, "type": "supergroup"}
CHANNEL = {"id": -100456, "type": "channel"}
MEDIA = ("sticker", "photo", "voice", "video", "audio", "document", "location", "contact", "animation")

# The prepared world's chats (participants in every standing, coaches) as well as anyone at all.
ids = st.one_of(
    st.sampled_from(sorted(CHAT_IDS.values())),
    st.integers(-TELEGRAM_ID, TELEGRAM_ID),
    st.sampled_from([1, -1, TELEGRAM_ID, -TELEGRAM_ID]),
)
chat_types = st.one_of(
    st.sampled_from(["private", "group", "supergroup", "channel", "sender"]), st.text(max_size=10)
)
message_texts = st.one_of(
    st.none(),
    st.text(max_size=200),
    st.sampled_from(["/start", "/start abc", "/START@companion_bot x", "/", "/@", "/ help", "", " "]),
    st.builds(lambda name, args: f"/{name} {args}", st.text(max_size=40), st.text(max_size=40)),
    st.just("x" * 5000),
)


@st.composite
def users(draw: st.DrawFn) -> dict[str, Any]:
    user: dict[str, Any] = {"id": draw(ids), "is_bot": draw(st.booleans()), "first_name": draw(st.text())}
    if draw(st.booleans()):
        user["language_code"] = draw(st.one_of(st.sampled_from(["de", "en", "ar", "uk", "pt-br"]), st.text()))
    return user


@st.composite
def chats(draw: st.DrawFn) -> dict[str, Any]:
    return {"id": draw(ids), "type": draw(chat_types)}


def media(name: str) -> dict[str, Any] | list[dict[str, Any]]:
    file = {"file_id": "f", "file_unique_id": "u"}
    shapes: dict[str, dict[str, Any] | list[dict[str, Any]]] = {
        "sticker": {
            **file,
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        },
        "photo": [{**file, "width": 1, "height": 1}],
        "voice": {**file, "duration": 1},
        "video": {**file, "width": 1, "height": 1, "duration": 1},
        "audio": {**file, "duration": 1},
        "document": file,
        "location": {"latitude": 0.0, "longitude": 0.0},
        "contact": {"phone_number": "+49", "first_name": "A"},
        "animation": {**file, "width": 1, "height": 1, "duration": 1},
    }
    return shapes[name]


@st.composite
def messages(draw: st.DrawFn, *, inaccessible: bool = False) -> dict[str, Any]:
    chat = draw(chats())
    if inaccessible:  # a message too old for the bot to see: Telegram sends only its chat and id
        return {"message_id": draw(st.integers(1, 2**31)), "date": 0, "chat": chat}
    message: dict[str, Any] = {"message_id": draw(st.integers(1, 2**31)), "date": 1_700_000_000, "chat": chat}
    if draw(st.booleans()):
        message["from"] = draw(users())
    text = draw(message_texts)
    if text is not None:
        message["text"] = text
    for name in draw(st.lists(st.sampled_from(MEDIA), max_size=2, unique=True)):
        message[name] = media(name)
    if draw(st.booleans()):
        message["caption"] = draw(st.text(max_size=20))
    return message


@st.composite
def updates(draw: st.DrawFn) -> dict[str, Any]:
    update: dict[str, Any] = {"update_id": draw(st.integers(0, 2**53))}
    kind = draw(
        st.sampled_from(
            [
                "message",
                "edited_message",
                "channel_post",
                "edited_channel_post",
                "business_message",
                "callback_query",
                "inline_query",
                "chosen_inline_result",
                "my_chat_member",
                "poll_answer",
                "none",
            ]
        )
    )
    if kind in ("message", "edited_message", "channel_post", "edited_channel_post", "business_message"):
        update[kind] = draw(messages())
    elif kind == "callback_query":
        query: dict[str, Any] = {"id": draw(st.text(min_size=1)), "from": draw(users()), "chat_instance": "c"}
        shape = draw(st.sampled_from(["message", "inaccessible", "inline", "none"]))
        if shape in ("message", "inaccessible"):
            query["message"] = draw(messages(inaccessible=shape == "inaccessible"))
        elif shape == "inline":
            query["inline_message_id"] = "i"
        if draw(st.booleans()):
            query["data"] = draw(st.one_of(st.text(max_size=80), st.sampled_from(["sos", "", "cmd:help"])))
        elif draw(st.booleans()):
            query["game_short_name"] = "game"
        update[kind] = query
    elif kind == "inline_query":
        update[kind] = {"id": "q", "from": draw(users()), "query": draw(st.text()), "offset": ""}
    elif kind == "chosen_inline_result":
        update[kind] = {"result_id": "r", "from": draw(users()), "query": draw(st.text())}
    elif kind == "my_chat_member":
        member = {"status": "member", "user": draw(users())}
        update[kind] = {
            "chat": draw(chats()),
            "from": draw(users()),
            "date": 1_700_000_000,
            "old_chat_member": member,
            "new_chat_member": {**member, "status": "kicked", "until_date": 0},
        }
    elif kind == "poll_answer":
        update[kind] = {"poll_id": "p", "user": draw(users()), "option_ids": [], "option_persistent_ids": []}
    return update


def check_mapping(update: Update, event: Event | None) -> None:
    """What the transport promises for each shape (see `event_from_update`)."""
    chat = update.effective_chat
    if event is None:
        return
    assert chat is not None and event.chat_id == chat.id
    assert event.update_id == update.update_id
    if chat.type != "private":
        assert event.kind is EventKind.UNSUPPORTED and event.unsupported == "group"
        assert update.message is not None and (update.message.text or "").startswith("/")
    elif update.callback_query is not None:
        assert event.kind is EventKind.CHOICE and event.token == (update.callback_query.data or "")


def must_answer(update: Update) -> bool:
    """Updates a person is owed an answer for: anything they sent in a private chat with the bot."""
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return False
    if update.callback_query is not None or update.edited_message is not None:
        return True
    return update.message is not None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(updates(), min_size=1, max_size=6))
@example(batch=[{"update_id": 1, "callback_query": {"id": "1", "from": PERSON, "chat_instance": "c"}}])
@example(
    batch=[{"update_id": 2, "channel_post": {"message_id": 1, "date": 0, "chat": CHANNEL, "text": "/start"}}]
)
@example(
    batch=[{"update_id": 3, "message": {"message_id": 1, "date": 1, "chat": GROUP, "text": "/help@bot"}}]
)
@example(
    batch=[
        {
            "update_id": 4,
            "message": {"message_id": 1, "date": 1, "chat": PRIVATE, "sticker": media("sticker")},
        }
    ]
)
@example(
    batch=[{"update_id": 5, "edited_message": {"message_id": 1, "date": 1, "chat": PRIVATE, "text": "x"}}]
)
@example(batch=[{"update_id": 6, "inline_query": {"id": "q", "from": PERSON, "query": "", "offset": ""}}])
@example(
    batch=[
        {
            "update_id": 7,
            "callback_query": {
                "id": "1",
                "from": PERSON,
                "chat_instance": "c",
                "message": {"message_id": 1, "date": 0, "chat": PRIVATE},  # too old to be shown
                "data": "sos",
            },
        }
    ]
)
async def test_any_update_becomes_an_answered_event_or_is_deliberately_ignored(
    batch: list[dict[str, Any]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        session = await open_session(Path(folder) / "world")
        try:
            for data in batch:
                update = Update.de_json(data, BOT)
                event = event_from_update(update)
                check_mapping(update, event)
                if must_answer(update):
                    assert event is not None, data
                if event is not None:
                    # No handler fails, the chat gets an answer within Telegram's limits (or nothing at all
                    # for a redelivered update_id, which hypothesis may repeat as Telegram does).
                    await session.deliver(event)
        finally:
            await session.close()  # PRAGMA integrity_check and foreign_key_check
