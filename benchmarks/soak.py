"""The soak at full size: 500 simulated participants through a simulated week at a 10% fault rate.

The same run as tests/bot/test_soak.py (tests/soak_world.py), which the test suite does with fewer people
so it stays quick: the fake Bot API in this process injecting faults into one send in ten (429, 500, 502,
answers slower than the send timeout, dropped connections) and delivering every update twice and shuffled,
the real python-telegram-bot sender, outbox worker and polling, and a fake clock moved through the week in
10-minute steps. Prints the figures and every problem the checks found (none is the target).

    uv run python -m benchmarks.soak                       # 500 participants, 7 days
    uv run python -m benchmarks.soak --participants 100    # smaller
    uv run python -m benchmarks.soak --fault-rate 0.2      # harder

Targets: no problems; duplicates only where the log named them as possible.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from benchmarks.common import machine_summary, workdir
from bot.cli import configure_logging
from tests.soak_world import LogCollector, SoakConfig, soak_world, verify


async def soak(config: SoakConfig, keep: bool) -> int:
    configure_logging("WARNING")  # the production set-up; warnings and errors are what is checked
    logs = LogCollector()
    logging.getLogger().addHandler(logs)
    with workdir(keep) as directory:
        async with soak_world(directory, config) as world:
            figures = await world.run()
            await world.halt()
            problems = await verify(world, logs)
    print(figures.summary())
    print(machine_summary())
    if problems:
        print(f"{len(problems)} problem(s):")
        for problem in problems[:100]:
            print("  " + problem)
        return 1
    print("no problems found")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--fault-rate", type=float, default=0.10)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (the database)")
    args = parser.parse_args()
    config = SoakConfig(
        participants=args.participants, days=args.days, fault_rate=args.fault_rate, seed=args.seed
    )
    sys.exit(asyncio.run(soak(config, args.keep)))


if __name__ == "__main__":
    main()
