"""The crisis card: fixed text, no database, no network beyond sending it. Help is one tap away.

The fixed national numbers are always there. Local services marked as crisis entries in the regional
information content (`locales/info`) are added when that content is present and valid; anything wrong
with it costs the card nothing.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dialogs.core.events import SOS_TOKEN, Event, EventKind
from dialogs.core.i18n import N_, Translator
from dialogs.core.sanitize import clean
from dialogs.crisis.words import find_crisis
from dialogs.info.content import ContentError, InfoContent
from dialogs.info.loading import cached_content
from dialogs.info.schema import NATIONAL, Entry

# German speakers need no word about which lines answer in German.
SOURCE_LOCALE_DE = "de"

log = logging.getLogger(__name__)

# The fixed lines: always on the card, whatever the information content holds.
EMERGENCY, POLICE = "112", "110"
TELEFONSEELSORGE = ("0800 111 0 111", "0800 111 0 222")
ADDICTION_HOTLINE = "01806 313031"
CRISIS_LINES: tuple[tuple[str, dict[str, str]], ...] = (
    (N_("Emergency (ambulance, fire): {number}"), {"number": EMERGENCY}),
    (N_("Police: {number}"), {"number": POLICE}),
    (
        N_("TelefonSeelsorge, free, day and night: {number} or {other}"),
        {"number": TELEFONSEELSORGE[0], "other": TELEFONSEELSORGE[1]},
    ),
    (
        N_("Addiction and drug hotline, day and night (20 cents per call): {number}"),
        {"number": ADDICTION_HOTLINE},
    ),
)
MAX_LOCAL_LINES = 4
# The whole card fits a phone screen; local lines beyond the first give way before it grows longer.
CARD_LIMIT = 600
RLM = "\u200f"
BULLET = "• "


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


FIXED_NUMBERS = frozenset(_digits(n) for n in (EMERGENCY, POLICE, *TELEFONSEELSORGE, ADDICTION_HOTLINE))


@dataclass(frozen=True)
class LocalHelp:
    """What the information content adds to the card: the region's own crisis services (`near`, never a
    national one) and the services that also answer in the participant's language (`in_language`: a name,
    with its number when the card does not show it already)."""

    near: tuple[str, ...] = ()
    in_language: tuple[str, ...] = ()


@cache
def _content(root: Path) -> InfoContent | None:
    try:
        return cached_content(root)
    except ContentError as exc:
        log.warning("information content not usable for the crisis card (%d problems)", len(exc.issues))
    except Exception as exc:  # the card must come whatever is wrong with the content
        log.warning("information content not readable for the crisis card (%s)", type(exc).__name__)
    return None


def local_help(tr: Translator, root: Path | None, region: str | None = None) -> LocalHelp:
    """The region's crisis entries with a way to reach them the card does not already show, and the
    crisis entries (regional or national) that answer in the participant's language."""
    content = _content(root) if root is not None else None
    if content is None:
        return LocalHelp()
    try:
        entries = content.crisis_entries(tr.locale, region).value
    except Exception as exc:
        log.warning("crisis entries not available (%s)", type(exc).__name__)
        return LocalHelp()
    shown = set(FIXED_NUMBERS)
    near: list[tuple[int, str]] = []
    for entry in entries:
        if entry.region == NATIONAL or len(near) == MAX_LOCAL_LINES:
            continue
        line = _local_line(tr, entry, shown)
        if line is not None:
            near.append(line)
    # A number to call comes first, then a place to go, then a website: the card drops from the end.
    lines = tuple(line for _, line in sorted(near, key=lambda ranked: ranked[0]))
    language = tr.locale.split("_")[0]
    in_language = [_language_item(entry, shown) for entry in entries if language in entry.languages]
    return LocalHelp(lines, tuple(in_language))


def _new_phones(entry: Entry, shown: set[str]) -> str:
    """The entry's numbers not yet on the card, now counted as shown."""
    phones = [p for p in entry.phone if _digits(p) not in shown]
    shown.update(_digits(p) for p in phones)
    return ", ".join(phones)


def _local_line(tr: Translator, entry: Entry, shown: set[str]) -> tuple[int, str] | None:
    """The entry's line on the card with its rank (0: a number, 1: an address, 2: a website)."""
    phones = _new_phones(entry, shown)
    if entry.phone and not phones:
        return None  # already on the card
    if phones and entry.hours:
        return 0, tr("{name}: {number} ({hours})", name=entry.name, number=phones, hours=entry.hours)
    if phones:
        return 0, tr("{name}: {number}", name=entry.name, number=phones)
    if entry.address and entry.hours:
        return 1, tr(
            "{name}, address: {address} ({hours})", name=entry.name, address=entry.address, hours=entry.hours
        )
    if entry.address:
        return 1, tr("{name}, address: {address}", name=entry.name, address=entry.address)
    if entry.website:
        return 2, tr("{name}, website: {website}", name=entry.name, website=entry.website)
    return None


def _language_item(entry: Entry, shown: set[str]) -> str:
    phones = _new_phones(entry, shown)
    return f"{entry.name} {phones}" if phones else entry.name


def crisis_card(tr: Translator, local: LocalHelp | Sequence[str] = ()) -> str:
    """The card: who to call now, the services near the person, which lines help in their language."""
    if not isinstance(local, LocalHelp):
        local = LocalHelp(tuple(local))
    near = list(local.near)
    in_language = list(local.in_language)
    coach = True
    while True:
        text = _card_text(tr, near, in_language, coach)
        if len(text) <= CARD_LIMIT:
            return text
        # What gives way first: further local lines, the reminder of the coach, then the lines that
        # speak the person's language. The fixed numbers and the first local service always stay.
        if len(near) > 1:
            near.pop()
        elif coach:
            coach = False
        elif in_language:
            in_language.pop()
        else:
            return text


def _card_text(tr: Translator, near: Sequence[str], in_language: Sequence[str], coach: bool = True) -> str:
    lines = [tr("🆘 You are not alone. If you are in danger or thinking about hurting yourself, call now:")]
    lines += [BULLET + tr(text, **numbers) for text, numbers in CRISIS_LINES]
    if near:
        lines.append(tr("Near you:"))
        lines += [BULLET + line for line in near]
    if tr.locale.split("_")[0] != SOURCE_LOCALE_DE:
        note = tr("Most lines answer in German.")
        if in_language:
            note += " " + tr("In your language too: {services}", services=", ".join(in_language))
        lines.append(note)
    if coach:
        lines.append(tr("You can also talk to your coach."))
    return "\n".join(_right_to_left(tr, line) for line in lines)


def _right_to_left(tr: Translator, line: str) -> str:
    """In Arabic and Farsi a line starting with an emoji, a digit, a bullet or a German name would be laid
    out left to right; a right-to-left mark in front keeps it reading right to left."""
    if not tr.rtl or not line or unicodedata.bidirectional(line[0]) in ("R", "AL"):
        return line
    return RLM + line


def is_crisis_input(event: Event) -> bool:
    """/sos, the help button's fixed word, or crisis words in a text: recognised without a database, and
    answered ahead of everything else, from any chat."""
    if event.kind is EventKind.COMMAND:
        return event.command.lower() == "sos"
    if event.kind is EventKind.CHOICE:
        return event.token == SOS_TOKEN
    return event.kind is EventKind.TEXT and find_crisis(clean(event.text)) is not None
