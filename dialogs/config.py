"""The settings the conversations need, as plain values (the service fills them from its settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from dialogs.i18n import match_locale


@dataclass(frozen=True)
class EngineConfig:
    default_locale: str = "de"
    fallback_locale: str = "de"
    default_timezone: str = "Europe/Berlin"
    retention_days: int = 90
    max_wrong_codes: int = 5
    grace_minutes: int = 30  # a due row later than this expires instead of arriving

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.grace_minutes)

    def locale_for_hint(self, hint: str | None) -> str:
        return match_locale(hint) or self.default_locale
