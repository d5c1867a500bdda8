"""`companion appointment add`: staff propose, the participant confirms or declines in the chat."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands.appointments import UsageError, add_appointment
from dialogs.core.config import EngineConfig
from storage import participants
from storage.participants import Status
from tests.dialogs.appointment_helpers import KEYED, appointment_rows, enrol, participant, pending, plain
from tests.dialogs.coach_helpers import join, known_as
from tests.harness import World, world


async def propose(w: World, pseudonym: str, at: str, kind: str = "doctor", **extra: str) -> str:
    return await add_appointment(
        w.db, w.clock, w.engine.config, pseudonym=pseudonym, at=at, kind=kind, **extra
    )


async def test_the_participant_is_told_and_confirms_with_one_tap(tmp_path: Path) -> None:
    async with world(tmp_path, KEYED) as w:
        chat = await enrol(w)
        who = await participant(w, chat)
        printed = await propose(
            w, who.pseudonym.lower(), "2026-12-01 10:00", "Doctor", place="Praxis Dr. Weiß"
        )
        assert printed.startswith(
            f"Appointment 1 proposed to {who.pseudonym} for 2026-12-01 10:00 (Europe/Berlin)."
        )
        (told,) = await chat.receive()
        assert plain(told.text).splitlines() == [
            "Your coach has added an appointment for you.",
            "Your appointment (Doctor) is on Tuesday, December 1, 2026 at 10:00 AM.",
            "Place: Praxis Dr. Weiß",
            "",
            "Is that right? When you confirm it, I will remind you of it.",
        ]
        assert told.labels == ["✅ Yes, confirm it", "❌ No, remove it"]
        (row,) = await appointment_rows(w)
        assert (row["status"], row["added_by"]) == ("proposed", "staff")
        assert row["place"] is None and b"Praxis" not in bytes(row["place_sealed"])  # type: ignore[arg-type]
        assert row["starts_at"] == "2026-12-01T09:00:00.000000+00:00"
        assert await pending(w, chat, "reminder") == []  # no reminders for what is not confirmed
        await chat.send("/appointments")
        assert "• Tue, Dec 1, 10:00 AM · 🩺 Doctor (waiting for your answer)" in plain(chat.last.text)
        await chat.tap("✅ Yes, confirm it")
        assert chat.last.text.startswith("Thank you, the appointment is confirmed.")
        assert chat.last.attachment_name == "appointment-2026-12-01.ics"
        (row,) = await appointment_rows(w)
        assert row["status"] == "confirmed"
        assert [r.due_at for r in await pending(w, chat, "reminder")] == [
            datetime(2026, 11, 30, 17, 0, tzinfo=UTC),
            datetime(2026, 12, 1, 7, 0, tzinfo=UTC),
        ]
        await chat.tap("✅ Yes, confirm it")
        assert chat.last.text == "You have already confirmed this appointment."


async def test_an_organisations_pseudonym_is_accepted_too(w: World) -> None:
    """A coach knows the person only by their organisation's pseudonym and may pass that on to staff."""
    coach = await w.coach()
    chat = await join(w, coach, 1001)
    seen = await known_as(w, coach, chat)
    printed = await propose(w, seen.lower(), "2026-12-01 10:00", "jobcentre")
    assert printed.startswith(f"Appointment 1 proposed to {seen} for 2026-12-01 10:00 (Europe/Berlin).")
    assert any("Job centre" in s.text for s in await chat.receive())


async def test_declining_removes_the_proposal(w: World) -> None:
    chat = await enrol(w)
    who = await participant(w, chat)
    await propose(w, who.pseudonym, "2026-12-01 10:00", "jobcentre")
    await chat.receive()
    await chat.tap("❌ No, remove it")
    assert chat.last.text.startswith("Okay, I have removed it. Nobody is told about this.")
    assert await appointment_rows(w) == []
    assert await w.count("signals") == 0
    await chat.tap("✅ Yes, confirm it")  # the same message's other button is closed now
    assert chat.seen[-2].text == "This question is closed." or chat.last.text == "This question is closed."


