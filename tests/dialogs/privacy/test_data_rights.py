"""A participant's rights: see and change consent, stop at once, take their data, delete everything."""

from __future__ import annotations

import json

from storage import outbox, participants, personal_data
from tests.dialogs.enrolment_helpers import enrol
from tests.harness import Chat, World


async def test_privacy_shows_each_consent_and_changes_an_optional_one(w: World, enrolled: Chat) -> None:
    await enrolled.send("/privacy")
    assert "✅ Check-ins and reminders" in enrolled.last.text
    assert "⬜ Short signals for your coach" in enrolled.last.text
    await enrolled.tap("Turn on: Short signals")
    assert "The signals could be:" in enrolled.last.text  # the full text is read again before saying yes
    await enrolled.tap("Yes")
    assert "“Short signals for your coach” is now on." in enrolled.texts()
    assert "✅ Short signals for your coach" in enrolled.last.text
    await enrolled.tap("Turn off: Storing how you are")
    assert "⬜ Storing how you are" in enrolled.last.text
    await enrolled.tap("Show my consent history")
    history = enrolled.seen[-2].text
    assert history.count("Short signals for your coach") == 2 and history.count("Storing how you are") == 2
    async with w.db.read() as tx:
        granted = await tx.all("SELECT scope, granted FROM consents ORDER BY id")
    assert [(r[0], r[1]) for r in granted][-2:] == [("sharing", 1), ("selfreports", 0)]


async def test_stop_withdraws_at_once_and_nothing_is_sent_again(w: World, enrolled: Chat) -> None:
    async with w.db.transaction() as tx:
        participant = await participants.by_chat(tx, enrolled.chat_id)
        assert participant is not None
        await outbox.enqueue(
            tx,
            chat_id=enrolled.chat_id,
            participant_id=participant.id,
            text="a planned message",
            buttons=[],
            attachment=None,
            not_before=w.clock.now(),
            now=w.clock.now(),
        )
    await enrolled.send("/stop")
    assert enrolled.seen[-2].text.startswith("You have stopped.")
    assert "a planned message" not in enrolled.texts()
    async with w.db.read() as tx:
        participant = await participants.by_chat(tx, enrolled.chat_id)
        assert participant is not None and participant.status.value == "stopped"
        granted = await tx.scalar(
            "SELECT COUNT(*) FROM consents c WHERE granted = 1 AND id = (SELECT MAX(id) FROM consents"
            " WHERE scope = c.scope)"
        )
    assert granted == 0
    await enrolled.send("/privacy")
    assert "⬜ Check-ins and reminders" in enrolled.last.text
    await enrolled.send("hello")
    assert "Turn on" not in " ".join(enrolled.last.labels)


async def test_someone_who_stopped_can_take_part_again_with_start(w: World, enrolled: Chat) -> None:
    await enrolled.send("/stop")
    await enrolled.send("/stop")
    assert "You have already stopped." in enrolled.last.text
    await enrolled.send("/start")
    assert "Welcome back!" in enrolled.texts()
    await enrolled.tap("Yes, I agree")
    await enrolled.tap("No")
    await enrolled.tap("No")
    await enrolled.tap("No")
    assert "Thank you. Your choices are saved." in enrolled.texts()
    async with w.db.read() as tx:
        participant = await participants.by_chat(tx, enrolled.chat_id)
    assert participant is not None and participant.status.value == "active"


async def test_mydata_sends_every_stored_row_as_json(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, selfreports=True, sharing=True)
    await chat.send("/mydata")
    shown = next(s for s in chat.seen if s.attachment_name)
    assert shown.attachment_name is not None and shown.attachment_name.startswith("mydata-P-")
    assert shown.attachment is not None
    document = json.loads(shown.attachment)
    tables = document["tables"]
    assert tables["participants"][0]["pseudonym"] == document["pseudonym"]
    scopes = [c["scope"] for c in tables["consents"]]
    assert scopes == ["checkins", "selfreports", "link", "sharing"]
    assert "conversations" in tables


async def test_delete_asks_twice_and_no_keeps_everything(w: World, enrolled: Chat) -> None:
    await enrolled.send("/delete")
    assert "cannot be undone" in enrolled.last.text
    await enrolled.tap("No, keep my data")
    assert "nothing was deleted" in enrolled.seen[-2].text
    assert await w.count("participants") == 1


