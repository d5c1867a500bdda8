"""Fixtures every test package shares."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.harness import World, world

# Tests never assert on wall-clock time: no per-example deadline, and no health check that fails a test for
# being slow on a busy machine.
settings.register_profile("no_clock", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("no_clock")


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    """A fresh companion with its own database and a fake clock at `tests.harness.START`."""
    async with world(tmp_path) as current:
        yield current
