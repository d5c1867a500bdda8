"""Signals: only catalogue kinds, only with consent, derived mood-low, participant rules, /coachview."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dialogs.coaching.summary import render_summary, summary_for_coach
from dialogs.core.i18n import Translator
from dialogs.privacy.upkeep import run_daily
from dialogs.signals.catalogue import SIGNAL_KINDS
from dialogs.signals.raising import raise_signal_for
from dialogs.signals.rules import mood_is_low
from storage import participants, signals
from tests.dialogs.enrolment_helpers import enrol
from tests.dialogs.questionnaires.test_selfreports import report
from tests.dialogs.schedule_world import at_berlin, join
from tests.harness import DEFAULT_ORGANISATION, Chat, World


async def pid(w: World, chat: Chat) -> int:
    async with w.db.read() as tx:
        participant = await participants.by_chat(tx, chat.chat_id)
    assert participant is not None
    return participant.id


async def kinds(w: World) -> list[tuple[str, str | None]]:
    async with w.db.read() as tx:
        rows = await tx.all("SELECT kind, category FROM signals ORDER BY id")
    return [(r["kind"], r["category"]) for r in rows]


async def set_rule(chat: Chat, button: str, days: str | None = None) -> None:
    await chat.send("/privacy")
    await chat.tap("Change the rules for my coach")
    await chat.tap(button)
    if days is not None:
        await chat.tap(days)


def test_every_kind_names_a_known_scope_and_coarse_categories_only() -> None:
    from dialogs.consent_texts import SCOPE_BY_KEY

    for kind in SIGNAL_KINDS:
        assert kind.scope in SCOPE_BY_KEY, kind.key
        assert not kind.category_ok("some free text"), kind.key
    by_key = {kind.key: kind for kind in SIGNAL_KINDS}
    assert by_key["help_to_get_there"].category_ok("interpreter")
    assert by_key["no_checkin"].category_ok("3") and not by_key["no_checkin"].category_ok("300")
    assert by_key["paused"].category_ok("2026-12-01")


async def test_a_category_outside_the_catalogue_is_refused(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, sharing=True)
    participant_id = await pid(w, chat)
    async with w.db.transaction() as tx:
        with pytest.raises(ValueError):
            await raise_signal_for(tx, participant_id, "help_to_get_there", "my words", w.clock.now())


async def test_a_kind_that_is_only_a_notice_is_never_stored_as_a_signal(w: World) -> None:
    assert [kind.key for kind in SIGNAL_KINDS if not kind.stored] == ["participation_ended"]
    chat = w.chat()
    await enrol(w, chat, sharing=True)
    participant_id = await pid(w, chat)
    async with w.db.transaction() as tx:
        with pytest.raises(ValueError, match="never stored as a signal"):
            await raise_signal_for(tx, participant_id, "participation_ended", None, w.clock.now())
    await chat.send("/stop")
    await chat.tap("Yes")
    async with w.db.read() as tx:
        stopped = await participants.by_id(tx, participant_id)
    assert stopped is not None and stopped.status is participants.Status.STOPPED
    assert await kinds(w) == []  # stopping tells the coaches, but stores no signal


@pytest.mark.parametrize(
    ("moods", "low"),
    [
        ([1, 2, 2], True),
        ([2, 5, 1, 5, 2], True),
        ([2, 5, 5, 1, 5, 2], False),  # the third low one is the sixth report: outside the window
        ([3, 3, 3, 3, 3], False),
        ([1, 1], False),
    ],
)
def test_mood_low_means_1_or_2_on_3_of_the_last_5(moods: list[int], low: bool) -> None:
    assert mood_is_low(moods) is low


async def test_mood_low_is_raised_once_with_the_rule_and_sharing(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, selfreports=True, sharing=True)
    await set_rule(chat, "Add: tell my coach if my mood is low")
    for mood in ("Bad", "Good", "Very bad"):
        await report(chat, mood=mood)
    assert await kinds(w) == []
    await report(chat, mood="Bad")
    assert await kinds(w) == [("mood_low", None)]
    assert "As you asked, I will let your coach know that your mood is low" in chat.texts()
    await report(chat, mood="Very bad")
    assert await kinds(w) == [("mood_low", None)]  # still low two reports later: told once
    assert chat.texts().count("As you asked") == 1
    w.clock.advance(timedelta(days=8))
    await report(chat, mood="Bad")
    assert await kinds(w) == [("mood_low", None), ("mood_low", None)]  # a week on, still low


async def test_low_moods_without_the_rule_or_without_sharing_raise_nothing(w: World) -> None:
    no_rule = w.chat(1001)
    await enrol(w, no_rule, selfreports=True, sharing=True)
    no_sharing = w.chat(1002)
    await enrol(w, no_sharing, selfreports=True, sharing=False)
    await set_rule(no_sharing, "Add: tell my coach if my mood is low")
    assert "It is off now, so your coach is told nothing." in no_sharing.last.text
    for _ in range(5):
        await report(no_rule, mood="Very bad")
        await report(no_sharing, mood="Very bad")
    assert await kinds(w) == []
    assert "As you asked" not in no_rule.texts() + no_sharing.texts()


async def test_the_no_checkin_rule_fires_once_per_silence(w: World) -> None:
    chat = w.chat()
    await join(w, chat, morning="08:00", evening=None, sharing=True)
    await set_rule(chat, "Add: tell my coach if I have not checked in", "3 days")
    assert "Saved: Tell my coach if I have not checked in for 3 days." in chat.texts()
    # Set on Monday at 10:00: the check-ins of Tuesday, Wednesday and Thursday at 08:00 are the 3 days.
    w.clock.set(at_berlin("2026-11-26 07:59"))
    assert (await run_daily(w.db, w.clock.now(), w.engine.config)).signals == 0
    w.clock.set(at_berlin("2026-11-26 08:01"))
    assert (await run_daily(w.db, w.clock.now(), w.engine.config)).signals == 1
    assert await kinds(w) == [("no_checkin", "3")]
    w.clock.advance(timedelta(days=5))
    assert (await run_daily(w.db, w.clock.now(), w.engine.config)).signals == 0  # same silence: told once
    await report(chat)  # a sign of life ends the silence
    w.clock.advance(timedelta(days=3))
    assert (await run_daily(w.db, w.clock.now(), w.engine.config)).signals == 1
    assert await kinds(w) == [("no_checkin", "3"), ("no_checkin", "3")]


async def test_the_no_checkin_rule_counts_only_days_with_a_check_in_and_no_pause(w: World) -> None:
    chat = w.chat()
    await join(w, chat, morning="08:00", evening=None, sharing=True)
    await set_rule(chat, "Add: tell my coach if I have not checked in", "3 days")
    await chat.send("/pause 14")
    for day in range(24, 30):  # five quiet days and more, all paused
        w.clock.set(at_berlin(f"2026-11-{day} 12:00"))
        assert (await run_daily(w.db, w.clock.now(), w.engine.config)).signals == 0, day
    await chat.send("/resume")  # the count starts afresh after a pause
    for day in (30,):
        w.clock.set(at_berlin(f"2026-11-{day} 12:00"))
        assert (await run_daily(w.db, w.clock.now(), w.engine.config)).signals == 0
    w.clock.set(at_berlin("2026-12-01 12:00"))
    assert (await run_daily(w.db, w.clock.now(), w.engine.config)).signals == 0
    w.clock.set(at_berlin("2026-12-02 12:00"))
    assert (await run_daily(w.db, w.clock.now(), w.engine.config)).signals == 1
    assert await kinds(w) == [("paused", "2026-12-07"), ("no_checkin", "3")]


async def test_weekdays_without_a_check_in_do_not_count(w: World) -> None:
    chat = w.chat()
    await join(w, chat, morning="08:00", evening=None, sharing=True)
    async with w.db.transaction() as tx:
        await tx.execute("UPDATE schedules SET weekdays = '1'")  # Mondays only
    await set_rule(chat, "Add: tell my coach if I have not checked in", "2 days")
    w.clock.set(at_berlin("2026-11-29 12:00"))  # six days on, no Monday yet
    assert (await run_daily(w.db, w.clock.now(), w.engine.config)).signals == 0
    w.clock.set(at_berlin("2026-12-06 12:00"))  # one Monday in thirteen days
    assert (await run_daily(w.db, w.clock.now(), w.engine.config)).signals == 0
    w.clock.set(at_berlin("2026-12-07 09:00"))  # the second Monday
    assert (await run_daily(w.db, w.clock.now(), w.engine.config)).signals == 1


async def test_the_no_checkin_rule_needs_a_check_in_and_offers_to_set_one_up(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, sharing=True)  # check-ins "set up later"
    await set_rule(chat, "Add: tell my coach if I have not checked in")
    assert "no check-in set up" in chat.last.text
    assert "3 days" not in chat.last.labels
    async with w.db.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM signal_rules") == 0
    await chat.tap("Set up check-ins")
    assert chat.last.text.startswith("Your check-ins:")


async def test_rules_are_listed_changed_and_removed_in_privacy(w: World) -> None:
    chat = w.chat()
    await join(w, chat, sharing=True)
    await chat.send("/privacy")
    assert "Rules for telling your coach:\nYou have not set any rules." in chat.last.text
    await set_rule(chat, "Add: tell my coach if I have not checked in", "5 days")
    await chat.tap("Change the number of days")
    await chat.tap("7 days")
    await chat.tap("Add: tell my coach if my mood is low")
    await chat.tap("Back to privacy")
    assert "• Tell my coach if I have not checked in for 7 days" in chat.last.text
    assert "• Tell my coach if my mood is low" in chat.last.text
    await chat.tap("Change the rules for my coach")
    await chat.tap("Remove the check-in rule")
    assert "Removed. Your coach will not be told about this any more." in chat.texts()
    assert "checked in for" not in chat.last.text
    w.clock.advance(timedelta(days=20))
    assert (await run_daily(w.db, w.clock.now(), w.engine.config)).signals == 0
    await chat.tap("Remove the mood rule")
    assert "You have not set any rules." in chat.last.text
    async with w.db.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM signal_rules") == 0


async def test_without_sharing_consent_no_signal_ever_exists(w: World) -> None:
    chat = w.chat()
    await join(w, chat, sharing=False)
    await set_rule(chat, "Add: tell my coach if I have not checked in", "2 days")
    await set_rule(chat, "Add: tell my coach if my mood is low")
    for _ in range(5):
        await report(chat, mood="Very bad")
    await chat.send("/sos")
    await chat.tap("Please contact me")
    await chat.send("I want to die")
    w.clock.advance(timedelta(days=10))
    await run_daily(w.db, w.clock.now(), w.engine.config)
    assert await w.count("signals") == 0


async def test_coachview_shows_exactly_what_the_coach_query_returns(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, selfreports=True, sharing=True)
    participant_id = await pid(w, chat)
    async with w.db.transaction() as tx:
        now = w.clock.now()
        await raise_signal_for(tx, participant_id, "help_to_get_there", "interpreter", now)
        await raise_signal_for(tx, participant_id, "paused", "2026-12-01", now)
        await raise_signal_for(tx, participant_id, "no_checkin", "3", now)
        await signals.insert(tx, participant_id, "contact_requested", None, now - timedelta(days=40))
    w.clock.advance(timedelta(seconds=1))
    await chat.send("/sos")
    await chat.tap("Please contact me")
    w.clock.advance(timedelta(minutes=5))
    await chat.send("/coachview")
    shown = chat.seen[-3].text
    organisation = await w.organisation()  # the inviting coach's
    async with w.db.read() as tx:
        summary = await summary_for_coach(
            tx, participant_id, w.clock.now(), organisation, DEFAULT_ORGANISATION
        )
    assert summary is not None
    assert shown == render_summary(Translator("en"), summary)
    assert [s.kind for s in summary.signals] == [
        "contact_requested",
        "no_checkin",
        "paused",
        "help_to_get_there",
    ]  # newest first; the 40-day-old one is outside the window
    assert "Needs help to get to an appointment: an interpreter" in shown
    assert "Paused the companion until Dec 1, 2026" in shown
    assert "No check-in for 3 days (a rule the participant set)" in shown

    # Withdrawing a scope hides its signals from the coach at once, and /coachview shows the same.
    await chat.send("/privacy")
    await chat.tap("Turn off: Short signals")
    await chat.send("/coachview")
    assert "No signals: the participant has not allowed any to be shared." in chat.seen[-3].text


async def test_coachview_in_german_reads_the_same_summary_in_german(w: World) -> None:
    chat = w.chat(language_hint="de")
    code = await w.invitation()
    await chat.send(f"/start {code}")
    await chat.tap("Deutsch")
    await chat.tap("Ja, einverstanden")
    for answer in ("Ja", "Ja", "Nein"):
        await chat.tap(answer)
    participant_id = await pid(w, chat)
    async with w.db.transaction() as tx:
        await raise_signal_for(tx, participant_id, "new_date_needed", None, w.clock.now())
    await chat.send("/coachview")
    organisation = await w.organisation()  # the inviting coach's
    async with w.db.read() as tx:
        summary = await summary_for_coach(
            tx, participant_id, w.clock.now(), organisation, DEFAULT_ORGANISATION
        )
    assert summary is not None
    assert chat.seen[-3].text == render_summary(Translator("de"), summary)
    assert "Braucht einen neuen Termin" in chat.seen[-3].text
