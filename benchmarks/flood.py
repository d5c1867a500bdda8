"""One person cannot make the bot slow for everyone: a flood from one stranger's chat, and help at once.

`companion run` runs in its own process against the fake Bot API in this process, with Telegram's limits
(30 messages per second overall, one per second per chat, 429 beyond that) and the bot's defaults. The
database is seeded with enrolled participants resting in the menu.

At the start, one stranger's chat sends `--flood` updates (`/start junk…`, as fast as the fake server takes
them). Right behind them, an enrolled participant writes `/sos` and another one a crisis phrase; for the
next `--seconds` seconds, one more participant every half second writes `/sos` or a crisis phrase, and 20
others press buttons (menu → "Privacy" → "Back to the menu" …) at `--rate` presses per second. Measured:
the time from each crisis update to its crisis card (recorded by the fake server), from each press to its
answer, and how many answers the stranger got. Then the same run without the flood.

    uv run python -m benchmarks.flood [--flood 2000] [--seconds 15] [--rate 10] [--quick] [--keep]
"""

from __future__ import annotations

import argparse
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import (
    Presser,
    companion_process,
    fake_server,
    fmt_ms,
    header,
    median,
    percentile,
    privacy_loop,
    seed_participants,
    seed_token,
    workdir,
)
from tests.fake_bot_api import FakeBotApi, SentMessage

STRANGER = 990_000_001
CRISIS_PHRASE = "I want to die"
CARD_MARK = "112"  # on the crisis card; the crisis participants write nothing else
PRESSERS = 20


@dataclass
class Figures:
    crisis: list[float] = field(default_factory=list)  # seconds from the crisis update to its card
    crisis_missing: int = 0
    presses: list[float] = field(default_factory=list)
    presses_unanswered: int = 0
    stranger_answers: int = 0
    first_crisis: float = float("nan")  # the /sos right behind the flood
    span: float = 0.0

    def line(self, name: str) -> str:
        return (
            f"{name}: crisis card p50 {fmt_ms(percentile(self.crisis, 50))}, "
            f"p99 {fmt_ms(percentile(self.crisis, 99))}, "
            f"max {fmt_ms(max(self.crisis, default=float('nan')))} ({len(self.crisis)} cards, "
            f"{self.crisis_missing} missing; the first /sos {fmt_ms(self.first_crisis)}); presses p50 "
            f"{fmt_ms(percentile(self.presses, 50))}, p99 {fmt_ms(percentile(self.presses, 99))} "
            f"({len(self.presses)} answered, {self.presses_unanswered} unanswered); "
            f"the stranger got {self.stranger_answers} answers"
        )


class CardWatch:
    """Records when each crisis participant's card arrived (the first message with the card's numbers)."""

    def __init__(self) -> None:
        self.pushed: dict[int, float] = {}
        self.arrived: dict[int, float] = {}
        self._lock = threading.Lock()

    def push(self, server: FakeBotApi, chat: int, sos: bool) -> None:
        with self._lock:
            self.pushed[chat] = time.monotonic()
        if sos:
            server.push_command(chat, "sos", language_code="en")
        else:
            server.push_message(chat, CRISIS_PHRASE, language_code="en")

    def seen(self, message: SentMessage) -> None:
        chat = int(message.chat_id)
        with self._lock:
            if chat in self.pushed and chat not in self.arrived and CARD_MARK in (message.text or ""):
                self.arrived[chat] = message.at

    def latencies(self) -> list[float]:
        with self._lock:
            return [self.arrived[c] - self.pushed[c] for c in self.pushed if c in self.arrived]


