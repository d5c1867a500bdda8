"""Reminders arriving at the right local time, their one-tap answers and signals, the follow-up, restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.delivery import Limits, OutboxWorker, Result, SendResult
from storage import buttons, due
from storage.outbox import OutboxMessage
from tests.dialogs.appointment_helpers import (
    add,
    appointment_rows,
    enrol,
    participant,
    pending,
    plain,
    restart,
    run_until,
    signal_rows,
)
from tests.harness import World

BERLIN = ZoneInfo("Europe/Berlin")
ANSWERS = [
    "✅ I'll be there",
    "🙁 I can't come",
    "📅 I need a new date",
    "🤝 I need help to get there",
    "⏰ Remind me again in 1 hour",
]


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)


async def test_reminders_at_the_right_local_times_across_the_clock_change(w: World) -> None:
    """Entered on Friday 2026-10-23 (summer time) for Tuesday 2026-10-27 10:00 (winter time)."""
    w.clock.set(berlin(2026, 10, 23, 11, 0))
    chat = await enrol(w)
    await add(chat, "27.10.", "10:00")
    assert "is on Tuesday, October 27, 2026 at 10:00 AM." in plain(chat.last.text)
    arrived = await run_until(w, chat, berlin(2026, 10, 27, 23, 0))
    assert [(when.astimezone(BERLIN).strftime("%a %d %H:%M %Z"), when) for when, _ in arrived] == [
        ("Mon 26 18:00 CET", datetime(2026, 10, 26, 17, 0, tzinfo=UTC)),
        ("Tue 27 08:00 CET", datetime(2026, 10, 27, 7, 0, tzinfo=UTC)),
        ("Tue 27 12:00 CET", datetime(2026, 10, 27, 11, 0, tzinfo=UTC)),  # how did it go?
    ]
    evening, morning, followup = (shown for _, shown in arrived)
    assert plain(evening.text).startswith("⏰ Your appointment (Doctor) is tomorrow at 10:00 AM.")
    assert plain(morning.text).startswith("⏰ Your appointment (Doctor) is today at 10:00 AM.")
    assert evening.labels == ANSWERS
    assert (
        plain(followup.text)
        == "How did your appointment go (Doctor, Tue, Oct 27)? Only you will see your answer."
    )


async def test_a_reminder_in_quiet_hours_arrives_before_they_begin(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "7:30")  # 2 hours before is 05:30, inside the quiet hours 22:00-07:00
    assert plain(chat.last.text).splitlines()[-2:] == [
        "I will remind you: Wed, Dec 2, 6:00 PM; Wed, Dec 2, 9:30 PM",
        "A reminder that would come in your quiet hours comes before they begin.",
    ]
    arrived = await run_until(w, chat, berlin(2026, 12, 3, 7, 30))
    assert [when.astimezone(BERLIN).strftime("%d %H:%M") for when, _ in arrived] == [
        "02 18:00",
        "02 21:30",
    ]
    assert all("is tomorrow at 7:30 AM." in plain(shown.text) for _, shown in arrived)


async def test_a_reminder_later_than_its_window_expires_instead_of_arriving(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00")
    w.clock.set(berlin(2026, 12, 2, 18, 31))  # the sweep never ran between 18:00 and 18:30
    await w.sweep()
    assert await chat.receive() == []
    async with w.db.read() as tx:
        statuses = [row["status"] for row in await tx.all("SELECT status FROM due ORDER BY due_at")]
    assert statuses[0] == "expired"


async def test_each_answer_with_sharing_consent_raises_only_what_the_participant_asked_for(
    w: World,
) -> None:
    chat = await enrol(w, share=True)
    await add(chat, "3.12.", "10:00")
    await run_until(w, chat, berlin(2026, 12, 2, 18, 0))
    await chat.tap("✅ I'll be there")
    assert chat.last.text == "Thank you! Good luck with your appointment."
    await chat.tap("🙁 I can't come")
    assert chat.last.text.startswith("Thank you for telling me. That is okay.")
    assert await signal_rows(w) == []  # "I can't come" on its own tells nobody
    await chat.tap("📞 Please ask my coach to contact me")
    assert chat.last.text == "Thank you. Your coach gets a short signal that you would like to be contacted."
    await chat.tap("📅 I need a new date")
    assert chat.last.text == "Thank you. Your coach gets a short signal that you need a new date."
    await chat.tap("📅 I need a new date")
    assert chat.last.text == "You have already told me that you need a new date."
    await chat.tap("🤝 I need help to get there")
    assert chat.last.labels == ["Interpreter", "Childcare", "Travel costs", "Someone to come along"]
    await chat.tap("Interpreter")
    assert chat.last.text == (
        "Thank you. Your coach gets a short signal that you need help to get there: Interpreter."
    )
    await chat.tap("Interpreter")
    assert chat.last.text == "You have already asked for this: Interpreter."
    await chat.tap("🤝 I need help to get there")
    assert chat.last.labels[0] == "✅ Interpreter"
    await chat.tap("Travel costs")
    await chat.tap("Someone to come along")
    await chat.tap("Childcare")
    assert await signal_rows(w) == [
        ("contact_requested", None),
        ("new_date_needed", None),
        ("help_to_get_there", "interpreter"),
        ("help_to_get_there", "travel_costs"),
        ("help_to_get_there", "accompaniment"),
        ("help_to_get_there", "childcare"),
    ]
    # The contact request and the help to get to this appointment (less than 24 hours away, issue 16) went
    # to the coach at once; the new date waits for the digest.
    async with w.db.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM signals WHERE delivered_at IS NULL") == 1
    await chat.send("/appointments")
    await chat.tap("Thu, Dec 3")
    assert (
        "You asked for help to get there.\n"
        "You asked for: Interpreter, Travel costs, Someone to come along, Childcare" in chat.last.text
    )
    (row,) = await appointment_rows(w)
    assert set(row) >= {"answer", "help_needs", "outcome"}
    assert not {"attended", "no_show", "missed"} & set(row)  # nothing can say whether anyone went


async def test_cant_come_then_remove_it_from_the_list(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00")
    await run_until(w, chat, berlin(2026, 12, 2, 18, 0))
    await chat.tap("🙁 I can't come")
    await chat.tap("🗑 Remove it from my list")
    await chat.tap("No, keep it")
    assert chat.last.text == "Okay, it stays on your list."
    assert len(await pending(w, chat, "reminder")) == 1
    await chat.tap("🗑 Remove it from my list")
    await chat.tap("Yes, remove it")
    assert chat.last.text == "Removed. If it is in your calendar app, please delete it there too."
    assert await appointment_rows(w) == []
    assert await pending(w, chat) == []
    assert await run_until(w, chat, berlin(2026, 12, 4, 0, 0)) == []
    assert (await chat.tap("📅 I need a new date"))[0].text == "This question is closed."
    assert await signal_rows(w) == []


async def test_answers_without_sharing_consent_store_no_signal_and_say_so(w: World) -> None:
    chat = await enrol(w, share=False)
    await add(chat, "3.12.", "10:00")
    await run_until(w, chat, berlin(2026, 12, 2, 18, 0))
    await chat.tap("📅 I need a new date")
    assert "so nobody is told" in chat.last.text
    assert chat.last.text.startswith("Thank you for telling me. Please ask the office for a new date.")
    await chat.tap("🤝 I need help to get there")
    await chat.tap("Travel costs")
    assert "Please ask your coach or the office for this help: Travel costs." in chat.last.text
    await chat.tap("🙁 I can't come")
    await chat.tap("📞 Please ask my coach to contact me")
    assert chat.last.text.startswith("Please contact your coach directly.")
    assert await signal_rows(w) == []
    assert await w.count("signals") == 0


async def test_remind_me_again_in_one_hour(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00")
    await run_until(w, chat, berlin(2026, 12, 2, 18, 5))
    await chat.tap("⏰ Remind me again in 1 hour")
    assert plain(chat.last.text) == "Okay. I will remind you again at 7:05 PM."
    snoozed, *_ = await pending(w, chat, "reminder")
    assert snoozed.due_at == berlin(2026, 12, 2, 19, 5)
    arrived = await run_until(w, chat, berlin(2026, 12, 3, 9, 30))
    assert [when.astimezone(BERLIN).strftime("%d %H:%M") for when, _ in arrived] == [
        "02 19:05",
        "03 08:00",
    ]
    await chat.tap("⏰ Remind me again in 1 hour")  # at 09:30 the appointment is 30 minutes away
    assert plain(chat.last.text) == "Your appointment starts at 10:00 AM, in less than an hour. Good luck!"
    assert await pending(w, chat, "reminder") == []


async def test_a_reminder_shortly_before_the_start_offers_no_later_reminder(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00")
    await chat.send("/appointments")
    await chat.tap("Thu, Dec 3")
    await chat.tap("🔔 Reminders")
    await chat.tap("30 minutes before")
    await chat.tap("✔️ Done")
    arrived = await run_until(w, chat, berlin(2026, 12, 3, 9, 45))
    assert arrived[-1][1].labels == ANSWERS[:-1]


async def test_the_followup_answer_stays_with_the_participant(w: World) -> None:
    chat = await enrol(w, share=True)
    await add(chat, "3.12.", "10:00")
    await add(chat, "4.12.", "10:00")
    await run_until(w, chat, berlin(2026, 12, 3, 12, 0))
    await chat.tap("😣 Difficult")
    assert chat.last.text.startswith("Thank you for telling me. I am sorry it was difficult.")
    await run_until(w, chat, berlin(2026, 12, 4, 12, 0))
    await chat.tap("I'd rather not say")
    assert chat.last.text == "That is fine. I have not stored anything about it."
    assert [row["outcome"] for row in await appointment_rows(w)] == ["hard", None]
    assert await signal_rows(w) == []  # never a signal, even with the sharing consent
    await chat.send("/appointments")
    assert "• Thu, Dec 3, 10:00 AM · 🩺 Doctor – It was difficult." in plain(chat.last.text)
    w.clock.set(berlin(2026, 12, 8, 12, 0))
    await chat.tap("😊 Good")  # three days later the question is closed
    assert "This question is closed." in chat.texts()


async def test_forged_and_foreign_buttons_get_the_closed_answer(w: World) -> None:
    anna = await enrol(w, 1001)
    ben = await enrol(w, 1002)
    await add(anna, "3.12.", "10:00")
    await add(ben, "3.12.", "11:00")
    await run_until(w, anna, berlin(2026, 12, 2, 18, 0))
    await ben.receive()
    annas_token = next(token for label, token in anna.last.buttons[0] if "I'll be there" in label)
    shown = await ben.press(annas_token)  # a token from another chat
    assert shown[0].text == "This question is closed."
    (annas, _) = await appointment_rows(w)
    async with w.db.transaction() as tx:  # an action naming someone else's appointment, minted for ben
        forged = [
            await buttons.mint(
                tx, chat_id=1002, nonce=None, action=action, now=w.clock.now(), ttl=timedelta(days=1)
            )
            for action in (
                f"appt:{annas['id']}:there",
                f"appt:{annas['id']}:need:interpreter",
                f"appt:{annas['id']}:confirm",
                "appt:x:there",
                f"appt:{annas['id']}:fly",
                "appt:99999:new_date",
            )
        ]
    for token in forged:
        shown = await ben.press(token)
        assert shown[0].text == "This question is closed."
    assert (await ben.press("not-a-token-at-all"))[0].text == "This question is closed."
    annas, _ = await appointment_rows(w)
    assert annas["answer"] is None and annas["help_needs"] == "[]"
    assert await signal_rows(w) == []


async def test_restart_between_due_and_send_delivers_the_reminder_once(w: World) -> None:
    """The sweep settles the due row and writes the outbox row in one transaction; a restart sends it once."""
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00")
    w.clock.set(berlin(2026, 12, 2, 18, 0))
    await w.sweep()  # the reminder is written to the outbox ... and the process dies before sending
    async with w.db.read() as tx:
        (row,) = await tx.all("SELECT status FROM due WHERE kind = 'reminder' AND status != 'pending'")
        waiting = await tx.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
    assert (row["status"], waiting) == ("done", 1)
    w.clock.advance(timedelta(minutes=10))
    await restart(w)
    sent: list[OutboxMessage] = []

    class Recorder:
        async def send(self, message: OutboxMessage) -> SendResult:
            sent.append(message)
            return SendResult(Result.SENT)

    worker = OutboxWorker(w.db, Recorder(), w.clock, Limits(global_rate=1000, per_chat_interval=0))
    await worker.recover()
    await worker.drain()
    await w.sweep()
    await worker.drain()
    assert [plain(m.text).splitlines()[0] for m in sent] == [
        "⏰ Your appointment (Doctor) is tomorrow at 10:00 AM."
    ]


async def test_restart_before_the_sweep_sends_within_the_grace_window_only(w: World) -> None:
    chat = await enrol(w)
    await add(chat, "3.12.", "10:00")
    w.clock.set(berlin(2026, 12, 2, 18, 20))  # down over 18:00, back at 18:20: inside the 30 minutes
    await restart(w)
    await w.sweep()
    await w.sweep()
    arrived = await chat.receive()
    assert [plain(s.text).splitlines()[0] for s in arrived] == [
        "⏰ Your appointment (Doctor) is tomorrow at 10:00 AM."
    ]
    w.clock.set(berlin(2026, 12, 3, 8, 45))  # down again over the 08:00 reminder, back too late
    await w.sweep()
    assert await chat.receive() == []
    who = await participant(w, chat)
    async with w.db.read() as tx:
        expired = await due.for_participant(tx, who.id, status="expired")
    assert [row.due_at for row in expired] == [berlin(2026, 12, 3, 8, 0)]
