"""Hostile input anywhere in /appointments: always a kind answer, never a wrong row."""

from __future__ import annotations

import asyncio
import tempfile
import unicodedata
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.appointments import KINDS, NOTE_MAX, PLACE_MAX
from storage.sealing import sealer_for
from storage.times import from_db
from tests.dialogs.appointment_helpers import KEYED, add, appointment_rows, enrol, run_until
from tests.harness import world

LABELS = (
    "📅 Appointments",
    "Tue, Nov 24",
    "➕",
    "Tomorrow",
    "Wed",
    "10:",
    "3:00",
    "Doctor",
    "Job centre",
    "Skip",
    "Back",
    "🔔",
    "Done",
    "The evening before",
    "Remove",
    "Yes, remove it",
    "Change the place",
    "Change the day",
    "Remove the place",
    "Calendar file",
    "I'll be there",
    "I can't come",
    "I need help",
    "Travel costs",
    "Remind me again",
    "Good",
)
steps = st.one_of(
    st.builds(lambda t: ("text", t), st.text(max_size=400)),
    st.builds(
        lambda t: ("text", t), st.sampled_from(["31.02.", "25:00", "3.12.", "9:30", "2026-12-03", "x" * 5000])
    ),
    st.builds(lambda t: ("press", t), st.text(max_size=30)),
    st.sampled_from([("tap", label) for label in LABELS]),
    st.sampled_from([("wait", hours) for hours in (1, 8, 30)]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=st.lists(steps, max_size=14))
def test_any_input_in_the_appointment_flow_is_answered_and_stores_only_sound_rows(
    script: list[tuple[str, object]],
) -> None:
    async def run() -> None:
        with tempfile.TemporaryDirectory() as folder:
            async with world(Path(folder), KEYED) as w:
                chat = await enrol(w)
                await add(chat, "24.11.", "10:00")
                await chat.send("/appointments")
                for kind, value in script:
                    if kind == "wait":
                        assert isinstance(value, int)
                        await run_until(w, chat, w.clock.now() + timedelta(hours=value))
                        continue
                    if kind == "tap":
                        if not any(str(value) in label for shown in chat.seen for label in shown.labels):
                            continue
                        shown = await chat.tap(str(value))
                    elif kind == "press":
                        shown = await chat.press(str(value))
                    else:
                        shown = await chat.send(str(value))
                    assert shown, f"no answer to {kind} {value!r}"
                    assert not chat.last_outcome.failed
                    assert all(0 < len(s.text) <= 4096 for s in shown)
                sealer = sealer_for(KEYED.encryption_keys)
                assert sealer is not None
                for row in await appointment_rows(w):
                    assert row["kind"] in KINDS
                    assert from_db(str(row["starts_at"])) > from_db(str(row["created_at"]))
                    assert row["place"] is None and row["note"] is None  # only ever sealed
                    place, note = (
                        None if row[column] is None else sealer.open(bytes(row[column]))  # type: ignore[arg-type]
                        for column in ("place_sealed", "note_sealed")
                    )
                    for text, limit in ((place, PLACE_MAX), (note, NOTE_MAX)):
                        assert text is None or 0 < len(str(text)) <= limit
                        assert text is None or not any(unicodedata.category(c) == "Cc" for c in str(text))
                async with w.db.read() as tx:
                    assert await tx.scalar("PRAGMA integrity_check") == "ok"
                    assert await tx.all("PRAGMA foreign_key_check") == []

    asyncio.run(run())
