"""What the inbox writes to the audit log (pseudonym, coach, summary fields only)."""

from __future__ import annotations

ITEM_TAKEN = "item_taken"
ITEM_CLOSED = "item_closed"
ITEM_ESCALATED = "item_escalated"
ITEM_WITHDRAWN = "item_withdrawn"
HANDED_OVER = "handed_over"
