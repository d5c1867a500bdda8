"""The main paths of a participant, written once for every language: buttons are named by their English
msgid (`Reader.tap`) or by their place (`Reader.tap_at`), so one script gives the transcript in de, ar and uk.

Each path starts with someone who has just joined (`joined`), except `join` itself; the transcript shows
only the path. What changes from run to run (the invitation code, the pseudonym) is masked in `masked`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dialogs.core.i18n import Translator
from tests.dialogs.schedule_world import when
from tests.harness import Chat, World

LANGUAGES = {"de": "Deutsch", "ar": "العربية", "uk": "Українська"}
LIMIT = 600  # characters: about one phone screen


@dataclass
class Reader:
    """A participant reading in one language."""

    w: World
    chat: Chat
    tr: Translator

    async def tap(self, msgid: str) -> None:
        await self.chat.tap(self.tr(msgid))

    async def tap_at(self, index: int) -> None:
        """Press the button at this place of the newest message (0: the first)."""
        labels = [token for line in self.chat.last.buttons for _, token in line]
        label = self.chat.last.labels[index]
        self.chat.log.append(f"you tap: [{label}]")
        await self.chat.press(labels[index])

    async def say(self, text: str) -> None:
        await self.chat.send(text)


async def reader(w: World, locale: str) -> Reader:
    return Reader(w, w.chat(language_hint=locale), Translator(locale))


async def join(r: Reader) -> None:
    await r.say(f"/start {await r.w.invitation()}")
    await r.chat.tap(LANGUAGES[r.tr.locale])
    await r.tap("Yes, I agree")  # reads the introduction's pages on the way
    await r.tap("Yes")  # storing how you are
    await r.tap("No")  # short signals for the coach
    await r.say("08:00")
    await r.say("20:00")


async def checkin(r: Reader) -> None:
    await when(r.w, r.chat, "2026-11-24 08:00")
    await r.tap_at(0)
    await r.tap_at(1)
    await r.tap("Done")
    await when(r.w, r.chat, "2026-11-24 20:00")
    await r.tap_at(1)


async def appointment(r: Reader) -> None:
    await r.say("/appointments")
    await r.tap("➕ Add an appointment")
    await r.tap_at(1)  # tomorrow
    await r.tap_at(0)  # the first time offered
    await r.tap("Job centre")


async def report(r: Reader) -> None:
    await r.say("/report")
    for _ in range(8):
        if not r.chat.last.buttons or r.chat.last.labels[0] == r.tr("🆘 Help now"):
            break
        await r.tap_at(0)


async def info_search(r: Reader) -> None:
    await r.say("/info")
    await r.tap_at(4)  # a topic (debts: after Help now, the fourth)
    await r.tap("Next ▶")  # its next page: where to get help
    await r.say("Schulden")


async def sos(r: Reader) -> None:
    await r.say("/sos")


async def privacy(r: Reader) -> None:
    await r.say("/privacy")


async def stop(r: Reader) -> None:
    await r.say("/stop")  # stops at once, and says how to come back
    await r.say("hallo")


async def help_(r: Reader) -> None:
    await r.say("/help")
    await r.tap("📋 All commands")
    await r.tap("☰ Menu")


PATHS: dict[str, Callable[[Reader], Awaitable[None]]] = {
    "join": join,
    "checkin": checkin,
    "appointment": appointment,
    "report": report,
    "info_search": info_search,
    "sos": sos,
    "privacy": privacy,
    "stop": stop,
    "help": help_,
}


def masked(transcript: str) -> str:
    transcript = re.sub(r"/start \S+", "/start <invitation>", transcript)
    return re.sub(r"\bP-[A-Z0-9]{4}\b", "P-XXXX", transcript)


async def run(w: World, locale: str, path: str) -> tuple[str, list[str]]:
    """The path's transcript in this language, and every message the bot sent on it."""
    r = await reader(w, locale)
    if path != "join":
        await join(r)
        r.chat.log.clear()
        r.chat.seen.clear()
    await PATHS[path](r)
    return masked(r.chat.transcript()) + "\n", [shown.text for shown in r.chat.seen]
