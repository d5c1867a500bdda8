"""Memory per participant: resident memory of a running bot process with 0 … 50,000 enrolled participants.

For each size, participants are seeded in bulk, the bot is started against the fake Bot API server and its
RSS (from /proc) is read once it polls, and again after a round of traffic: a burst of one button press
each from up to 1,000 participants spread over the whole range (200 with --quick). Both `companion run`
and the alternative (python-telegram-bot JobQueue with a daily job per participant and PicklePersistence,
benchmarks/alternative_bot.py) are measured in the same run.

    uv run python -m benchmarks.memory [--quick] [--no-alternative]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.alternative_bot import seed_pickle
from benchmarks.common import (
    BotProcess,
    Presser,
    alternative_process,
    chat_ids,
    companion_process,
    fake_server,
    header,
    privacy_loop,
    seed_participants,
    seed_token,
    workdir,
)
from tests.fake_bot_api import FakeBotApi

SETTLE = 0.5  # seconds after the first poll before reading RSS


@dataclass(frozen=True)
class MemoryPoint:
    stack: str
    participants: int
    ready_after: float
    rss_start: float
    rss_after_traffic: float
    presses: int
    answered: int
    storage_mb: float  # the database (with its WAL) or the pickle file on disk after start-up


def traffic(server: FakeBotApi, ids: list[int], presses: int, first_press: Callable[[int], str]) -> int:
    """One press each from `presses` participants spread over `ids`; returns how many were answered."""
    if not ids or presses <= 0:
        return 0
    step = max(1, len(ids) // presses)
    chosen = ids[::step][:presses]
    presser = Presser(server, privacy_loop)
    try:
        for chat in chosen:
            presser.add(chat, first_press(chat))
        while presser.press_one():
            pass
        presser.wait_idle(120)
        return len(presser.completed)
    finally:
        presser.close()


def measure(
    stack: str,
    n: int,
    presses: int,
    work: Path,
    make: Callable[[FakeBotApi, Path], BotProcess],
    stored: list[Path],
) -> MemoryPoint:
    ids = chat_ids(n)
    with fake_server(limits=False) as server:
        bot = make(server, work)
        with bot:
            time.sleep(SETTLE)
            start = bot.rss_mb()
            size = sum(path.stat().st_size for path in stored if path.exists()) / 1024 / 1024
            first: Callable[[int], str] = seed_token if stack == "companion" else (lambda chat: "privacy")
            answered = traffic(server, ids, presses, first)
            time.sleep(SETTLE)
            after = bot.rss_mb()
            # Nothing is measured after this, and the alternative's clean stop rewrites its whole pickle
            # once per changed participant (minutes after a round of traffic).
            bot.kill()
    return MemoryPoint(stack, n, bot.ready_after, start, after, min(presses, n), answered, size)


def companion_at(n: int, presses: int, keep: bool) -> MemoryPoint:
    with workdir(keep) as work:
        database = work / "companion.db"
        seed_participants(database, n)
        return measure(
            "companion",
            n,
            presses,
            work,
            lambda server, w: companion_process(server, database, w, per_chat_interval=0, global_rate=10_000),
            [database, database.with_name(database.name + "-wal")],
        )


def alternative_at(n: int, presses: int, keep: bool) -> MemoryPoint:
    with workdir(keep) as work:
        persistence = work / "alternative.pickle"
        checkin = (datetime.now(UTC) + timedelta(hours=12)).time().replace(microsecond=0, tzinfo=UTC)
        seed_pickle(persistence, chat_ids(n), checkin)
        return measure(
            "alternative",
            n,
            presses,
            work,
            lambda server, w: alternative_process(server, persistence, w),
            [persistence],
        )


def per_thousand(points: list[MemoryPoint], attribute: str) -> float:
    """Least-squares slope of RSS over participants, in MiB per 1,000 participants."""
    xs = [p.participants / 1000 for p in points]
    ys = [getattr(p, attribute) for p in points]
    if len(points) < 2:
        return float("nan")
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else float("nan")


def report(points: list[MemoryPoint]) -> None:
    print(
        f"{'stack':12} {'participants':>12} {'start-up':>9} {'RSS start':>10} {'RSS after':>10} "
        f"{'on disk':>9}  traffic"
    )
    for p in points:
        print(
            f"{p.stack:12} {p.participants:>12,} {p.ready_after:>8.2f}s {p.rss_start:>8.1f}MB "
            f"{p.rss_after_traffic:>8.1f}MB {p.storage_mb:>7.1f}MB  {p.answered}/{p.presses} presses answered"
        )
    for stack in dict.fromkeys(p.stack for p in points):
        mine = [p for p in points if p.stack == stack]
        print(
            f"{stack}: {per_thousand(mine, 'rss_start'):.2f} MB per 1,000 participants after start-up, "
            f"{per_thousand(mine, 'rss_after_traffic'):.2f} MB per 1,000 after traffic, "
            f"{per_thousand(mine, 'storage_mb'):.2f} MB per 1,000 on disk "
            f"(slope over {', '.join(f'{p.participants:,}' for p in mine)})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="0, 1,000 and 10,000 participants only")
    parser.add_argument("--no-alternative", action="store_true", help="measure only `companion run`")
    parser.add_argument("--keep", action="store_true", help="keep the work directories")
    args = parser.parse_args(argv)
    sizes = [0, 1_000, 10_000] if args.quick else [0, 1_000, 10_000, 50_000]
    presses = 200 if args.quick else 1_000
    header("memory per participant", args.quick)
    print(f"plan: {', '.join(f'{n:,}' for n in sizes)} participants; traffic: {presses} presses per size")
    points: list[MemoryPoint] = []
    for n in sizes:
        points.append(companion_at(n, presses, args.keep))
        print(f"  companion {n:,}: {points[-1].rss_start:.1f} -> {points[-1].rss_after_traffic:.1f} MB")
        if not args.no_alternative:
            points.append(alternative_at(n, presses, args.keep))
            print(f"  alternative {n:,}: {points[-1].rss_start:.1f} -> {points[-1].rss_after_traffic:.1f} MB")
    report(points)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
