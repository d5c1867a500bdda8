"""Fixtures of the coaching tests: a coach of the default organisation, and a participant who joined
with that coach's invitation and answered yes to every question."""

from __future__ import annotations

import pytest

from tests.dialogs.coach_helpers import join
from tests.harness import Chat, World


@pytest.fixture
async def coach(w: World) -> Chat:
    return await w.coach()


@pytest.fixture
async def participant(w: World, coach: Chat) -> Chat:
    return await join(w, coach, 1001)
