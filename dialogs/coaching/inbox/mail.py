"""Sending the waiting "something new" mails to coaches' work addresses over SMTP (stdlib `smtplib` in a
worker thread: a few short mails a day need no extra dependency). The mail names no participant, no
pseudonym, no kind of signal: only that there is something new and the case view's address.

`send_ready(db, smtp, now)` sends what is due; a periodic job calls it (a failed mail is tried again
later, at most `MAX_ATTEMPTS` times).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from dialogs.core.i18n import N_, Translator
from storage import inbox_mails
from storage.database import Database

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=10)
SUBJECT = N_("Something new in the case view")
BODY = N_(
    "There is something new for you in the case view: {url}\n\n"
    "For data protection, this e-mail says nothing about whom or what it concerns. "
    "Please sign in to the case view to see it."
)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    sender: str
    case_view_url: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout: float = 20.0


def compose(smtp: SmtpSettings, address: str, locale: str) -> EmailMessage:
    tr = Translator(locale)
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = address
    message["Subject"] = tr(SUBJECT)
    message.set_content(tr(BODY, url=smtp.case_view_url))
    return message


def _deliver(smtp: SmtpSettings, message: EmailMessage) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        client.send_message(message)


async def send_ready(db: Database, smtp: SmtpSettings, now: datetime) -> int:
    """Send every waiting mail whose time has come; returns how many went out."""
    async with db.read() as tx:
        ready = await inbox_mails.ready(tx, now)
    sent = 0
    for mail in ready:
        if not mail.address:
            async with db.transaction() as tx:
                await inbox_mails.settle(tx, mail.id, "dropped", now)
            continue
        try:
            await asyncio.to_thread(_deliver, smtp, compose(smtp, mail.address, mail.locale))
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("mail %s to coach %s failed (%s)", mail.id, mail.coach_id, type(exc).__name__)
            async with db.transaction() as tx:
                if mail.attempts + 1 >= MAX_ATTEMPTS:
                    await inbox_mails.settle(tx, mail.id, "failed", now)
                else:
                    await inbox_mails.retry_later(tx, mail.id, now + RETRY_AFTER)
            continue
        async with db.transaction() as tx:
            await inbox_mails.settle(tx, mail.id, "sent", now)
        sent += 1
    return sent
