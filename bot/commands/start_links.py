"""The single-use links staff hand out (`https://t.me/<bot>?start=<code>`) for invitations and new coaches."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from datetime import datetime

from bot.settings import Settings

log = logging.getLogger("companion")


def bot_username(settings: Settings) -> str | None:
    return settings.bot_username or _username_from_token(settings)


def _username_from_token(settings: Settings) -> str | None:
    """Ask Telegram for the bot's username when only the token is configured."""
    if settings.telegram_token is None:
        return None
    from telegram import Bot

    async def ask() -> str | None:
        assert settings.telegram_token is not None
        try:
            async with Bot(
                settings.telegram_token.get_secret_value(), base_url=settings.telegram_api_url
            ) as bot:
                return bot.username
        except Exception as exc:
            log.warning("could not ask Telegram for the bot's username: %s", type(exc).__name__)
            return None

    return asyncio.run(ask())


def hand_out(
    settings: Settings,
    code: str,
    expires_at: datetime,
    *,
    as_json: bool,
    note: str,
    json_first: dict[str, object] | None = None,
    without_link: str | None = None,
) -> None:
    """Print the start link (when the bot's username is known) and the code on stdout, and `note` on stderr;
    with `as_json`, one JSON object instead: `json_first`'s fields, then code, link and expires_at.
    `without_link` goes to stderr when no link can be made."""
    username = bot_username(settings)
    link = f"https://t.me/{username}?start={code}" if username else None
    if as_json:
        fields = {**(json_first or {}), "code": code, "link": link, "expires_at": expires_at.isoformat()}
        print(json.dumps(fields))
        return
    if link:
        print(link)
    elif without_link is not None:
        print(without_link, file=sys.stderr)
    print(code)
    print(note, file=sys.stderr)
