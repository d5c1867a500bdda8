"""The privacy tests share the participation tests' set-ups: someone who joined, coaches of two
organisations."""

from __future__ import annotations

from tests.dialogs.participation.conftest import coach, counsellor, enrolled, stored_at

__all__ = ["coach", "counsellor", "enrolled", "stored_at"]
