"""E-mail notifications against a local SMTP server started by the test: the mail tells only that there
is something new in the case view, never who or what; none at night."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from dialogs.coaching.inbox.mail import SmtpSettings, send_ready
from storage import coaches, participants
from tests.dialogs.coach_helpers import join, known_as
from tests.harness import Chat, World

URL = "https://fallansicht.example.org/inbox"


class Inbox(MessageHandler):
    def __init__(self) -> None:
        super().__init__()
        self.mails: list[Message] = []

    def handle_message(self, message: Message) -> None:
        self.mails.append(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, SmtpSettings]]:
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, SmtpSettings("127.0.0.1", "fallansicht@example.org", URL, port=port, starttls=False)
    finally:
        controller.stop()


async def _with_email(w: World, chat: Chat, address: str) -> None:
    coach_id = await w.coach_id(chat)
    async with w.db.transaction() as tx:
        await coaches.set_email(tx, coach_id, address)


def _raw(mail: Message) -> str:
    payload = mail.get_payload(decode=True)
    body = payload.decode() if isinstance(payload, bytes) else str(mail.get_payload())
    return str(mail["Subject"]) + "\n" + body


async def test_the_mail_says_only_that_there_is_something_new(
    w: World, smtp_server: tuple[Inbox, SmtpSettings]
) -> None:
    server, smtp = smtp_server
    anna = await w.coach(name="Anna Beispiel")
    await _with_email(w, anna, "anna.beispiel@jobcenter.example.org")
    participant = await join(w, anna, 1001)
    await participant.send("/sos")
    await participant.tap("Please contact me")
    assert await send_ready(w.db, smtp, w.clock.now()) == 1
    [mail] = server.mails
    assert mail["To"] == "anna.beispiel@jobcenter.example.org"
    text = _raw(message_from_bytes(mail.as_bytes()))
    assert URL in text
    async with w.db.read() as tx:
        person = await participants.by_chat(tx, participant.chat_id)
    assert person is not None
    for secret in (await known_as(w, anna, participant), person.pseudonym, "contact", "Kontakt", "Asked"):
        assert secret not in text
    # Sent once: nothing waits any more.
    assert await send_ready(w.db, smtp, w.clock.now()) == 0


async def test_no_mail_at_night_but_in_the_morning(w: World, smtp_server: tuple[Inbox, SmtpSettings]) -> None:
    server, smtp = smtp_server
    anna = await w.coach(name="Anna Beispiel")
    await _with_email(w, anna, "anna.beispiel@jobcenter.example.org")
    participant = await join(w, anna, 1001)
    w.clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))  # 23:00 in Berlin: quiet hours
    await participant.send("/sos")
    await participant.tap("Please contact me")
    assert await send_ready(w.db, smtp, w.clock.now()) == 0
    w.clock.set(datetime(2026, 11, 24, 6, 1, tzinfo=UTC))  # 07:01 in Berlin: the quiet hours ended
    assert await send_ready(w.db, smtp, w.clock.now()) == 1
    assert len(server.mails) == 1
