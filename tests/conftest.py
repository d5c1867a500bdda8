"""Fixtures every test package shares."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness import World, world


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    """A fresh companion with its own database and a fake clock at `tests.harness.START`."""
    async with world(tmp_path) as current:
        yield current
