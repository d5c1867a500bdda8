"""Fixtures of the check-in tests."""

from __future__ import annotations

import pytest

from tests.dialogs.schedule_world import join
from tests.harness import Chat, World


@pytest.fixture
async def chat(w: World) -> Chat:
    """A participant who enrolled in English and set up check-ins at 08:00 and 20:00 (no sharing)."""
    joined = w.chat()
    await join(w, joined)
    return joined
