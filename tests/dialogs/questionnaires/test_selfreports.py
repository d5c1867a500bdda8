"""Self-reports: consent gating, sealed free text, retention with aggregates kept, /myweek, offer_report."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet

from dialogs.core.config import EngineConfig
from dialogs.core.engine import Engine
from dialogs.core.events import Event, EventKind
from dialogs.core.turn import Turn
from dialogs.privacy.upkeep import run_daily
from dialogs.questionnaires.selfreport import offer_report
from storage import selfreports
from storage.sealing import Sealer, new_key
from tests.dialogs.enrolment_helpers import enrol
from tests.harness import Chat, World, world

KEY = new_key()
WITH_KEY = EngineConfig(encryption_keys=(KEY,))


def file_bytes(w: World) -> bytes:
    wal = w.path.with_name(w.path.name + "-wal")
    return w.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def report(chat: Chat, mood: str = "Okay", note: str | None = None) -> None:
    """A whole /report: the given mood, the rest answered or skipped, a note if one is given."""
    await chat.send("/report")
    await chat.tap(mood)
    await chat.tap("6 to 8 hours")
    await chat.tap("Skip")  # craving
    await chat.tap("No")  # use
    await chat.tap("A little")
    if "anything else you want to note" in chat.last.text:
        if note is None:
            await chat.tap("Skip")
        else:
            await chat.send(note)


async def test_a_report_is_stored_as_coded_answers_with_its_week(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, selfreports=True)
    await chat.send("/report")
    assert "Every question can be skipped" in chat.seen[-2].text
    assert "How is your mood today?" in chat.last.text
    assert "Skip this question" in chat.last.labels
    await chat.tap("Bad")
    await chat.send("I do not want to tap")  # text where a button is expected: asked again kindly
    assert chat.seen[-2].text == "Please tap one of the buttons below."
    assert "How long did you sleep" in chat.last.text
    await chat.tap("4 to 6 hours")
    await chat.tap("7")
    await chat.tap("I prefer not to say")
    await chat.tap("Skip")
    # Without an encryption key the free-text note is not offered at all.
    assert "Thank you. I saved your answers." in chat.seen[-2].text
    assert "note" not in chat.texts()
    async with w.db.read() as tx:
        rows = await tx.all("SELECT answers, note, local_date FROM selfreports")
        weeks = await tx.all("SELECT week, reports, counts FROM selfreport_weeks")
    assert len(rows) == 1 and rows[0]["note"] is None and rows[0]["local_date"] == "2026-11-23"
    assert json.loads(rows[0]["answers"]) == {
        "mood": 2,
        "sleep": "h4_6",
        "craving": 7,
        "use": "prefer_not",
    }
    assert [(r["week"], r["reports"]) for r in weeks] == [("2026-W48", 1)]
    assert json.loads(weeks[0]["counts"])["mood"] == {"2": 1}


async def test_without_the_consent_nothing_is_asked_stored_or_signalled(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, selfreports=False, sharing=True)
    await chat.send("/privacy")
    await chat.tap("Change the rules")
    await chat.tap("Add: tell my coach if my mood is low")
    assert "also needs “Storing how you are”" in chat.texts()
    for _ in range(5):
        await chat.send("/report")
        assert "I only keep these answers if you allow it" in chat.seen[-2].text
        assert chat.last.text == "What would you like to do?"
    for table in ("selfreports", "selfreport_weeks", "signals"):
        assert await w.count(table) == 0, table
    await chat.send("/myweek")
    assert "no saved reports yet" in chat.seen[-2].text


async def test_turning_the_consent_off_mid_report_saves_nothing(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, selfreports=True)
    await chat.send("/report")
    await chat.tap("Good")
    async with w.db.transaction() as tx:  # withdrawn meanwhile (another device, say)
        await tx.execute("UPDATE consents SET granted = 0 WHERE scope = 'selfreports'")
    for _ in range(4):
        await chat.tap("Skip")
    assert "Storing your answers is turned off, so I saved nothing." in chat.texts()
    assert await w.count("selfreports") == 0 and await w.count("selfreport_weeks") == 0


async def test_stop_here_saves_nothing(w: World, chat: Chat) -> None:
    await chat.send("/report")
    await chat.tap("Very good")
    await chat.tap("Stop here")
    assert chat.seen[-2].text == "Okay, I saved nothing."
    assert await w.count("selfreports") == 0
    async with w.db.read() as tx:
        assert await tx.scalar("SELECT data FROM conversations") == "{}"


async def test_the_free_text_note_is_sealed_on_disk_and_readable_in_mydata(tmp_path: Path) -> None:
    sentinel = "SENTINEL-NOTE-5d1c"
    async with world(tmp_path, WITH_KEY) as w:
        chat = w.chat()
        await enrol(w, chat)
        await report(chat, note=f"today {sentinel} was hard")
        assert "Thank you. I saved your answers." in chat.texts()
        assert sentinel.encode() not in file_bytes(w)  # before the checkpoint: nothing in the WAL either
        await w.db.checkpoint()
        assert sentinel.encode() not in file_bytes(w)
        async with w.db.read() as tx:
            note = await tx.scalar("SELECT note FROM selfreports")
        assert json.loads(Sealer([KEY]).open(note)) == {"note": f"today {sentinel} was hard"}
        await chat.send("/mydata")
        document = json.loads(next(s.attachment for s in chat.seen if s.attachment) or b"")
        assert document["selfreports_readable"][0]["note"] == {"note": f"today {sentinel} was hard"}
        assert sentinel not in json.dumps(document["tables"])  # the raw table export holds the sealed form


async def test_an_overlong_note_is_refused_kindly_and_asked_again(tmp_path: Path) -> None:
    async with world(tmp_path, WITH_KEY) as w:
        chat = w.chat()
        await enrol(w, chat)
        await report(chat, note="x" * 1001)
        assert chat.seen[-2].text == "Please write at most 1,000 characters."
        assert "anything else you want to note" in chat.last.text
        await chat.send("shorter")
        assert await w.count("selfreports") == 1


async def test_keys_rotate_and_old_rows_stay_readable(tmp_path: Path) -> None:
    async with world(tmp_path, WITH_KEY) as w:
        chat = w.chat()
        await enrol(w, chat)
        await report(chat, note="first")
        newer = new_key()
        async with w.db.transaction() as tx:
            rotated, unreadable = await selfreports.rotate_notes(tx, Sealer([newer, KEY]))
        assert (rotated, unreadable) == (1, 0)
        async with w.db.read() as tx:
            (note,) = [n for _, n in await selfreports.sealed_notes(tx)]
        assert json.loads(Sealer([newer]).open(note)) == {"note": "first"}  # the old key is no longer needed
        async with w.db.transaction() as tx:
            assert await selfreports.rotate_notes(tx, Sealer([Fernet.generate_key().decode()])) == (0, 1)


async def test_raw_answers_expire_and_weekly_aggregates_stay(tmp_path: Path) -> None:
    config = EngineConfig(encryption_keys=(KEY,), retention_days=90)
    async with world(tmp_path, config) as w:
        chat = w.chat()
        await enrol(w, chat)
        await report(chat, mood="Bad", note="old words")
        w.clock.advance(timedelta(days=89, hours=23))
        assert (await run_daily(w.db, w.clock.now(), config)).purged == 0
        assert await w.count("selfreports") == 1
        w.clock.advance(timedelta(hours=2))
        result = await run_daily(w.db, w.clock.now(), config)
        assert result.purged == 1
        assert await w.count("selfreports") == 0
        assert await w.count("selfreport_weeks") == 1
        await chat.send("/myweek")
        text = chat.seen[-2].text
        assert "Week of Nov 23: 🙁 ██░░░ 2 (1 report)" in text
        assert "🙁" not in text.split("Weeks")[0]  # the days came from the raw rows, now gone


async def test_myweek_shows_faces_per_day_and_bars_per_week(w: World, chat: Chat) -> None:
    for mood in ("Bad", "Very good", "Good"):
        await report(chat, mood=mood)
        w.clock.advance(timedelta(days=1))
    await chat.send("/myweek")
    text = chat.seen[-2].text
    assert "Only you can see this." in text
    assert "Mon, Nov 23  🙁" in text and "Tue, Nov 24  😀" in text and "Wed, Nov 25  🙂" in text
    assert "Thu, Nov 26  ·" in text
    assert "Week of Nov 23: 🙂 ████░ 3.7 (3 reports)" in text


async def test_offer_report_after_the_evening_check_in_is_never_forced(w: World, chat: Chat) -> None:

    async def offer() -> bool:
        offered = await offer_for(w, chat)
        await chat.receive()
        return offered

    assert await offer()
    assert "Would you like to tell me a little more" in chat.last.text
    await chat.tap("Not today")
    assert chat.seen[-2].text == "Okay. You can always write /report later."
    assert await w.count("selfreports") == 0
    assert await offer()
    await chat.tap("Yes, let us start")
    assert "How is your mood today?" in chat.last.text
    for _ in range(4):
        await chat.tap("Skip")
    await chat.tap("Very much")  # stress
    assert not await offer()  # already reported today

    other = w.chat(2002)
    await enrol(w, other, selfreports=False)
    assert not await offer_for(w, other)


async def offer_for(w: World, chat: Chat) -> bool:
    async with w.db.transaction() as tx:
        engine: Engine = w.engine
        turn = await Turn.open(
            tx, Event(chat.chat_id, EventKind.TEXT), w.clock.now(), engine.config, engine.registry
        )
        offered = await offer_report(turn)
        await turn.finish()
    return offered


async def test_skipping_everything_stores_nothing_and_says_so(w: World, chat: Chat) -> None:
    await chat.send("/report")
    for _ in range(5):
        await chat.tap("Skip")
    assert "You skipped every question" in chat.seen[-2].text
    assert await w.count("selfreports") == 0


async def test_delete_removes_reports_aggregates_and_rules(tmp_path: Path) -> None:
    async with world(tmp_path, WITH_KEY) as w:
        chat = w.chat()
        await enrol(w, chat, sharing=True)
        await report(chat, note="mine")
        await chat.send("/privacy")
        await chat.tap("Change the rules for my coach")
        await chat.tap("Add: tell my coach if my mood is low")
        await chat.send("/delete")
        await chat.tap("Yes, delete everything")
        for table in ("selfreports", "selfreport_weeks", "signal_rules", "signals"):
            assert await w.count(table) == 0, table
