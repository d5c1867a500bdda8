"""Fixtures of the appointment tests."""

from __future__ import annotations

import pytest

from dialogs.core.engine import Engine
from dialogs.features import REGISTRY
from tests.dialogs.appointment_helpers import KEYED
from tests.harness import World


@pytest.fixture
def keyed(w: World) -> World:
    """`w` with an encryption key configured, so place and note are asked (and sealed). Use it with
    `@pytest.mark.usefixtures("keyed")` and take `w` as usual."""
    w.engine = Engine(w.db, w.clock, KEYED, REGISTRY)
    return w
