"""The crisis card: fixed text, no database, no network beyond sending it. Help is one tap away.

The fixed national numbers are always there. Local services marked as crisis entries in the regional
information content (`locales/info`) are added when that content is present and valid; anything wrong
with it costs the card nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from dialogs.core.events import SOS_TOKEN, Event, EventKind
from dialogs.core.i18n import N_, Translator
from dialogs.core.sanitize import clean
from dialogs.crisis.words import find_crisis
from dialogs.info.content import ContentError, InfoContent
from dialogs.info.loading import cached_content

log = logging.getLogger(__name__)

CRISIS_LINES: tuple[tuple[str, str], ...] = (
    (N_("Emergency (ambulance, fire): {number}"), "112"),
    (N_("Police: {number}"), "110"),
    (N_("TelefonSeelsorge, free, day and night: {number}"), "0800 111 0 111"),
    (N_("TelefonSeelsorge, second number: {number}"), "0800 111 0 222"),
    (N_("Addiction and drug hotline, day and night (20 cents per call): {number}"), "01806 313031"),
)
MAX_LOCAL_LINES = 4


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


FIXED_NUMBERS = frozenset(_digits(number) for _, number in CRISIS_LINES)


@cache
def _content(root: Path) -> InfoContent | None:
    try:
        return cached_content(root)
    except ContentError as exc:
        log.warning("information content not usable for the crisis card (%d problems)", len(exc.issues))
    except Exception as exc:  # the card must come whatever is wrong with the content
        log.warning("information content not readable for the crisis card (%s)", type(exc).__name__)
    return None


def local_help(tr: Translator, root: Path | None, region: str | None = None) -> list[str]:
    """Crisis entries of the information content with a phone number the card does not already show."""
    content = _content(root) if root is not None else None
    if content is None:
        return []
    try:
        entries = content.crisis_entries(tr.locale, region).value
    except Exception as exc:
        log.warning("crisis entries not available (%s)", type(exc).__name__)
        return []
    lines = []
    for entry in entries:
        phones = ", ".join(p for p in entry.phone if _digits(p) not in FIXED_NUMBERS)
        if entry.phone and not phones:
            continue  # already on the card
        if phones and entry.hours:
            text = tr("{name}: {number} ({hours})", name=entry.name, number=phones, hours=entry.hours)
        elif phones:
            text = tr("{name}: {number}", name=entry.name, number=phones)
        elif entry.address and entry.hours:
            text = tr(
                "{name}, address: {address} ({hours})",
                name=entry.name,
                address=entry.address,
                hours=entry.hours,
            )
        elif entry.address:
            text = tr("{name}, address: {address}", name=entry.name, address=entry.address)
        elif entry.website:
            text = tr("{name}, website: {website}", name=entry.name, website=entry.website)
        else:
            continue
        lines.append(text)
        if len(lines) == MAX_LOCAL_LINES:
            break
    return lines


def crisis_card(tr: Translator, local: Sequence[str] = ()) -> str:
    lines = [tr("🆘 You are not alone. If you are in danger or thinking about hurting yourself, call now:")]
    lines += [f"• {tr(text, number=number)}" for text, number in CRISIS_LINES]
    if local:
        lines.append(tr("Near you:"))
        lines += [f"• {line}" for line in local]
    lines.append(tr("TelefonSeelsorge is free and anonymous. You can also talk to your coach."))
    return "\n".join(lines)


def is_crisis_input(event: Event) -> bool:
    """/sos, the help button's fixed word, or crisis words in a text: recognised without a database, and
    answered ahead of everything else, from any chat."""
    if event.kind is EventKind.COMMAND:
        return event.command.lower() == "sos"
    if event.kind is EventKind.CHOICE:
        return event.token == SOS_TOKEN
    return event.kind is EventKind.TEXT and find_crisis(clean(event.text)) is not None