def run(flood: int, seconds: float, rate: float, keep: bool) -> Figures:
    crisis_count = 2 + int(seconds * 2)
    with workdir(keep) as work:
        database = work / "companion.db"
        ids = seed_participants(database, PRESSERS + crisis_count)
        pressers, crisis_chats = ids[:PRESSERS], ids[PRESSERS:]
        with fake_server(limits=True) as server, companion_process(server, database, work) as bot:
            watch = CardWatch()
            presser = Presser(server, privacy_loop, on_message=watch.seen)
            for chat in pressers:
                presser.add(chat, seed_token(chat))
            start = time.monotonic()
            for n in range(flood):
                server.push_command(STRANGER, "start", f"junk{n}", language_code="en")
            watch.push(server, crisis_chats[0], sos=True)
            watch.push(server, crisis_chats[1], sos=False)
            first = crisis_chats[0]
            next_crisis = time.monotonic() + 0.5
            crisis_index = 2
            end = time.monotonic() + seconds
            interval = 1.0 / rate
            next_press = time.monotonic()
            first_done = len(presser.completed)
            while time.monotonic() < end:
                now = time.monotonic()
                if now >= next_press:
                    presser.press_one()
                    next_press += interval
                if now >= next_crisis and crisis_index < len(crisis_chats):
                    watch.push(server, crisis_chats[crisis_index], sos=crisis_index % 2 == 0)
                    crisis_index += 1
                    next_crisis += 0.5
                time.sleep(0.002)
            presser.wait_idle(30)
            deadline = time.monotonic() + 30
            while len(watch.arrived) < len(watch.pushed) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(2.0)  # answers to the stranger still under way
            figures = Figures()
            figures.crisis = watch.latencies()
            figures.crisis_missing = len(watch.pushed) - len(watch.arrived)
            done = presser.completed[first_done:]
            figures.presses = [c.latency for c in done]
            figures.presses_unanswered = presser.outstanding
            figures.stranger_answers = len(server.messages_to(STRANGER))
            if first in watch.arrived:
                figures.first_crisis = watch.arrived[first] - watch.pushed[first]
            figures.span = time.monotonic() - start
            presser.close()
            if bot.process is not None and bot.process.poll() is not None:
                raise RuntimeError(f"the bot exited during the run; see {bot.log_path}")
            return figures


def claim_cost(backlog: int, rounds: int = 50) -> float:
    """Median seconds of one outbox claim (500 candidates) with 50 chats waiting and one chat with
    `backlog` answers queued ahead of them."""
    import asyncio
    from datetime import UTC, datetime

    from storage import outbox
    from storage.database import Database

    async def measure(work: Path) -> float:
        now = datetime.now(UTC)
        async with await Database.open(work / "claim.db") as db:
            async with db.transaction() as tx:
                for chat in [STRANGER] * backlog + list(range(1, 51)):
                    await outbox.enqueue(
                        tx,
                        chat_id=chat,
                        participant_id=None,
                        text="x",
                        buttons=[],
                        attachment=None,
                        not_before=now,
                        now=now,
                        answer=True,
                    )
            times = []
            for _ in range(rounds):
                async with db.read() as tx:
                    began = time.perf_counter()
                    await outbox.due(tx, now, 500)
                    times.append(time.perf_counter() - began)
            return median(times)

    with workdir() as work:
        return asyncio.run(measure(work))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.flood", description=__doc__.split("\n")[0])
    parser.add_argument("--flood", type=int, default=2000, help="updates from the stranger (default 2000)")
    parser.add_argument("--seconds", type=float, default=15.0, help="how long the others press (default 15)")
    parser.add_argument("--rate", type=float, default=10.0, help="presses per second by the 20 (default 10)")
    parser.add_argument("--quick", action="store_true", help="8 s of pressing instead of 15")
    parser.add_argument("--keep", action="store_true", help="keep the work directories (databases, logs)")
    args = parser.parse_args(argv)
    seconds = 8.0 if args.quick else args.seconds
    header("a flood from one chat: crisis cards and button presses", args.quick)
    print(
        f"outbox claim (500 candidates, 50 chats waiting): {fmt_ms(claim_cost(10))} with 10 rows queued in "
        f"one chat, {fmt_ms(claim_cost(10_000))} with 10,000 (medians of 50)",
        flush=True,
    )
    print(
        f"plan: {args.flood} `/start junk` from one stranger, then /sos and '{CRISIS_PHRASE}' from two "
        f"participants and one more every 0.5 s for {seconds:.0f} s; {PRESSERS} participants press at "
        f"{args.rate:.0f}/s; Telegram's limits (30/s, 1/s per chat) and the bot's defaults"
    )
    flooded = run(args.flood, seconds, args.rate, args.keep)
    print(flooded.line(f"with the flood ({args.flood})"), flush=True)
    quiet = run(0, seconds, args.rate, args.keep)
    print(quiet.line("without the flood"), flush=True)
    ok = (
        percentile(flooded.crisis, 99) < 2.0
        and not flooded.crisis_missing
        and percentile(flooded.presses, 99) < 1.0
        and flooded.stranger_answers <= 3
    )
    print(
        "targets (crisis card p99 < 2 s, presses p99 < 1 s, the stranger at most a few answers): "
        + ("met" if ok else "MISSED")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