async def test_clear_errors_and_nothing_stored(w: World) -> None:
    chat = await enrol(w)
    who = await participant(w, chat)
    for pseudonym, at, kind, message in [
        ("P-ZZZZ", "2026-12-01 10:00", "doctor", "no participant with the pseudonym 'P-ZZZZ'"),
        (who.pseudonym, "2026-11-20 10:00", "doctor", "2026-11-20 10:00 (Europe/Berlin) is in the past"),
        (who.pseudonym, "2026-12-01 10:00", "dentist", "unknown kind 'dentist'; use one of: jobcentre,"),
        (who.pseudonym, "1.12.2026 10 Uhr", "doctor", "cannot read --at '1.12.2026 10 Uhr'"),
        (who.pseudonym, "2027-03-28 02:30", "doctor", "does not exist in Europe/Berlin"),
    ]:
        with pytest.raises(UsageError) as raised:
            await propose(w, pseudonym, at, kind)
        assert message in str(raised.value)
    with pytest.raises(UsageError, match="too long"):
        await propose(w, who.pseudonym, "2026-12-01 10:00", place="x" * 5000)
    async with w.db.transaction() as tx:
        await participants.set_status(tx, who.id, Status.STOPPED, w.clock.now())
    with pytest.raises(UsageError, match="is stopped: they cannot be told now"):
        await propose(w, who.pseudonym, "2026-12-01 10:00")
    assert await appointment_rows(w) == []
    assert await w.count("due") == 0
    assert await chat.receive() == []


async def test_place_and_note_need_a_key(tmp_path: Path) -> None:
    async with world(tmp_path, EngineConfig()) as w:
        chat = await enrol(w)
        who = await participant(w, chat)
        for extra in ({"place": "Praxis Dr. Weiß"}, {"note": "Brief mitbringen"}):
            with pytest.raises(UsageError, match="only stored encrypted: set COMPANION_ENCRYPTION_KEYS"):
                await propose(w, who.pseudonym, "2026-12-01 10:00", **extra)
        assert await appointment_rows(w) == []
        await propose(w, who.pseudonym, "2026-12-01 10:00")  # without them it works as before
        (told,) = await chat.receive()
        assert "Place:" not in told.text


def test_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def enrolled() -> str:
        async with world(tmp_path) as w:
            return (await participant(w, await enrol(w))).pseudonym

    pseudonym = asyncio.run(enrolled())
    monkeypatch.setenv("COMPANION_DATABASE", str(tmp_path / "companion.db"))
    args = ["appointment", "add", "--participant", pseudonym, "--kind", "doctor"]
    assert main([*args, "--at", "2020-01-01 10:00"]) == 2
    assert "companion: 2020-01-01 10:00 (Europe/Berlin) is in the past" in capsys.readouterr().err
    assert (
        main(
            ["appointment", "add", "--participant", "P-NOPE", "--kind", "doctor", "--at", "2099-01-01 10:00"]
        )
        == 2
    )
    assert "no participant with the pseudonym 'P-NOPE'" in capsys.readouterr().err
    assert main([*args, "--at", "2099-01-01 10:00", "--place", "Praxis"]) == 2
    assert "only stored encrypted" in capsys.readouterr().err
    monkeypatch.setenv("COMPANION_ENCRYPTION_KEYS", KEYED.encryption_keys[0])
    assert main([*args, "--at", "2099-01-01 10:00", "--place", "Praxis"]) == 0
    assert capsys.readouterr().out.startswith(f"Appointment 1 proposed to {pseudonym} for 2099-01-01 10:00")


def test_keys_rotate_seals_legacy_appointment_text_and_says_how_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def legacy_row() -> None:
        async with world(tmp_path, KEYED) as w:
            who = await participant(w, await enrol(w))
            await propose(w, who.pseudonym, "2099-01-01 10:00", place="Praxis Dr. Weiß", note="Karte")
            await propose(w, who.pseudonym, "2099-01-02 10:00")
            async with w.db.transaction() as tx:  # as written before migration 0009
                await tx.execute(
                    "UPDATE appointments SET place = 'Altbau', note = NULL WHERE starts_at LIKE '2099-01-02%'"
                )

    asyncio.run(legacy_row())
    monkeypatch.setenv("COMPANION_DATABASE", str(tmp_path / "companion.db"))
    monkeypatch.setenv("COMPANION_ENCRYPTION_KEYS", KEYED.encryption_keys[0])
    assert main(["keys", "rotate"]) == 0
    out = capsys.readouterr().out
    assert "re-encrypted 2 stored texts with the newest key (0 self-report notes, 2 appointment" in out
    assert "encrypted 1 appointment places and notes stored as plain text before" in out
    assert b"Altbau" not in (tmp_path / "companion.db").read_bytes()
    assert main(["keys", "rotate"]) == 0
    assert "encrypted 0 appointment places and notes stored as plain text before" in capsys.readouterr().out
