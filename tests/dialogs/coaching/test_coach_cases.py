"""The coach's chat: /cases, /case, /invite, /alerts, /language, /help and the buttons on signals."""

from __future__ import annotations

from pathlib import Path

from storage import audit, coaches
from tests.dialogs.coach_helpers import invite_code, join, known_as
from tests.harness import Chat, World, world

REFUSED = "I cannot show you this case. You can see the participants in your /cases list."


async def ask_contact(participant: Chat) -> None:
    await participant.send("/sos")
    await participant.tap("Please contact me")


async def test_cases_lists_status_in_colour_and_words_and_the_latest_signal(w: World, coach: Chat) -> None:
    quiet = await join(w, coach, 1001)
    asking = await join(w, coach, 1002)
    await ask_contact(asking)
    stopped = await join(w, coach, 1003)
    await stopped.send("/stop")
    names = {chat.chat_id: await known_as(w, coach, chat) for chat in (quiet, asking, stopped)}
    await coach.send("/cases")
    listing = coach.seen[-2].text
    assert listing.startswith("Your caseload: 3 people.")
    lines = listing.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(names[asking.chat_id]))
    assert lines[first].endswith("🔴 Asked to be contacted")
    assert lines[first + 1].strip().startswith("Latest: Asked to be contacted")
    assert f"{names[quiet.chat_id]} – 🟢 takes part" in listing
    assert f"{names[stopped.chat_id]} – ⚪ participation ended" in listing
    assert listing.index(names[asking.chat_id]) < listing.index(names[quiet.chat_id])
    assert listing.index(names[quiet.chat_id]) < listing.index(names[stopped.chat_id])
    # One tap from the list opens a case.
    await coach.tap(names[quiet.chat_id])
    assert coach.seen[-3].text.startswith(f"Participant {names[quiet.chat_id]}")


async def test_an_empty_caseload_points_to_invite(coach: Chat) -> None:
    await coach.send("/cases")
    assert "Nobody is connected with you yet. /invite makes an invitation link." in coach.texts()


async def test_case_shows_only_what_the_organisation_may_see(w: World, coach: Chat) -> None:
    participant = await join(w, coach, 1001, sharing=True)
    pseudonym = await known_as(w, coach, participant)
    await participant.send("/sos")  # crisis not allowed: no crisis signal
    await participant.tap("Please contact me")
    await coach.send(f"/case {pseudonym.lower()}")
    summary = coach.seen[-3].text
    assert summary.startswith(f"Participant {pseudonym}\nTakes part.")
    assert "Asked to be contacted" in summary and "crisis" not in summary
    assert "Days with a check-in" not in summary and "Mood" not in summary
    assert "appointments" not in summary
    # Turning on the counts and the trend adds them, nothing else.
    await participant.send("/privacy")
    await participant.tap("Turn on: On how many days you checked in")
    await participant.tap("Yes")
    await participant.tap("Turn on: Whether your mood goes up or down")
    await participant.tap("Yes")
    await participant.tap("Turn on: Your upcoming appointments")
    await participant.tap("Yes")
    await coach.send(f"/case {pseudonym}")
    summary = coach.seen[-3].text
    assert "Days with a check-in: 0 of the last 7, 0 of the last 28." in summary
    assert "Mood: not enough reports to say" in summary
    assert "No upcoming appointments." in summary


async def test_a_refused_case_reads_the_same_whether_the_pseudonym_exists_or_not(w: World) -> None:
    mine = await w.coach(name="Anna Beispiel")
    other = await w.coach("Suchtberatung Nord", "Ben Muster", chat_id=9201)
    theirs = await join(w, other, 1001)
    answers = []
    for typed in (
        await known_as(w, other, theirs),
        "P-2222",
        "nonsense",
        "P-" + "9" * 40,
        "'; DROP TABLE x",
    ):
        shown = await mine.send(f"/case {typed}")
        answers.append([(s.text, s.labels) for s in shown])
    assert all(answer == answers[0] for answer in answers)
    assert answers[0][0][0] == REFUSED
    async with w.db.read() as tx:
        reads = await tx.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case_read'")
    assert reads == 0


