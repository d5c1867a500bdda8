"""Make incoming text safe to match and to echo: no control or bidi-override characters, bounded length."""

from __future__ import annotations

import unicodedata

MAX_INPUT = 4096  # Telegram's own message limit; anything longer is refused with a kind word
_KEEP = {"\n", "\t"}
# Explicit directional embeddings, overrides and isolates can make echoed text read backwards.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


def clean(text: str) -> str:
    """Drop control, format-override and unassigned characters; normalise to NFC; trim."""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        if char in _KEEP:
            kept.append(" " if char == "\t" else char)
            continue
        if char in _BIDI_CONTROLS:
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co", "Cn"):
            continue
        kept.append(char)
    return "".join(kept).strip()


def too_long(text: str, limit: int = MAX_INPUT) -> bool:
    return len(text) > limit
