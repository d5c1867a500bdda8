"""Long lists for a coach's chat, split into messages under Telegram's limit of 4,096 characters (counted
in UTF-16 code units, as Telegram counts them: an emoji is two)."""

from __future__ import annotations

from collections.abc import Iterable

TELEGRAM_LIMIT = 4096
PAGE_LIMIT = 4000  # a margin below the limit


def telegram_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def pages(header: str, entries: Iterable[str], limit: int | None = None) -> list[str]:
    """The header and the entries (each kept whole, one per line) in as few messages as fit the limit
    (`PAGE_LIMIT` by default); an entry longer than the limit alone is cut."""
    limit = limit or PAGE_LIMIT
    found: list[str] = []
    current = header + "\n"
    for entry in entries:
        if telegram_length(entry) > limit:
            entry = entry[: limit // 2]
        candidate = current + "\n" + entry
        if telegram_length(candidate) > limit and current.strip():
            found.append(current.rstrip())
            candidate = entry
        current = candidate
    if current.strip():
        found.append(current.rstrip())
    return found
