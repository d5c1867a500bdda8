"""Fixtures of the appointment tests."""

from __future__ import annotations

import pytest

from tests.dialogs.appointment_helpers import KEYED, use_keys
from tests.harness import World


@pytest.fixture
def keyed(w: World) -> World:
    """`w` with an encryption key configured, so place and note are asked (and sealed). Use it with
    `@pytest.mark.usefixtures("keyed")` and take `w` as usual."""
    use_keys(w, *KEYED.encryption_keys)
    return w
