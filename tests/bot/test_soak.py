"""The soak: simulated participants through a simulated week at a 10% fault rate (tests/soak_world.py).

`COMPANION_SOAK_PARTICIPANTS` sets how many. The default, 40, keeps the test near two minutes on a shared
2-core machine; 500 take about 13 minutes there, so `uv run python -m benchmarks.soak` runs the full 500
and prints the figures (benchmarks/README.md).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from bot.cli import configure_logging
from tests.soak_world import LogCollector, SoakConfig, soak_world, verify

PARTICIPANTS = int(os.environ.get("COMPANION_SOAK_PARTICIPANTS", "40"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]


async def test_a_week_at_a_ten_percent_fault_rate_loses_nothing(tmp_path: Path) -> None:
    configure_logging("INFO")  # the production set-up: what an operator would see
    logs = LogCollector()
    root = logging.getLogger()
    root.addHandler(logs)
    try:
        async with soak_world(tmp_path, SoakConfig(participants=PARTICIPANTS)) as soak:
            figures = await soak.run()
            await soak.halt()
            problems = await verify(soak, logs)
    finally:
        root.removeHandler(logs)
    print("\n" + figures.summary())
    assert not problems, figures.summary() + "\n" + "\n".join(problems[:40])
    assert figures.messages_sent > PARTICIPANTS * 5, figures.summary()
    assert sum(figures.faults.values()) > 0 and figures.closed > 0 and figures.acknowledged > 0
