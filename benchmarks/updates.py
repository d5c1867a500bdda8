"""Update handling end to end: button presses through python-telegram-bot, the engine, SQLite and the outbox.

`companion run` runs in its own process and long-polls the fake Bot API server in this process (flood
limits off, COMPANION_PER_CHAT_INTERVAL=0). Enrolled participants, seeded in bulk, tap "Privacy" in the
menu and "Back to the menu" in the overview, again and again. A press counts as handled when the reply
carrying the next button is recorded by the fake server.

(a) maximum presses per second: a closed loop, every participant presses again as soon as it is answered;
(b) latency at an offered load of 100 presses per second (open loop) for 30 s (10 s with --quick);
(c) the bot process's CPU time (user + system) per press answered, over (a) and (b) together.

    uv run python -m benchmarks.updates [--quick]
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.common import (
    BotProcess,
    LatencyRun,
    Presser,
    Throughput,
    companion_process,
    fake_server,
    fmt_ms,
    header,
    measure_latency,
    measure_max_throughput,
    median,
    percentile,
    privacy_loop,
    seed_participants,
    seed_token,
    workdir,
)
from tests.fake_bot_api import FakeBotApi


@dataclass(frozen=True)
class Plan:
    participants: int
    concurrency: int  # chats pressing in the closed loop
    rounds: int
    warmup: float
    window: float
    rate: float
    latency_seconds: float
    low_rate: float | None = 30.0  # what Telegram lets a bot send per second: the load a real bot can answer
    global_rate: float = 10_000.0  # the bot's outbox pacer, opened so the stack's own capacity shows


def plan(quick: bool) -> Plan:
    if quick:
        return Plan(1_000, 200, 1, 1.0, 5.0, 100.0, 10.0)
    return Plan(2_000, 200, 3, 2.0, 10.0, 100.0, 30.0)


@dataclass
class UpdateFigures:
    throughput: list[Throughput]
    latency: list[LatencyRun]
    low: LatencyRun | None = None
    cpu_seconds: float = float("nan")  # the bot's CPU time over the closed and open loops
    presses: int = 0  # presses answered over the same span

    @property
    def cpu_ms_per_press(self) -> float:
        return 1000 * self.cpu_seconds / self.presses if self.presses else float("nan")

    @property
    def max_per_second(self) -> float:
        return median([t.per_second for t in self.throughput])

    def latency_median(self, p: float) -> float:
        return median([percentile(run.answered, p) for run in self.latency])

    def report(self, name: str) -> None:
        for i, t in enumerate(self.throughput, start=1):
            print(
                f"  [{name}] round {i}: max {t.per_second:.1f} presses/s ({t.presses} in {t.seconds:.0f} s)"
            )
        for i, run in enumerate(self.latency, start=1):
            print(f"  [{name}] round {i}: {run.summary()}")
        print(
            f"{name}: max {self.max_per_second:.1f} presses/s end to end (median of {len(self.throughput)}); "
            f"at {self.latency[0].offered_rate:.0f}/s: p50 {fmt_ms(self.latency_median(50))}, "
            f"p99 {fmt_ms(self.latency_median(99))} (medians of {len(self.latency)} runs), "
            f"achieved {median([r.achieved_rate for r in self.latency]):.1f}/s"
        )
        print(
            f"{name}: CPU {self.cpu_ms_per_press:.2f} ms per press "
            f"({self.cpu_seconds:.1f} s for {self.presses} presses, closed and open loop together)"
        )
        if self.low is not None:
            print(
                f"{name}: at {self.low.offered_rate:.0f}/s: p50 {fmt_ms(percentile(self.low.answered, 50))}, "
                f"p99 {fmt_ms(percentile(self.low.answered, 99))}"
            )


def drive(
    server: FakeBotApi,
    bot: BotProcess,
    ids: list[int],
    first_press: Callable[[int], str],
    p: Plan,
    name: str,
) -> UpdateFigures:
    """Run the closed-loop and open-loop rounds against a started bot."""
    presser = Presser(server, privacy_loop)
    figures = UpdateFigures([], [])
    cpu_before, answered_before = bot.cpu_seconds(), len(presser.completed)
    try:
        closed, rest = ids[: p.concurrency], ids[p.concurrency :]
        for chat in closed:
            presser.add(chat, first_press(chat))
        for i in range(p.rounds):
            figures.throughput.append(measure_max_throughput(presser, p.warmup, p.window))
            if not presser.wait_idle(30):
                print(f"  [{name}] warning: {presser.outstanding} presses unanswered after the closed loop")
            print(f"  [{name}] max throughput round {i + 1}: {figures.throughput[-1].per_second:.1f}/s")
        for chat in rest:
            presser.add(chat, first_press(chat))
        for i in range(p.rounds):
            figures.latency.append(measure_latency(presser, p.rate, p.latency_seconds))
            print(f"  [{name}] latency round {i + 1}: {figures.latency[-1].summary()}")
            if bot.process is not None and bot.process.poll() is not None:
                raise RuntimeError(f"{name} exited during the run; see {bot.log_path}")
        figures.cpu_seconds = bot.cpu_seconds() - cpu_before
        figures.presses = len(presser.completed) - answered_before
        if p.low_rate:
            figures.low = measure_latency(presser, p.low_rate, p.latency_seconds)
            print(f"  [{name}] latency at {p.low_rate:.0f}/s: {figures.low.summary()}")
    finally:
        presser.close()
    return figures


def run_ours(p: Plan, keep: bool = False) -> UpdateFigures:
    with workdir(keep) as work:
        database = work / "companion.db"
        ids = seed_participants(database, p.participants)
        with (
            fake_server(limits=False) as server,
            companion_process(server, database, work, per_chat_interval=0, global_rate=p.global_rate) as bot,
        ):
            print(f"  [companion] {p.participants} participants, polling after {bot.ready_after:.2f} s")
            return drive(server, bot, ids, seed_token, p, "companion")


def run_ours_at_telegrams_rate(p: Plan, keep: bool = False) -> Throughput:
    """The same closed loop with the outbox pacer at its default (30 messages/s, Telegram's limit)."""
    with workdir(keep) as work:
        database = work / "companion.db"
        ids = seed_participants(database, p.concurrency)
        with (
            fake_server(limits=False) as server,
            companion_process(server, database, work, per_chat_interval=0),
        ):
            presser = Presser(server, privacy_loop)
            try:
                for chat in ids:
                    presser.add(chat, seed_token(chat))
                return measure_max_throughput(presser, p.warmup, p.window)
            finally:
                presser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.updates", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one short round (under a minute)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (database, logs)")
    args = parser.parse_args(argv)
    p = plan(args.quick)
    header("update handling end to end (button presses)", args.quick)
    print(
        f"plan: {p.participants} enrolled participants; closed loop with {p.concurrency} chats, "
        f"{p.rounds} × ({p.warmup:.0f} s warm-up + {p.window:.0f} s); open loop at {p.rate:.0f}/s for "
        f"{p.latency_seconds:.0f} s, {p.rounds} ×"
    )
    figures = run_ours(p, args.keep)
    figures.report("companion")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (at the start: above)")
    if not args.quick:
        capped = run_ours_at_telegrams_rate(p, args.keep)
        print(
            f"companion with the default COMPANION_GLOBAL_RATE=30: max {capped.per_second:.1f} presses/s "
            "(every answer is a message, and the outbox never sends faster than Telegram allows)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