async def test_every_read_is_in_the_audit_log_and_shown_to_the_participant(w: World) -> None:
    coach = await w.coach(name="Anna Beispiel")
    participant = await join(w, coach, 1001)
    pseudonym = await known_as(w, coach, participant)
    await coach.send(f"/case {pseudonym}")
    await coach.send("/cases")
    async with w.db.read() as tx:
        entries = await audit.about(
            tx, (pseudonym,), since=w.clock.now(), actions=(audit.CASE_READ, audit.CASELOAD_READ)
        )
    assert [e.action for e in entries] == ["caseload_read", "case_read"]
    assert entries[0].coach_name == "Anna Beispiel" and entries[0].organisation == "Jobcenter Musterstadt"
    await participant.send("/coachview")
    texts = participant.texts()
    assert "Anna Beispiel (Jobcenter Musterstadt) opened your summary" in texts
    assert "Anna Beispiel (Jobcenter Musterstadt) saw you in their list" in texts


async def test_coachview_shows_exactly_what_case_shows(w: World, coach: Chat, participant: Chat) -> None:
    pseudonym = await known_as(w, coach, participant)
    await ask_contact(participant)
    await coach.send(f"/case {pseudonym}")
    case = coach.seen[-3].text
    await participant.send("/coachview")
    texts = [s.text for s in participant.seen]
    heading = texts.index("This is exactly what Jobcenter Musterstadt can see about you:")
    assert texts[heading + 1] == case


