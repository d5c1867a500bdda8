"""Property: whatever a participant answers or writes, no signal and no coach-facing text carries it."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.coaching.summary import render_summary, summary_for_coach
from dialogs.core.config import EngineConfig
from dialogs.core.i18n import Translator
from dialogs.privacy.upkeep import run_daily
from dialogs.signals.catalogue import KIND_BY_KEY
from storage.sealing import new_key
from tests.dialogs.enrolment_helpers import enrol
from tests.dialogs.signals.test_signals import pid, set_rule
from tests.harness import DEFAULT_ORGANISATION, Chat, World, world

MOODS = ["Very bad", "Bad", "Okay", "Good", "Very good"]
CONFIG = EngineConfig(encryption_keys=(new_key(),))

sentinels = st.text(st.characters(categories=["L", "N"]), min_size=4, max_size=24).map(lambda s: f"SNTL{s}")


async def answer_report(chat: Chat, mood: str, sentinel: str, typed: bool) -> None:
    await chat.send("/report")
    if typed:
        await chat.send(sentinel)  # words where a button is expected
    await chat.tap(mood)
    await chat.tap("Skip")
    if typed:
        await chat.send(f"{sentinel} 7")  # not a button, not a number: asked again
    await chat.tap("8")
    await chat.tap("I prefer not to say")
    await chat.tap("Very much")
    await chat.send(f"my note: {sentinel}")


async def scenario(path: Path, sentinel: str, moods: list[str], typed: bool) -> None:
    async with world(path, CONFIG) as w:
        chat = w.chat()
        await enrol(w, chat, selfreports=True, sharing=True, set_up_later=False)
        await chat.send("08:00")  # a morning check-in, the silence rule counts its days
        await chat.tap("No evening check-in")
        await set_rule(chat, "Add: tell my coach if my mood is low")
        await set_rule(chat, "Add: tell my coach if I have not checked in", "2 days")
        for mood in moods:
            await answer_report(chat, mood, sentinel, typed)
        await chat.send(f"{sentinel} I want to die")
        await chat.tap("Please contact me")
        w.clock.advance(timedelta(days=3))
        await run_daily(w.db, w.clock.now(), CONFIG)
        await chat.send("/coachview")
        await check(w, chat, sentinel)


async def check(w: World, chat: Chat, sentinel: str) -> None:
    participant_id = await pid(w, chat)
    organisation = await w.organisation()  # the inviting coach's
    async with w.db.read() as tx:
        rows = await tx.all("SELECT * FROM signals")
        summary = await summary_for_coach(
            tx, participant_id, w.clock.now(), organisation, DEFAULT_ORGANISATION
        )
    assert rows, "the scenario raises signals"
    for row in rows:
        assert row["kind"] in KIND_BY_KEY
        assert KIND_BY_KEY[row["kind"]].category_ok(row["category"])
        assert sentinel not in " ".join(str(value) for value in tuple(row))
    assert summary is not None
    coach_texts = [repr(summary), *(render_summary(Translator(lang), summary) for lang in ("en", "de"))]
    coach_texts.append(chat.seen[-3].text)  # /coachview
    for text in coach_texts:
        assert sentinel not in text
    await w.db.checkpoint()
    wal = w.path.with_name(w.path.name + "-wal")
    raw = w.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert sentinel.encode() not in raw  # the note is sealed; typed words were never stored


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sentinel=sentinels, moods=st.lists(st.sampled_from(MOODS), min_size=1, max_size=6), typed=st.booleans()
)
def test_no_signal_and_no_coach_text_contains_what_the_participant_wrote(
    sentinel: str, moods: list[str], typed: bool
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(scenario(Path(directory), sentinel, moods, typed))
