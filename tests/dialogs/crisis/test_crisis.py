"""Crisis help in the conversation: the card for /sos, the help button and crisis words; contact requests."""

from __future__ import annotations

from pathlib import Path

from dialogs.core.config import EngineConfig
from dialogs.core.events import SOS_TOKEN
from storage import selfreports
from storage.sealing import new_key
from tests.dialogs.enrolment_helpers import enrol
from tests.dialogs.signals.test_signals import kinds
from tests.harness import World, world

NUMBERS = ("112", "0800 111 0 111", "0800 111 0 222", "01806 313031")
DISMISSIVE = ("no thanks", "close", "i am fine", "i'm fine", "cancel", "back", "not now")


def assert_card(text: str) -> None:
    for number in NUMBERS:
        assert number in text, number


async def test_sos_shows_the_card_with_a_contact_button_and_nothing_to_dismiss_it(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, sharing=True)
    await chat.send("/sos")
    assert_card(chat.last.text)
    assert "Shall I ask Jobcenter Musterstadt to contact you today?" in chat.last.text
    assert chat.last.labels == ["📞 Please contact me (Jobcenter Musterstadt)"]
    assert not any(word in label.lower() for label in chat.last.labels for word in DISMISSIVE)
    assert await w.count("signals") == 0  # the card alone tells nobody
    await chat.tap("Please contact me")
    assert "I will let Jobcenter Musterstadt know that you would like to be contacted" in chat.last.text
    assert "call 112" in chat.last.text
    assert await kinds(w) == [("contact_requested", None)]
    await chat.tap("Please contact me")  # twice in a row: one signal, the same honest answer
    assert "I will let Jobcenter Musterstadt know that you would like to be contacted" in chat.last.text
    assert await kinds(w) == [("contact_requested", None)]


async def test_without_sharing_the_tap_reads_the_consent_first(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, sharing=False)
    await chat.send("/sos")
    await chat.tap("Please contact me")
    assert "May I share short signals" in chat.seen[-2].text  # the consent text is read before saying yes
    assert await w.count("signals") == 0
    await chat.tap("Yes")
    assert "would like to be contacted" in chat.last.text
    assert await kinds(w) == [("contact_requested", None)]

    other = w.chat(2002)
    await enrol(w, other, sharing=False)
    await other.send("/sos")
    await other.tap("Please contact me")
    await other.tap("No")
    assert "Okay. Your coach will not be told." in other.texts()
    assert await kinds(w) == [("contact_requested", None)]


async def test_the_crisis_consent_alone_tells_nobody_that_the_card_was_shown(w: World) -> None:
    consenting = w.chat(1001)
    await enrol(w, consenting, sharing=True)
    shown = [
        *await consenting.send("/sos"),
        *await consenting.send("ich will nicht mehr leben"),
        *await consenting.press(SOS_TOKEN),
    ]
    assert len(shown) == 3 and all("Shall I ask Jobcenter Musterstadt" in s.text for s in shown)
    assert not any("will learn" in s.text or "crisis help" in s.text for s in shown)
    assert await w.count("signals") == 0


async def test_crisis_words_answer_everyone_in_every_state(w: World) -> None:
    stranger = w.chat(3003)
    await stranger.send("أريد أن أموت")
    assert_card(stranger.last.text)
    assert stranger.last.labels == []  # no coach to contact yet
    enrolling = w.chat(3004)
    await enrolling.send(f"/start {await w.invitation()}")
    await enrolling.tap("English")
    await enrolling.send("I want to kill myself")
    assert_card(enrolling.last.text)
    participant = w.chat(3005)
    await enrol(w, participant)
    await participant.send("x" * 5000 + " suicide")  # too long for anything else, never for help
    assert_card(participant.last.text)
    await participant.send("/stop")
    await participant.send("хочу умереть")
    assert_card(participant.last.text)
    for chat in (stranger, enrolling, participant):
        assert "message is too long" not in chat.last.text


async def test_the_help_button_works_with_its_fixed_token(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    assert chat.last.buttons[0][0] == ("🆘 Help now", SOS_TOKEN)
    await chat.tap("Help now")
    assert_card(chat.last.text)
    stranger = w.chat(4004)
    await stranger.press(SOS_TOKEN)
    assert_card(stranger.last.text)


async def test_crisis_words_in_a_note_keep_the_note_and_show_the_card(tmp_path: Path) -> None:
    async with world(tmp_path, EngineConfig(encryption_keys=(new_key(),))) as w:
        chat = w.chat()
        await enrol(w, chat)
        await chat.send("/report")
        for _ in range(5):
            await chat.tap("Skip")
        assert "anything else you want to note" in chat.last.text
        await chat.send("Ich will nicht mehr leben")
        assert "Thank you. I saved your answers." in chat.texts()
        assert_card(chat.last.text)
        async with w.db.read() as tx:
            assert len(await selfreports.sealed_notes(tx)) == 1


async def test_a_changed_consent_text_never_stands_between_a_person_and_help(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat, sharing=True)
    await chat.send("/sos")
    async with w.db.transaction() as tx:
        await tx.execute("UPDATE consents SET text_sha256 = 'older' WHERE scope = 'sharing'")
    await chat.tap("Please contact me")
    assert "would like to be contacted" in chat.last.text
    await chat.send("I want to die")
    assert_card(chat.last.text)


async def test_help_includes_the_card(w: World) -> None:
    chat = w.chat()
    await chat.send("/help")
    assert_card(chat.last.text)


async def test_the_card_adds_local_crisis_services_of_the_participants_region(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    async with w.db.transaction() as tx:
        await tx.execute("UPDATE participants SET region = 'bochum'")
    await chat.send("/sos")
    card = chat.last.text
    assert_card(card)
    near = card.split("Near you:")[1]
    assert "Sozialpsychiatrischer Dienst der Stadt Bochum: 0234 910-3201" in near
    assert "116 123" not in card  # TelefonSeelsorge is on the card already; no national line near you
    assert "0800 111 0 111" not in near  # numbers already on the card are not repeated
    stranger = w.chat(2002)
    await stranger.send("/sos")
    assert "Bochum" not in stranger.last.text and "Near you:" not in stranger.last.text  # national only


async def test_the_card_comes_without_the_information_content_too(tmp_path: Path) -> None:
    async with world(tmp_path, EngineConfig(info_root=tmp_path / "missing")) as w:
        chat = w.chat()
        await chat.send("/sos")
        assert_card(chat.last.text)
        assert "Near you:" not in chat.last.text


async def test_an_old_yes_to_crisis_alerts_asks_nothing_again_and_tells_no_coach(w: World) -> None:
    """The crisis-alert question is gone (issue 14): its old answers stay on record and do nothing."""
    chat = w.chat()
    await enrol(w, chat, sharing=True)
    async with w.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO consents (participant_id, scope, granted, text_version, text_sha256, locale, at,"
            " organisation_id) SELECT participant_id, 'crisis', 1, text_version, text_sha256, locale, at,"
            " organisation_id FROM consents WHERE scope = 'sharing'"
        )
    await chat.send("/privacy")
    assert "Something in my privacy information has changed" not in chat.texts()
    assert "crisis help" not in chat.last.text
    await chat.send("/sos")
    assert_card(chat.last.text)
    assert await w.count("signals") == 0