async def test_the_buttons_on_a_signal_are_recorded_for_the_team(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    carl = await w.coach(name="Carl Kollege", chat_id=9102)
    participant = await join(w, anna, 1001)
    pseudonym = await known_as(w, anna, participant)
    await participant.send(f"/start {await invite_code(carl)}")
    await participant.tap("Yes, connect")
    await carl.receive()
    await ask_contact(participant)
    await anna.receive()
    await carl.receive()
    await anna.tap("I will get in touch")
    assert f"Noted: you will get in touch with {pseudonym}." in anna.texts()
    await carl.tap("Seen")
    assert "Noted as seen." in carl.texts()
    await carl.send(f"/case {pseudonym}")
    case = carl.seen[-3].text
    assert "Asked to be contacted – Anna Beispiel will get in touch" in case
    assert "seen by Carl Kollege" in case
    # "I will get in touch" is not overwritten by a later "seen".
    await anna.tap("Seen")
    await anna.send(f"/case {pseudonym}")
    assert "Anna Beispiel will get in touch" in anna.seen[-3].text
    # The caseload shows the contact request as handled.
    await carl.send("/cases")
    assert "🔴" not in carl.seen[-2].text


async def test_a_signal_button_stops_working_when_consent_is_withdrawn(
    w: World, coach: Chat, participant: Chat
) -> None:
    await ask_contact(participant)
    await coach.receive()
    await participant.send("/privacy")
    await participant.tap("Turn off: Short signals for your coach")
    await coach.tap("I will get in touch")
    assert coach.seen[-2].text == "This question is closed."
    async with w.db.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM signal_acks") == 0


async def test_a_forged_or_foreign_signal_button_is_closed(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    ben = await w.coach("Suchtberatung Nord", "Ben Muster", chat_id=9201)
    participant = await join(w, anna, 1001)
    await ask_contact(participant)
    await anna.receive()
    token = next(token for line in anna.seen[-1].buttons for label, token in line if "touch" in label)
    await ben.press(token)
    assert ben.seen[-2].text == "This question is closed."
    await ben.press("forged-token")
    assert ben.seen[-2].text == "This question is closed."


async def test_invite_gives_a_link_when_the_bot_name_is_known(tmp_path: Path) -> None:
    from dialogs.core.config import EngineConfig

    async with world(tmp_path, EngineConfig(bot_username="companion_test_bot", invitation_days=7)) as w:
        coach = await w.coach()
        shown = await coach.send("/invite")
        assert "It works once, until November 30, 2026." in shown[0].text
        assert shown[1].text.startswith("https://t.me/companion_test_bot?start=")
        code = shown[1].text.split("start=")[1]
        participant = w.chat(1001)
        await participant.send(f"/start {code}")
        assert participant.last.text == "Please choose your language."


async def test_alerts_settings_change_the_digest_and_quiet_hours(w: World, coach: Chat) -> None:
    await coach.send("/alerts")
    assert "Daily summary of the other signals: 08:00" in coach.last.text
    assert "Quiet hours: 20:00 to 07:00" in coach.last.text
    await coach.tap("Time of the daily summary")
    await coach.tap("12:00")
    await coach.tap("Quiet hours")
    await coach.tap("No quiet hours")
    await coach.tap("Hold urgent alerts during quiet hours")
    assert "Daily summary of the other signals: 12:00" in coach.last.text
    assert "No quiet hours" in coach.last.text
    assert "wait until they end" in coach.last.text
    async with w.db.read() as tx:
        saved = await coaches.by_chat(tx, coach.chat_id)
        digests = await tx.all("SELECT due_at FROM due WHERE kind = 'digest' AND status = 'pending'")
    assert saved is not None and (saved.digest_at, saved.quiet_start, saved.urgent_in_quiet) == (
        "12:00",
        "00:00",
        False,
    )
    assert all(row[0][11:16] == "11:00" for row in digests) and len(digests) == 8  # 12:00 in Berlin
    await coach.send("typing something")
    assert "Please tap one of the buttons below." in coach.texts()


async def test_coach_help_language_and_participant_commands(coach: Chat) -> None:
    await coach.send("/help")
    help_text = coach.last.text
    assert help_text.startswith("This is your coach access.")
    for name in ("/cases", "/case", "/invite", "/alerts", "/language"):
        assert name in help_text
    assert "/mydata" not in help_text
    await coach.send("/mydata")
    assert "That is for participants." in coach.texts()
    await coach.send("/language de")
    assert "Ab jetzt schreibe ich Ihnen auf Deutsch." in coach.texts()
    await coach.send("/cases")
    assert coach.seen[-2].text.startswith("Bisher ist niemand mit Ihnen verbunden.")
    await coach.send("hello")
    assert "Bitte nutzen Sie die Knöpfe" in coach.texts()


async def test_counts_and_the_mood_trend_come_from_check_ins_and_reports(
    w: World, coach: Chat, participant: Chat
) -> None:
    from datetime import timedelta

    from storage import participants
    from storage.times import to_db

    for title in ("On how many days you checked in", "Whether your mood goes up or down"):
        await participant.tap("➕ " + title)
        await participant.tap("Yes")
    now = w.clock.now()
    async with w.db.transaction() as tx:
        person = await participants.by_chat(tx, 1001)
        assert person is not None
        # Check-ins answered 1 and 10 days ago ...
        for days_ago in (1, 10):
            moment = now - timedelta(days=days_ago)
            await tx.execute(
                "INSERT INTO checkins (participant_id, slot, day, status, open_until, answered_at)"
                " VALUES (?, 'morning', ?, 'answered', ?, ?)",
                (person.id, moment.date().isoformat(), to_db(moment), to_db(moment)),
            )
        # ... and reports 20, 18, 3 and 2 days ago: 3 of the last 7 days, 6 of the last 28.
        # Their moods, 2 and 2 before, 4 and 5 in the last two weeks: going up.
        for days_ago, mood in ((20, 2), (18, 2), (3, 4), (2, 5)):
            moment = now - timedelta(days=days_ago)
            await tx.execute(
                "INSERT INTO selfreports (participant_id, submitted_at, local_date, answers)"
                " VALUES (?, ?, ?, ?)",
                (person.id, to_db(moment), moment.date().isoformat(), f'{{"mood": {mood}}}'),
            )
    await coach.send(f"/case {await known_as(w, coach, participant)}")
    case = coach.seen[-3].text
    assert "Days with a check-in: 3 of the last 7, 6 of the last 28." in case
    assert case.splitlines()[-1] == "Mood: going up"  # a direction, never a value
