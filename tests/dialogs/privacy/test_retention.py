"""Retention for everything: each kind of stored row has a period, applied by the daily upkeep (the
scheduler's maintenance and `companion purge` alike), and people who stopped or could not be reached for
a long time are erased by themselves, as /delete would. /stop tells them the date."""

from __future__ import annotations

from datetime import timedelta

from dialogs.core.config import EngineConfig
from dialogs.privacy.upkeep import run_daily
from storage import audit, checkpoints, conversations, meta, participants, personal_data, signals
from storage.conversations import Conversation
from storage.participants import Status
from storage.times import to_db
from tests.dialogs.enrolment_helpers import enrol
from tests.harness import START, Chat, World

CONFIG = EngineConfig()


async def someone(w: World, chat_id: int) -> participants.Participant:
    chat = w.chat(chat_id)
    await enrol(w, chat, sharing=True)
    async with w.db.read() as tx:
        found = await participants.by_chat(tx, chat_id)
    assert found is not None
    return found


async def test_signals_sent_messages_old_state_and_bookkeeping_expire(w: World) -> None:
    person = await someone(w, 1001)
    coach = await w.default_coach_id()
    now = START + timedelta(days=400)
    long_ago = now - timedelta(days=CONFIG.signal_days + 1)
    async with w.db.transaction() as tx:
        old = await signals.insert(tx, person.id, "contact_request", None, long_ago)
        recent = await signals.insert(tx, person.id, "contact_request", None, now - timedelta(days=1))
        for signal_id in (old, recent):
            await tx.execute(
                "INSERT INTO signal_deliveries (signal_id, participant_id, coach_id, urgent, status,"
                " created_at, sent_at) VALUES (?, ?, ?, 1, 'sent', ?, ?)",
                (signal_id, person.id, coach, to_db(long_ago), to_db(long_ago)),
            )
            await tx.execute(
                "INSERT INTO signal_acks (signal_id, participant_id, coach_id, action, at)"
                " VALUES (?, ?, ?, 'seen', ?)",
                (signal_id, person.id, coach, to_db(long_ago)),
            )
        await conversations.save(tx, Conversation(4242, None, "consent", "language"), long_ago)
        draft = Conversation(1001, person.id, "appointments", "note", {"draft": {"kind": "doctor"}})
        await conversations.save(tx, draft, long_ago)
        await tx.execute(
            "INSERT INTO handled_updates (update_id, handled_at) VALUES (7, ?)", (to_db(long_ago),)
        )
    w.clock.set(now)
    await run_daily(w.db, now, CONFIG)  # what `companion purge` runs, too
    async with w.db.read() as tx:
        assert [s.id for s in await signals.for_participant(tx, person.id)] == [recent]
        assert await tx.scalar("SELECT COUNT(*) FROM signal_deliveries") == 1
        assert await tx.scalar("SELECT COUNT(*) FROM signal_acks") == 1
        assert await tx.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") == 0  # from enrolment
        assert await conversations.load(tx, 4242) is None  # a stranger's enrolment, never finished
        left = await conversations.load(tx, 1001)  # a question left long ago: back to the menu
        assert left is not None and (left.flow, left.data) == ("menu", {})
        assert await tx.scalar("SELECT COUNT(*) FROM handled_updates") == 0
    # Someone whose conversation state expired is simply shown the menu again.
    chat = w.chat(1001)
    await chat.send("hello")
    assert chat.last.buttons


async def test_people_who_stopped_or_were_unreachable_long_ago_are_erased(w: World) -> None:
    stopped = await someone(w, 1)
    unreachable = await someone(w, 2)
    active = await someone(w, 3)
    lately = await someone(w, 4)
    await w.chat(1).send("/stop")
    async with w.db.transaction() as tx:
        await participants.set_status(tx, unreachable.id, Status.UNREACHABLE, START)
        await audit.append(tx, action=audit.CASE_READ, now=START, pseudonym=stopped.pseudonym)
    w.clock.advance(timedelta(days=CONFIG.erase_after_days - 10))
    await w.chat(4).send("/stop")
    await w.chat(3).send("hello")

    w.clock.advance(timedelta(days=9))
    assert (await run_daily(w.db, w.clock.now(), CONFIG)).erased == 0  # not yet: a day is left
    w.clock.advance(timedelta(days=1, hours=1))
    assert (await run_daily(w.db, w.clock.now(), CONFIG)).erased == 2

    async with w.db.read() as tx:
        for gone in (stopped, unreachable):
            assert await personal_data.remaining(tx, gone.id, gone.chat_id) == {}
        assert {p.id for p in [await participants.by_chat(tx, c) for c in (3, 4)] if p} == {
            active.id,
            lately.id,
        }
        # As after /delete: the audit trail stays, naming only the pseudonym, which points to nobody.
        assert await tx.scalar("SELECT COUNT(*) FROM audit_log WHERE pseudonym = ?", (stopped.pseudonym,))
        assert await meta.get(tx, checkpoints.KEY) is None  # and the erased rows have left the log


async def test_stop_says_on_which_day_the_data_is_deleted(w: World, enrolled: Chat) -> None:
    replies = await enrolled.send("/stop")
    said = "kept until Tuesday, May 25, 2027 and then deleted by itself"  # 183 days after Nov 23, 2026
    assert any(said in r.text for r in replies), replies


async def test_settled_notification_mails_expire_and_the_waiting_one_stays(w: World) -> None:
    coach = await w.default_coach_id()
    now = START + timedelta(days=400)
    long_ago = now - timedelta(days=CONFIG.outbox_days + 1)
    async with w.db.transaction() as tx:
        for status in ("sent", "failed", "dropped", "waiting"):
            await tx.execute(
                "INSERT INTO coach_mails (coach_id, send_at, status, created_at) VALUES (?, ?, ?, ?)",
                (coach, to_db(long_ago), status, to_db(long_ago)),
            )
        await tx.execute(
            "INSERT INTO coach_mails (coach_id, send_at, status, created_at) VALUES (?, ?, 'sent', ?)",
            (coach, to_db(now), to_db(now - timedelta(days=1))),
        )
    w.clock.set(now)
    await run_daily(w.db, now, CONFIG)
    async with w.db.read() as tx:
        left = await tx.all("SELECT status FROM coach_mails ORDER BY id")
    assert [r[0] for r in left] == ["waiting", "sent"]


async def test_proposals_expire_with_the_appointments_retention(w: World) -> None:
    person = await someone(w, 1002)
    coach = await w.default_coach_id()
    now = START + timedelta(days=400)
    async with w.db.transaction() as tx:
        organisation = await tx.scalar("SELECT organisation_id FROM coaches WHERE id = ?", (coach,))
        for starts in (now - timedelta(days=CONFIG.retention_days + 1), now - timedelta(days=1)):
            await tx.execute(
                "INSERT INTO appointment_proposals (participant_id, organisation_id, coach_id, kind,"
                " starts_at, state, created_at) VALUES (?, ?, ?, 'job_centre', ?, 'declined', ?)",
                (person.id, organisation, coach, to_db(starts), to_db(starts)),
            )
    w.clock.set(now)
    await run_daily(w.db, now, CONFIG)
    async with w.db.read() as tx:
        left = await tx.all("SELECT starts_at FROM appointment_proposals")
    assert [r[0] for r in left] == [to_db(now - timedelta(days=1))]