async def test_delete_removes_every_row_and_reenrolment_needs_a_new_invitation(w: World) -> None:
    chat = w.chat()
    code = await w.invitation()
    await chat.send(f"/start {code}")
    await chat.tap("English")
    await chat.tap("Yes, I agree")
    await chat.tap("Yes")
    await chat.tap("Yes")
    await chat.tap("Yes")
    async with w.db.read() as tx:
        participant = await participants.by_chat(tx, chat.chat_id)
    assert participant is not None
    await chat.send("/delete")
    await chat.tap("Yes, delete everything")
    assert chat.last.text.startswith("Everything about you is deleted.")
    async with w.db.read() as tx:
        assert await personal_data.remaining(tx, participant.id, chat.chat_id) == {}
        assert await tx.scalar("SELECT COUNT(*) FROM invitations WHERE participant_id IS NOT NULL") == 0
    await chat.send(f"/start {code}")
    assert chat.last.text.startswith("This invitation has already been used.")
    await chat.send(f"/start {await w.invitation()}")
    assert chat.last.text == "Please choose your language."


async def test_erased_sentinels_are_gone_from_the_database_file(w: World) -> None:
    """Values given during enrolment are absent from the file after /delete and a WAL checkpoint.

    (Joined without a coach: with one, the audit log keeps the pseudonym by design, see test_coach_alerts.)
    """
    chat = w.chat()
    await chat.send(f"/start {await w.invitation(coach=False)}")
    await chat.tap("English")
    await chat.tap("Yes, I agree")
    await chat.tap("Yes")
    async with w.db.read() as tx:
        participant = await participants.by_chat(tx, chat.chat_id)
    assert participant is not None
    sentinels = [participant.pseudonym.encode()]
    # Text typed during enrolment is never stored; a pseudonym is, until erasure.
    await chat.send("SENTINEL-TYPED-7f3a")
    await chat.send("/mydata")
    await chat.send("/delete")
    await chat.tap("Yes, delete everything")
    await w.db.checkpoint()
    raw = w.path.read_bytes() + (
        w.path.with_name(w.path.name + "-wal").read_bytes()
        if w.path.with_name(w.path.name + "-wal").exists()
        else b""
    )
    for sentinel in [*sentinels, b"SENTINEL-TYPED-7f3a"]:
        assert sentinel not in raw, sentinel


async def test_a_changed_consent_text_is_asked_again_before_anything_else(w: World, enrolled: Chat) -> None:
    async with w.db.transaction() as tx:
        await tx.execute("UPDATE consents SET text_sha256 = 'an-older-text' WHERE scope = 'selfreports'")
    await enrolled.send("/privacy")
    assert "Something in my privacy information has changed." in enrolled.texts()
    assert enrolled.last.text.startswith("May I store your answers")
    await enrolled.send("/help")  # help and data rights still work meanwhile
    assert "0800 111 0 111" in enrolled.seen[-2].text
    await enrolled.tap("Yes")
    assert "Thank you. Your choices are saved." in enrolled.texts()
    await enrolled.send("/privacy")
    assert "Your choices:" in enrolled.last.text


async def test_declining_the_required_scope_again_stops_participation(w: World, enrolled: Chat) -> None:
    async with w.db.transaction() as tx:
        await tx.execute("UPDATE consents SET text_sha256 = 'an-older-text' WHERE scope = 'checkins'")
    await enrolled.send("hi")
    assert enrolled.last.labels == ["Next ▶"]  # the changed text is read again, page by page
    await enrolled.tap("No, thanks")
    await enrolled.tap("No, thanks")
    assert "You have stopped." in enrolled.texts()


async def test_language_command_switches_every_later_message(w: World, enrolled: Chat) -> None:
    await enrolled.send("/language")
    await enrolled.tap("Deutsch")
    assert "Ab jetzt schreibe ich Ihnen auf Deutsch." in enrolled.texts()
    await enrolled.send("/language xx")
    assert "Die Sprache „xx“ habe ich nicht." in enrolled.texts()
    await enrolled.send("/language en")
    assert enrolled.seen[-2].text == "From now on I will write to you in English."
