"""Shared pieces of the benchmarks: the machine, seeding, bot processes, memory, and button-pressing users.

The bot under test always runs in its own process (`companion run`, or the alternative in
`benchmarks/alternative_bot.py`), so the load generator and the fake Bot API server in this process never
share its event loop. Everything talks to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import math
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from tests.fake_bot_api import FakeBotApi, SentMessage, _HTTPServer

TOKEN = "123456:BENCHMARK-TOKEN"
CHAT_BASE = 100_000_000  # chat ids of seeded participants: CHAT_BASE + 1, + 2, ...
READY_TIMEOUT = 120.0
REPO = Path(__file__).resolve().parent.parent

# Labels the load generator looks for; our menu and privacy overview show them, and so does the alternative.
PRIVACY = "Privacy"
BACK = "Back to the menu"
TURN_OFF = "Turn off: Storing how you are"
TURN_ON = "Turn on: Storing how you are"
YES = "Yes"
DONE = "Done."


# -- the machine ------------------------------------------------------------------------------------------


def machine_summary() -> str:
    """One paragraph for the report: cores, memory, CPU, load, Python, the disk the databases live on."""
    cpu = "unknown CPU"
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gib = 0.0
    with suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = int(line.split()[1]) / 1024 / 1024
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} cores ({cpu}), {mem_gib:.1f} GiB RAM, load average {load}; "
        f"Python {platform.python_version()} on {platform.system()} {platform.release()}; "
        f"work files in {tempfile.gettempdir()}"
    )


@contextmanager
def workdir(keep: bool = False) -> Iterator[Path]:
    """A fresh directory for databases, pickles and logs (removed afterwards unless `keep`)."""
    path = Path(tempfile.mkdtemp(prefix="companion-bench-"))
    try:
        yield path
    finally:
        if keep:
            print(f"(work files kept in {path})")
        else:
            shutil.rmtree(path, ignore_errors=True)


# -- statistics ---------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# -- our database -----------------------------------------------------------------------------------------


def chat_ids(n: int) -> list[int]:
    return [CHAT_BASE + i for i in range(1, n + 1)]


def _pseudonym(index: int) -> str:
    from storage.participants import PSEUDONYM_ALPHABET

    digits = []
    for _ in range(4):
        index, rest = divmod(index, len(PSEUDONYM_ALPHABET))
        digits.append(PSEUDONYM_ALPHABET[rest])
    return "P-" + "".join(reversed(digits))


def seed_token(chat_id: int) -> str:
    """The callback data of a chat's seeded button ("Privacy" in the menu, or "Turn off: Storing how you
    are" in the privacy overview)."""
    return f"seed{chat_id}"


def create_database(path: Path) -> None:
    """An empty database with every migration applied, the way `companion run` would create it."""
    from storage.database import Database

    async def create() -> None:
        db = await Database.open(path)
        await db.close()

    asyncio.run(create())


def seed_participants(path: Path, n: int, *, locale: str = "en", in_privacy: bool = False) -> list[int]:
    """`n` enrolled participants in bulk SQL: active, every consent answered with today's texts, resting
    in the menu with a working "Privacy" button (callback data `seed_token(chat_id)`), or with
    `in_privacy` in the privacy overview with a working "Turn off: Storing how you are". Returns chat ids."""
    from benchmarks.seed import answered_consents
    from dialogs import consent_texts
    from storage.times import to_db

    create_database(path)
    answers = answered_consents(locale, int(_default_setting("retention_days")))
    state = ("privacy", "overview") if in_privacy else ("menu", "idle")
    action = f"toggle:{consent_texts.SELFREPORTS}" if in_privacy else "cmd:privacy"
    now = datetime.now(UTC)
    at = to_db(now)
    expires = to_db(now + timedelta(days=30))
    ids = chat_ids(n)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        with conn:
            conn.executemany(
                "INSERT INTO participants (id, pseudonym, chat_id, locale, timezone, status, enrolled_at,"
                " status_at) VALUES (?, ?, ?, ?, 'Europe/Berlin', 'active', ?, ?)",
                ((i, _pseudonym(i), chat, locale, at, at) for i, chat in enumerate(ids, start=1)),
            )
            conn.executemany(
                "INSERT INTO consents (participant_id, scope, granted, text_version, text_sha256, locale, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((i, *answer, locale, at) for i in range(1, n + 1) for answer in answers),
            )
            conn.executemany(
                "INSERT INTO conversations (chat_id, participant_id, flow, step, data, nonce, updated_at)"
                " VALUES (?, ?, ?, ?, '{}', 1, ?)",
                ((chat, i, *state, at) for i, chat in enumerate(ids, start=1)),
            )
            conn.executemany(
                "INSERT INTO button_tokens (token, chat_id, nonce, action, created_at, expires_at)"
                " VALUES (?, ?, 1, ?, ?, ?)",
                ((seed_token(chat), chat, action, at, expires) for chat in ids),
            )
    finally:
        conn.close()
    return ids


