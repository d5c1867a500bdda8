"""Whatever people (or broken clients) send: a short kind answer, the question again, nothing lost."""

from __future__ import annotations

from dialogs.core.sanitize import clean
from tests.dialogs.enrolment_helpers import enrol
from tests.harness import World


async def test_a_redelivered_update_changes_nothing_and_sends_nothing(w: World) -> None:
    chat = w.chat()
    code = await w.invitation()
    first = await chat.send(f"/start {code}", update_id=77)
    again = await chat.send(f"/start {code}", update_id=77)
    assert len(first) == 1 and again == []
    assert chat.last_outcome.duplicate
    assert await w.count("handled_updates") == 1


async def test_forged_and_foreign_buttons_get_the_closed_answer_and_the_current_menu(w: World) -> None:
    alice, bob = w.chat(1), w.chat(2)
    await enrol(w, alice)
    await enrol(w, bob)
    await alice.send("/delete")
    alices_erase_token = next(token for label, token in alice.last.buttons[0] if "Yes" in label)
    shown = await bob.press(alices_erase_token)  # Bob's client sends Alice's token
    assert shown[0].text == "This question is closed."
    assert shown[-1].text == "What would you like to do?"
    shown = await bob.press("forged-token-xyz")
    assert shown[0].text == "This question is closed."
    assert await w.count("participants") == 2


async def test_a_button_from_an_earlier_question_is_closed(w: World) -> None:
    chat = w.chat()
    await chat.send(f"/start {await w.invitation()}")
    language_token = chat.last.buttons[0][0][1]
    await chat.tap("English")
    shown = await chat.press(language_token)
    assert shown[0].text == "This question is closed."
    assert shown[-1].labels == ["Next ▶"]  # the introduction's first page again


async def test_a_button_pressed_by_a_stranger_is_closed_and_stores_nothing(w: World) -> None:
    shown = await w.chat(99).press("whatever")
    assert [s.text for s in shown] == ["This question is closed."]
    assert await w.count("conversations") == 0


async def test_unknown_commands_stickers_and_edits_get_a_kind_word_and_the_question_again(
    w: World,
) -> None:
    chat = w.chat()
    await enrol(w, chat)
    shown = await chat.send("/frobnicate now")
    assert shown[0].text == "I do not know the command /frobnicate. Write /help to see what I can do."
    assert shown[-1].text == "What would you like to do?"
    shown = await chat.unsupported("sticker")
    assert shown[0].text.startswith("I can only read text and buttons.")
    assert shown[-1].text == "What would you like to do?"
    shown = await chat.unsupported("edited")
    assert shown[0].text.startswith("I cannot read changed messages.")


async def test_group_chats_get_one_sentence_and_nothing_is_stored(w: World) -> None:
    shown = await w.chat(-100123).unsupported("group")
    assert [s.text for s in shown] == ["I only talk in private chats. Please write to me directly."]
    assert await w.count("conversations") == 0


async def test_overlong_text_is_refused_kindly_and_the_question_stays(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    shown = await chat.send("x" * 5000)
    assert shown[0].text == "Your message is too long for me. Please write a shorter one."
    assert shown[-1].text == "What would you like to do?"


async def test_control_and_bidi_characters_are_removed_before_anything_reads_the_text() -> None:
    assert clean("\u202eevil\u202c \x00text\x07 ok") == "evil text ok"
    assert clean("emoji 👩‍👩‍👧 stays") == "emoji 👩‍👩‍👧 stays"
    assert clean("  \n ") == ""


async def test_a_message_of_only_control_characters_is_answered(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    shown = await chat.send("\u202e\u200f\x01")
    assert shown[0].text.startswith("I could not read that message.")
