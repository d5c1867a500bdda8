"""A coach of the default organisation (who opened their Telegram link) for the web tests."""

from __future__ import annotations

import pytest

from tests.harness import Chat, World


@pytest.fixture
async def coach(w: World) -> Chat:
    return await w.coach()
