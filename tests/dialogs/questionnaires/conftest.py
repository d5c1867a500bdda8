"""Fixtures of the questionnaire and self-report tests."""

from __future__ import annotations

import pytest

from tests.dialogs.enrolment_helpers import enrol
from tests.harness import Chat, World


@pytest.fixture
async def chat(w: World) -> Chat:
    """A participant who enrolled in English with the default answers (check-ins set up later)."""
    enrolled = w.chat()
    await enrol(w, enrolled)
    return enrolled
