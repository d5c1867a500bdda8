"""Our stack against the simplest alternative, in the same run, against the same fake Bot API server.

The alternative (benchmarks/alternative_bot.py) is what a developer would otherwise write with
python-telegram-bot alone: one `JobQueue.run_daily` job per participant and `PicklePersistence` (defaults:
written every 60 s and at a clean shutdown) for user data and conversation state. It is measured as
written ("naive") and with the first fix people add, a retry after 429 ("+retry").

(a) fan-out: N participants due in the same second; the fake server enforces Telegram's limits (30 messages
    per second overall, one per second per chat). Delivered, 429s received, lost, duplicated, achieved rate.
(b) start-up time (process start to first getUpdates) and RSS at 10,000 participants.
(c) update handling: maximum button presses per second, and latency at 100 presses per second.
(d) SIGKILL at a random moment during a fan-out and during a burst of button presses, then a restart:
    due messages never sent, acknowledged answers missing from storage, stored choices that differ from the
    last one acknowledged, duplicate messages.

    uv run python -m benchmarks.alternative_ptb [--quick] [--seed N] [--trials N] [--fanout N]

The fan-out compares 250 participants (60 with --quick): up to python-telegram-bot's pool of 256
connections. With more jobs due in the same second the alternative also opens 256 connections at once,
which the fake server (a Python ThreadingHTTPServer) accepts too slowly; its losses then measure the fake
server as much as the alternative (`--fanout 1000` shows it).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks import memory, updates
from benchmarks.alternative_bot import CHECKIN_TEXT, read_pickle, seed_pickle
from benchmarks.common import (
    DONE,
    BotProcess,
    FanoutResult,
    Presser,
    alternative_process,
    chat_ids,
    collect_fanout,
    companion_process,
    consent_rows,
    create_database,
    fake_server,
    header,
    median,
    seed_participants,
    seed_token,
    sleep_until,
    toggle_loop,
    wall_to_monotonic,
    workdir,
)
from benchmarks.seed import CHAT_BASE as SEED_CHAT_BASE
from benchmarks.seed import seed
from tests.fake_bot_api import FakeBotApi, SentMessage

STACKS = ("companion", "alternative", "alternative+retry")
SETTLE = 1.5  # seconds without a new message after which a fan-out counts as finished


@dataclass(frozen=True)
class Plan:
    fanout: int
    kill_fanout: int
    trials: int
    startup_rounds: int
    startup_participants: int
    updates: updates.Plan
    burst_chats: int
    burst_kill: tuple[float, float]  # a random kill moment within this many seconds into the burst
    lead: float  # seconds between seeding the alternative's check-in time and that time


def plan(quick: bool) -> Plan:
    if quick:
        return Plan(
            fanout=60,
            kill_fanout=60,
            trials=1,
            startup_rounds=1,
            startup_participants=10_000,
            updates=updates.Plan(1_000, 200, 1, 0.5, 2.0, 100.0, 3.0, low_rate=None),
            burst_chats=60,
            burst_kill=(1.0, 2.0),
            lead=2.0,
        )
    return Plan(
        fanout=250,
        kill_fanout=150,
        trials=3,
        startup_rounds=3,
        startup_participants=10_000,
        updates=updates.Plan(2_000, 200, 3, 1.0, 5.0, 100.0, 6.0, low_rate=None),
        burst_chats=100,
        burst_kill=(2.0, 6.0),
        lead=4.0,
    )


# -- (a) and (d): fan-out ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FanoutRun:
    stack: str
    result: FanoutResult
    kill_offset: float | None = None  # seconds after the due moment
    before_kill: int = 0  # chats that had the message when the process was killed
    restart_failed: bool = False

    def line(self) -> str:
        if self.kill_offset is None:
            return f"{self.stack:18} {self.result.summary()}"
        r = self.result
        return (
            f"{self.stack:18} SIGKILL {self.kill_offset:.1f} s after the due moment with {self.before_kill} "
            f"delivered; after the restart {r.delivered}/{r.participants} delivered, {r.lost} never sent, "
            f"{r.duplicates} duplicated, {r.rate_limited} × 429"
            + (", restart FAILED" if self.restart_failed else "")
        )


def _delivered(server: FakeBotApi, ids: set[int], since: int, marker: str) -> int:
    """Chats in `ids` that have received a message containing `marker` since index `since`."""
    return len({m.chat_id for m in server.sent[since:] if m.chat_id in ids and marker in (m.text or "")})


def fanout_companion(n: int, kill_offset: float | None, lead: float, keep: bool) -> FanoutRun:
    """`companion run` at its defaults (30/s overall, 1 s per chat): N check-in rows in the `due` table fall
    due in the same second; the scheduler's sweep writes the prompts and the outbox paces them out.
    Seeded with benchmarks/seed.py (issue 3's fan-out benchmark uses the same rows)."""
    with workdir(keep) as work, fake_server(limits=True) as server:
        database = work / "companion.db"
        create_database(database)
        due_wall = (datetime.now(UTC) + timedelta(seconds=lead + 0.999)).replace(microsecond=0)
        seed(database, n, due_wall)
        ids = [SEED_CHAT_BASE + i for i in range(1, n + 1)]
        since, errors = len(server.sent), server.stats.errors.get(429, 0)
        bot = companion_process(server, database, work).start()
        due_at = wall_to_monotonic(due_wall)
        if time.monotonic() > due_at:
            print(f"  warning: companion polled {bot.ready_after:.1f} s after launch, after the due moment")
        try:
            before, failed = 0, False
            if kill_offset is not None:
                sleep_until(due_at + kill_offset)
                bot.kill()
                before = _delivered(server, set(ids), since, "")
                bot = companion_process(server, database, work, name="companion-restarted")
                failed = not _restart(bot)
            result = collect_fanout(
                server,
                ids,
                "",
                since=since,
                errors_before=errors,
                due_at=due_at,
                settle=SETTLE,
                deadline=due_at + n / 30 * 3 + 60,
            )
        finally:
            bot.stop()
    return FanoutRun("companion", result, kill_offset, before, failed)


def fanout_alternative(n: int, kill_offset: float | None, retry: bool, lead: float, keep: bool) -> FanoutRun:
    """One run_daily job per participant, all at the same time of day."""
    name = "alternative+retry" if retry else "alternative"
    with workdir(keep) as work, fake_server(limits=True) as server:
        persistence = work / "alternative.pickle"
        ids = chat_ids(n)
        now = datetime.now(UTC)
        due_wall = (now + timedelta(seconds=lead + 0.999)).replace(microsecond=0)
        seed_pickle(persistence, ids, due_wall.time().replace(tzinfo=UTC))
        since, errors = len(server.sent), server.stats.errors.get(429, 0)
        bot = alternative_process(server, persistence, work, name=name, retry_429=retry).start()
        due_at = wall_to_monotonic(due_wall)
        try:
            if time.monotonic() > due_at - 0.2:
                print(
                    f"  warning: {name} started {bot.ready_after:.1f} s after launch, too late for its jobs"
                )
            before, failed = 0, False
            if kill_offset is not None:
                sleep_until(due_at + kill_offset)
                bot.kill()
                before = _delivered(server, set(ids), since, CHECKIN_TEXT)
                bot = alternative_process(
                    server, persistence, work, name=f"{name}-restarted", retry_429=retry
                )
                failed = not _restart(bot)
            result = collect_fanout(
                server,
                ids,
                CHECKIN_TEXT,
                since=since,
                errors_before=errors,
                due_at=due_at,
                settle=SETTLE,
                deadline=due_at + n / 30 * 3 + 60,
            )
        finally:
            bot.stop()
    return FanoutRun(name, result, kill_offset, before, failed)


def _restart(bot: BotProcess) -> bool:
    try:
        bot.start()
    except RuntimeError as exc:
        print(f"  restart failed: {exc}")
        return False
    return True


# -- (d): a burst of button presses -----------------------------------------------------------------------


@dataclass
class AckLog:
    """ "Done. … is now off/on." messages, attributed to the press they answer (so a message delivered twice
    counts once)."""

    presser: Presser | None = None
    acked: dict[tuple[int, float], bool] = field(default_factory=dict)
    messages: int = 0

    def record(self, message: SentMessage) -> None:
        text = message.text or ""
        if not text.startswith(DONE) or self.presser is None:
            return
        self.messages += 1
        chat = int(message.chat_id)
        press = self.presser.current_press(chat)
        if press is not None:
            self.acked[(chat, press)] = text.endswith("is now on.")

    def per_chat(self) -> dict[int, list[bool]]:
        chats: dict[int, list[tuple[float, bool]]] = {}
        for (chat, press), granted in self.acked.items():
            chats.setdefault(chat, []).append((press, granted))
        return {chat: [g for _, g in sorted(items)] for chat, items in chats.items()}


@dataclass(frozen=True)
class BurstRun:
    stack: str
    kill_after: float
    presses: int
    acked: int
    missing: int  # acknowledged answers not in storage after the restart
    wrong_final: int  # chats whose stored choice differs from the last one acknowledged
    duplicate_messages: int  # messages delivered twice
    unanswered: int  # presses never answered, not even after the restart
    unreadable: bool = False

    def line(self) -> str:
        if self.unreadable:
            return (
                f"{self.stack:18} SIGKILL after {self.kill_after:.1f} s: persistence unreadable, no restart"
            )
        return (
            f"{self.stack:18} SIGKILL after {self.kill_after:.1f} s of the burst: {self.presses} presses, "
            f"{self.acked} answers acknowledged, {self.missing} of them missing after the restart, "
            f"{self.wrong_final} chats with a stored choice other than the last acknowledged, "
            f"{self.duplicate_messages} duplicate messages, {self.unanswered} presses never answered"
        )


def compare(acked: dict[int, list[bool]], stored: dict[int, list[bool]]) -> tuple[int, int]:
    """(acknowledged answers missing from storage, chats whose final stored choice is not the last acked)."""
    missing = wrong = 0
    for chat, answers in acked.items():
        kept = stored.get(chat, [True])
        changes = Counter(kept[1:])  # the first entry is the seeded answer
        wanted = Counter(answers)
        missing += sum(max(0, wanted[g] - changes[g]) for g in (True, False))
        wrong += int(kept[-1] != answers[-1])
    return missing, wrong


def burst(
    stack: str,
    server: FakeBotApi,
    ids: list[int],
    first_press: Callable[[int], str],
    start: Callable[[str], BotProcess],
    kill_after: float,
) -> tuple[AckLog, Presser, bool]:
    """Press as fast as the bot answers, SIGKILL, restart, let it answer what was in flight, stop cleanly.
    Returns the acknowledgements, the presser and whether the restart worked."""
    log = AckLog()
    presser = Presser(server, toggle_loop, on_message=log.record)
    log.presser = presser
    bot = start(stack)
    restarted = True
    try:
        for chat in ids:
            presser.add(chat, first_press(chat))
        end = time.monotonic() + kill_after
        while time.monotonic() < end:
            presser.press_all_ready(0.02)
        bot.kill()  # nobody presses after this: only what was in flight is answered after the restart
        bot = start(f"{stack}-restarted")
        presser.wait_quiet(1.5, 20)
    except RuntimeError as exc:
        print(f"  {stack}: {exc}")
        restarted = False
    finally:
        bot.stop()
        presser.close()
    return log, presser, restarted


def burst_companion(chats: int, kill_after: float, keep: bool) -> BurstRun:
    with workdir(keep) as work, fake_server(limits=False) as server:
        database = work / "companion.db"
        ids = seed_participants(database, chats, in_privacy=True)

        def start(name: str) -> BotProcess:
            return companion_process(
                server, database, work, name=name, per_chat_interval=0, global_rate=10_000
            ).start()

        log, presser, _ = burst("companion", server, ids, seed_token, start, kill_after)
        missing, wrong = compare(log.per_chat(), consent_rows(database))
        return BurstRun(
            "companion",
            kill_after,
            presser.pushed,
            len(log.acked),
            missing,
            wrong,
            presser.duplicates,
            presser.outstanding,
        )


def burst_alternative(chats: int, kill_after: float, keep: bool) -> BurstRun:
    with workdir(keep) as work, fake_server(limits=False) as server:
        persistence = work / "alternative.pickle"
        ids = chat_ids(chats)
        seed_pickle(persistence, ids, None, in_privacy=True)

        def start(name: str) -> BotProcess:
            return alternative_process(server, persistence, work, name=name).start()

        log, presser, restarted = burst(
            "alternative", server, ids, lambda _: "toggle:selfreports", start, kill_after
        )
        data = read_pickle(persistence)
        if data is None or not restarted:
            return BurstRun(
                "alternative",
                kill_after,
                presser.pushed,
                len(log.acked),
                len(log.acked),
                0,
                0,
                presser.outstanding,
                unreadable=True,
            )
        stored = {
            int(chat): [granted for key, granted, _ in user.get("history", []) if key == "selfreports"]
            for chat, user in data["user_data"].items()
        }
        missing, wrong = compare(log.per_chat(), stored)
        return BurstRun(
            "alternative",
            kill_after,
            presser.pushed,
            len(log.acked),
            missing,
            wrong,
            presser.duplicates,
            presser.outstanding,
        )


# -- the run ----------------------------------------------------------------------------------------------


STARTED = time.monotonic()


def section(title: str) -> None:
    print(f"\n-- {title}  [{time.monotonic() - STARTED:.0f} s]", flush=True)


def run(p: Plan, rng: random.Random, keep: bool) -> None:
    section(f"(a) fan-out: {p.fanout:,} participants due in the same second, Telegram's limits enforced")
    runs = [
        fanout_companion(p.fanout, None, p.lead, keep),
        fanout_alternative(p.fanout, None, False, p.lead, keep),
        fanout_alternative(p.fanout, None, True, p.lead, keep),
    ]
    for r in runs:
        print(r.line(), flush=True)

    section(f"(b) start-up and memory at {p.startup_participants:,} participants ({p.startup_rounds} rounds)")
    points: dict[str, list[memory.MemoryPoint]] = {"companion": [], "alternative": []}
    for _ in range(p.startup_rounds):
        points["companion"].append(memory.companion_at(p.startup_participants, 0, keep))
        points["alternative"].append(memory.alternative_at(p.startup_participants, 0, keep))
    for stack, measured in points.items():
        print(
            f"{stack:18} start-up {median([m.ready_after for m in measured]):.2f} s, "
            f"RSS {median([m.rss_start for m in measured]):.1f} MB (medians; "
            + ", ".join(f"{m.ready_after:.2f} s/{m.rss_start:.1f} MB" for m in measured)
            + ")",
            flush=True,
        )

    section(
        f"(c) update handling: closed loop with {p.updates.concurrency} chats, open loop at "
        f"{p.updates.rate:.0f}/s ({p.updates.rounds} rounds)"
    )
    ours = updates.run_ours(p.updates, keep)
    theirs = run_alternative_updates(p.updates, keep)
    ours.report("companion")
    theirs.report("alternative")

    section(f"(d) SIGKILL at a random moment, then a restart ({p.trials} trials each)")
    fanout_duration = p.kill_fanout / 30
    kills: list[FanoutRun] = []
    for _ in range(p.trials):
        offset = rng.uniform(0.5, fanout_duration)
        kills.append(fanout_companion(p.kill_fanout, offset, p.lead, keep))
        print(kills[-1].line(), flush=True)
        kills.append(fanout_alternative(p.kill_fanout, offset, True, p.lead, keep))
        print(kills[-1].line(), flush=True)
    bursts: list[BurstRun] = []
    for _ in range(p.trials):
        after = rng.uniform(*p.burst_kill)
        bursts.append(burst_companion(p.burst_chats, after, keep))
        print(bursts[-1].line(), flush=True)
        bursts.append(burst_alternative(p.burst_chats, after, keep))
        print(bursts[-1].line(), flush=True)

    section("summary")
    for r in runs:
        print(f"(a) {r.line()}")
    for stack in ("companion", "alternative+retry"):
        mine = [k for k in kills if k.stack == stack]
        never = sum(k.result.lost for k in mine)
        dups = sum(k.result.duplicates for k in mine)
        print(
            f"(d) fan-out SIGKILL, {stack:18} {never} of {sum(k.result.participants for k in mine)} due "
            f"messages never sent, {dups} duplicated ({len(mine)} trials)"
        )
    for stack in ("companion", "alternative"):
        mine_b = [b for b in bursts if b.stack == stack]
        print(
            f"(d) burst SIGKILL,   {stack:18} {sum(b.missing for b in mine_b)} of "
            f"{sum(b.acked for b in mine_b)} acknowledged answers missing after restart, "
            f"{sum(b.wrong_final for b in mine_b)} chats with a stored choice other than the last "
            f"acknowledged, {sum(b.duplicate_messages for b in mine_b)} duplicate messages, "
            f"{sum(b.unanswered for b in mine_b)} presses never answered, "
            f"{sum(b.unreadable for b in mine_b)} unreadable persistence files ({len(mine_b)} trials)"
        )


def run_alternative_updates(p: updates.Plan, keep: bool) -> updates.UpdateFigures:
    with workdir(keep) as work, fake_server(limits=False) as server:
        persistence: Path = work / "alternative.pickle"
        ids = chat_ids(p.participants)
        seed_pickle(persistence, ids, None)
        bot = alternative_process(server, persistence, work).start()
        try:
            return updates.drive(server, bot, ids, lambda _: "privacy", p, "alternative")
        finally:
            # Its clean stop would rewrite the whole pickle once per participant who pressed (minutes).
            bot.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.alternative_ptb", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, one trial (about a minute)")
    parser.add_argument("--seed", type=int, default=None, help="seed for the random kill moments")
    parser.add_argument("--trials", type=int, default=None, help="SIGKILL trials per stack and scenario")
    parser.add_argument("--fanout", type=int, default=None, help="participants due at once in (a)")
    parser.add_argument("--keep", action="store_true", help="keep the work directories")
    args = parser.parse_args(argv)
    p = plan(args.quick)
    if args.trials is not None:
        p = Plan(**{**p.__dict__, "trials": max(1, args.trials)})
    if args.fanout is not None:
        p = Plan(**{**p.__dict__, "fanout": max(1, args.fanout)})
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1_000_000)
    header("our stack against python-telegram-bot's JobQueue + PicklePersistence", args.quick)
    print(f"random seed for the kill moments: {seed} (repeat with --seed {seed})")
    run(p, random.Random(seed), args.keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
