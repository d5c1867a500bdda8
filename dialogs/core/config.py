"""The settings the conversations need, as plain values (the service fills them from its settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from dialogs.core.i18n import LOCALES_DIR, match_locale

# The regional help information shipped with the companion (dialogs/info reads it).
INFO_CONTENT_ROOT = LOCALES_DIR / "info"


@dataclass(frozen=True)
class EngineConfig:
    default_locale: str = "de"
    fallback_locale: str = "de"
    default_timezone: str = "Europe/Berlin"
    retention_days: int = 90  # raw answers: check-ins, self-reports, appointments long past
    # How long the other kinds of rows are kept (see docs/privacy.md for the whole table).
    signal_days: int = 180  # signals, with their deliveries to coaches and the coaches' acknowledgements
    outbox_days: int = 1  # sent and given-up messages (their content is cleared when they leave)
    conversation_days: int = 30  # where a chat stands in a conversation, untouched for so long
    due_days: int = 7  # settled due rows (done, expired, cancelled)
    erase_after_days: int = 183  # people who stopped or could not be reached are erased after so long
    max_wrong_codes: int = 5
    # Keys for free text at rest, newest first. Empty: free text is not asked for at all.
    encryption_keys: tuple[str, ...] = field(default=(), repr=False)
    # Where the regional information content lives (its crisis entries join the crisis card); None: none.
    info_root: Path | None = INFO_CONTENT_ROOT
    grace_minutes: int = 30  # a due row later than this expires instead of arriving
    # The coaches' side: participants per coach before the coach and the administrator are warned, how
    # long a coach's /invite link works, and the bot's username for the link (None: the code is shown).
    caseload_limit: int = 25
    invitation_days: int = 14
    bot_username: str | None = None
    # Intake limits (dialogs/core/intake.py): a chat with this many messages still queued gets no further
    # answers until they are sent; a chat the bot does not know gets `stranger_answers` at once, then one
    # per `stranger_interval_seconds`. Crisis input is always answered.
    max_queued_replies: int = 5
    stranger_answers: int = 3
    stranger_interval_seconds: float = 60.0

    def erasure_at(self, left_at: datetime) -> datetime:
        """When someone who stopped (or became unreachable) at `left_at` is erased: the first daily upkeep
        after this moment erases them (dialogs/privacy/upkeep.py); /stop tells them the day."""
        return left_at + timedelta(days=self.erase_after_days)

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.grace_minutes)

    def locale_for_hint(self, hint: str | None) -> str:
        return match_locale(hint) or self.default_locale
