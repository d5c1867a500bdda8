"""Milliseconds per participant picture: the README's examples drawn again and again, as the outbox
worker draws them (from the outbox's JSON to PNG bytes, in one thread).

    uv run python -m benchmarks.pictures [--rounds 50]

Prints, per example, the median and the 90th percentile of the time to draw it, and its size in bytes.
Run it on a quiet machine: it measures CPU time spent in Pillow and raqm.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bot.pictures.draw import render
from bot.pictures.fonts import find_fonts
from dialogs.pictures.spec import Picture
from tests.picture_examples import examples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    rounds = parser.parse_args().rounds
    fonts = find_fonts()
    print(f"{'picture':<22} {'median ms':>10} {'p90 ms':>8} {'bytes':>8}")
    for name, picture in examples().items():
        stored = picture.attachment().content
        render(Picture.from_json(stored), fonts)  # fonts loaded once, as in the running service
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            png = render(Picture.from_json(stored), fonts)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p90 = times[int(len(times) * 0.9) - 1]
        print(f"{name:<22} {statistics.median(times):>10.1f} {p90:>8.1f} {len(png):>8}")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