def _default_setting(name: str) -> Any:
    from bot.settings import Settings

    return Settings.model_fields[name].default


def consent_rows(path: Path, scope: str = "selfreports") -> dict[int, list[bool]]:
    """Consent history of `scope` per chat, oldest first (the seeded answer included)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT participants.chat_id, consents.granted FROM consents JOIN participants"
            " ON participants.id = consents.participant_id WHERE scope = ? ORDER BY consents.id",
            (scope,),
        ).fetchall()
    finally:
        conn.close()
    history: dict[int, list[bool]] = {}
    for chat, granted in rows:
        history.setdefault(int(chat), []).append(bool(granted))
    return history


# -- bot processes ----------------------------------------------------------------------------------------


def companion_command() -> list[str]:
    """`companion run` from this virtual environment (the console script, as operators start it)."""
    script = Path(sys.executable).parent / "companion"
    if script.exists():
        return [str(script), "run"]
    return [sys.executable, "-m", "bot.cli", "run"]


def companion_env(server: FakeBotApi, database: Path, **settings: object) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    env.update(
        COMPANION_TELEGRAM_TOKEN=TOKEN,
        COMPANION_TELEGRAM_API_URL=server.base_url,
        COMPANION_DATABASE=str(database),
    )
    env.update({f"COMPANION_{name.upper()}": str(value) for name, value in settings.items()})
    return env


@dataclass
class BotProcess:
    """A bot in its own process, started against `server`; stderr goes to a log file."""

    name: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    server: FakeBotApi
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    ready_after: float = float("nan")
    _log: TextIO | None = None

    def start(self) -> BotProcess:
        polls_before = self.server.stats.requests.get("getUpdates", 0)
        self._log = self.log_path.open("a")
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            self.command, env=self.env, cwd=self.cwd, stdout=self._log, stderr=self._log
        )
        deadline = self.started_at + READY_TIMEOUT
        while self.server.stats.requests.get("getUpdates", 0) <= polls_before:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"{self.name} did not start polling within {READY_TIMEOUT:.0f} s")
            time.sleep(0.005)
        self.ready_after = time.monotonic() - self.started_at
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def rss_mb(self) -> float:
        """Resident set size of the bot process in MiB (from /proc)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """User plus system CPU time the bot process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def kill(self) -> None:
        """SIGKILL: no clean-up, no flush, exactly what a power cut or the OOM killer does."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self._close_log()

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM and wait (the clean shutdown an operator's `systemctl stop` does)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self._close_log()
        return self.process.returncode

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def companion_process(
    server: FakeBotApi, database: Path, work: Path, *, name: str = "companion", **settings: object
) -> BotProcess:
    return BotProcess(
        name,
        companion_command(),
        companion_env(server, database, **settings),
        work,
        server,
        work / f"{name}.log",
    )


def alternative_process(
    server: FakeBotApi, persistence: Path, work: Path, *, name: str = "alternative", retry_429: bool = False
) -> BotProcess:
    """The python-telegram-bot JobQueue + PicklePersistence bot of benchmarks/alternative_bot.py."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.alternative_bot",
        "--token",
        TOKEN,
        "--api-url",
        server.base_url,
        "--persistence",
        str(persistence),
    ]
    if retry_429:
        command.append("--retry-429")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    return BotProcess(name, command, env, REPO, server, work / f"{name}.log")


def fake_server(*, limits: bool) -> FakeBotApi:
    """The fake Bot API server, with a listen backlog deep enough for a thousand simultaneous connects
    (its default suits tests; Telegram's front end accepts them without delay)."""
    _HTTPServer.request_queue_size = max(_HTTPServer.request_queue_size, 2048)
    return FakeBotApi(token=TOKEN, username="companion_bench_bot", enforce_limits=limits)


# -- virtual participants pressing buttons ----------------------------------------------------------------


def button_with(message: SentMessage, *labels: str) -> str | None:
    """Callback data of the first button whose label contains one of `labels` (in the order given)."""
    for label in labels:
        for row in message.buttons:
            for text, data in row:
                if label in text and data is not None:
                    return data
    return None


def privacy_loop(message: SentMessage) -> str | None:
    """Menu -> "Privacy" -> overview -> "Back to the menu" -> menu -> ..."""
    return button_with(message, PRIVACY, BACK)


def toggle_loop(message: SentMessage) -> str | None:
    """Turn "Storing how you are" off, on (and confirm), off, ...: every change is an acknowledged answer."""
    return button_with(message, TURN_OFF, TURN_ON, YES, PRIVACY)


@dataclass
class Press:
    chat_id: int
    data: str
    message_id: int | None = None


@dataclass
class Completed:
    chat_id: int
    pushed_at: float
    answered_at: float

    @property
    def latency(self) -> float:
        return self.answered_at - self.pushed_at


@dataclass
class Presser:
    """Virtual participants with one outstanding button press each.

    A watcher thread reads every message the fake server records; a message to a chat with a press
    outstanding that carries the next button completes the press (latency = push to the recorded reply,
    both on this process's monotonic clock) and makes the chat ready to press again.
    """

    server: FakeBotApi
    choose: Callable[[SentMessage], str | None]
    on_message: Callable[[SentMessage], None] | None = None
    completed: list[Completed] = field(default_factory=list)
    pushed: int = 0
    duplicates: int = 0  # messages identical to the one before in the same chat (a re-sent message)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _idle: deque[Press] = field(default_factory=deque)
    _outstanding: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _position: int = 0
    _last: dict[int, tuple[str | None, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._position = len(self.server.sent)
        self._thread = threading.Thread(target=self._watch, name="presser-watch", daemon=True)
        self._thread.start()

    def add(self, chat_id: int, data: str, message_id: int | None = None) -> None:
        with self._cond:
            self._idle.append(Press(chat_id, data, message_id))
            self._cond.notify_all()

    @property
    def outstanding(self) -> int:
        with self._cond:
            return len(self._outstanding)

    @property
    def idle(self) -> int:
        with self._cond:
            return len(self._idle)

    def current_press(self, chat_id: int) -> float | None:
        """An id (its push time) of the press a chat waits an answer to, if any."""
        with self._cond:
            return self._outstanding.get(chat_id)

    def press_one(self) -> bool:
        """Press the next ready chat's button; False when every chat is still waiting for an answer."""
        with self._cond:
            if not self._idle:
                return False
            press = self._idle.popleft()
            self._outstanding[press.chat_id] = time.monotonic()
            self.pushed += 1
        self.server.push_callback(press.chat_id, press.data, message_id=press.message_id, language_code="en")
        return True

    def press_all_ready(self, wait: float) -> int:
        """Press every ready chat's button (waiting up to `wait` seconds for one); returns how many."""
        with self._cond:
            if not self._idle:
                self._cond.wait(wait)
        pressed = 0
        while self.press_one():
            pressed += 1
        return pressed

    def wait_quiet(self, quiet: float, timeout: float) -> None:
        """Wait until no press is outstanding, or nothing was sent and no update waited for `quiet` s."""
        deadline = time.monotonic() + timeout
        seen, since = len(self.server.sent), time.monotonic()
        while time.monotonic() < deadline and self.outstanding:
            time.sleep(0.1)
            if len(self.server.sent) != seen or self.server.pending_updates:
                seen, since = len(self.server.sent), time.monotonic()
            elif time.monotonic() - since > quiet:
                return

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no press is outstanding; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._outstanding:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.1))
        return True

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def completed_between(self, start: float, end: float) -> list[Completed]:
        with self._cond:
            return [c for c in self.completed if start <= c.answered_at < end]

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                message = self.server.wait_for_count(1, None, 0.2, start=self._position)[0]
            except TimeoutError:
                continue
            self._position += 1
            chat = int(message.chat_id)
            shown = (message.text, repr(message.reply_markup))
            if self._last.get(chat) == shown:
                self.duplicates += 1  # the same message again, buttons and all: not an answer to a new press
                continue
            self._last[chat] = shown
            if self.on_message is not None:
                self.on_message(message)
            if not message.buttons:
                continue
            data = self.choose(message)
            if data is None:
                continue
            with self._cond:
                pushed_at = self._outstanding.pop(chat, None)
                if pushed_at is None:
                    continue
                self.completed.append(Completed(chat, pushed_at, message.at))
                self._idle.append(Press(chat, data, message.message_id))
                self._cond.notify_all()


@dataclass(frozen=True)
class Throughput:
    presses: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.presses / self.seconds if self.seconds > 0 else float("nan")


def measure_max_throughput(presser: Presser, warmup: float, duration: float) -> Throughput:
    """Closed loop: every chat presses again as soon as its answer is recorded. Counts answers recorded in
    the `duration` window after `warmup`."""
    start = time.monotonic()
    window_start = start + warmup
    end = window_start + duration
    while time.monotonic() < end:
        presser.press_all_ready(0.05)
    done = presser.completed_between(window_start, end)
    return Throughput(len(done), duration)


@dataclass(frozen=True)
class LatencyRun:
    offered_rate: float
    seconds: float
    offered: int
    skipped: int  # no chat was ready (every one still waited for an answer)
    answered: list[float]  # latencies in seconds
    unanswered: int
    span: float  # from the first press to the last answer

    @property
    def achieved_rate(self) -> float:
        return len(self.answered) / self.span if self.span > 0 else float("nan")

    def summary(self) -> str:
        lat = self.answered
        return (
            f"offered {self.offered_rate:.0f}/s for {self.seconds:.0f} s: {len(lat)} answered "
            f"({self.achieved_rate:.1f}/s), p50 {fmt_ms(percentile(lat, 50))}, "
            f"p90 {fmt_ms(percentile(lat, 90))}, p99 {fmt_ms(percentile(lat, 99))}, "
            f"max {fmt_ms(max(lat) if lat else float('nan'))}; "
            f"{self.unanswered} unanswered, {self.skipped} not offered (no chat ready)"
        )


def measure_latency(presser: Presser, rate: float, duration: float, drain: float = 30.0) -> LatencyRun:
    """Open loop: one press every 1/rate seconds from a ready chat, whatever the bot's speed."""
    first = len(presser.completed)
    offered = int(rate * duration)
    skipped = 0
    start = time.monotonic()
    for k in range(offered):
        delay = start + k / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        if not presser.press_one():
            skipped += 1
    presser.wait_idle(drain)
    done = presser.completed[first:]
    span = max((c.answered_at for c in done), default=start) - start
    answered = [c.latency for c in done]
    return LatencyRun(rate, duration, offered, skipped, answered, presser.outstanding, span)


# -- fan-out ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FanoutResult:
    participants: int
    delivered: int  # chats that received the message at least once
    duplicates: int  # messages beyond the first per chat
    rate_limited: int  # 429 answers the bot received
    due_at: float
    last_at: float
    global_rate: int

    @property
    def lost(self) -> int:
        return self.participants - self.delivered

    @property
    def achieved_rate(self) -> float:
        """Messages per whole second from the due moment to the last one: the limit counts messages in
        1-second windows, so 30 sent at once and 30 a second later are 30 per second, not 60."""
        seconds = max(1, math.ceil(self.last_at - self.due_at))
        return (self.delivered + self.duplicates) / seconds

    def summary(self) -> str:
        return (
            f"{self.delivered}/{self.participants} delivered, {self.lost} lost, "
            f"{self.duplicates} duplicated, {self.rate_limited} × 429, the last "
            f"{self.last_at - self.due_at:.1f} s after the due moment, {self.achieved_rate:.1f} msg/s = "
            f"{self.achieved_rate / self.global_rate:.0%} of the limit ({self.global_rate}/s)"
        )


def collect_fanout(
    server: FakeBotApi,
    ids: Sequence[int],
    marker: str,
    *,
    since: int,
    errors_before: int,
    due_at: float,
    settle: float,
    deadline: float,
) -> FanoutResult:
    """Wait until every chat has the message, or nothing new arrived for `settle` seconds after the time a
    fan-out at the limit would need, or `deadline` (monotonic) passed; then count."""
    wanted = set(ids)
    expected_end = due_at + len(ids) / server.global_rate
    last_count, last_change = -1, time.monotonic()
    while True:
        messages = _matching(server, wanted, marker, since)
        count = len(messages)
        now = time.monotonic()
        if count != last_count:
            last_count, last_change = count, now
        delivered = len({m.chat_id for m in messages})
        if delivered >= len(wanted):
            break
        if now > expected_end and now - last_change > settle:
            break
        if now > deadline:
            break
        time.sleep(0.1)
    time.sleep(min(settle, 0.5))  # late duplicates
    messages = _matching(server, wanted, marker, since)
    delivered = len({m.chat_id for m in messages})
    times = [m.at for m in messages]
    return FanoutResult(
        participants=len(wanted),
        delivered=delivered,
        duplicates=len(messages) - delivered,
        rate_limited=server.stats.errors.get(429, 0) - errors_before,
        due_at=due_at,
        last_at=max(times, default=due_at),
        global_rate=server.global_rate,
    )


def _matching(server: FakeBotApi, wanted: set[int], marker: str, since: int) -> list[SentMessage]:
    recorded = server.sent[since:]  # a copy; the server only ever appends
    return [m for m in recorded if m.chat_id in wanted and marker in (m.text or "")]


def sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def wall_to_monotonic(moment: datetime) -> float:
    return time.monotonic() + (moment - datetime.now(UTC)).total_seconds()


def header(title: str, quick: bool) -> None:
    print(f"== {title}{' (--quick)' if quick else ''}")
    print(machine_summary())
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    sys.stdout.flush()
