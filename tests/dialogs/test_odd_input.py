"""Whatever people (or broken clients) send: a short kind answer, the question again, nothing lost."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.events import Event, EventKind
from dialogs.sanitize import clean
from tests.dialogs.test_enrolment import enrol
from tests.harness import world


async def test_a_redelivered_update_changes_nothing_and_sends_nothing(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        chat = w.chat()
        code = await w.invitation()
        first = await chat.send(f"/start {code}", update_id=77)
        again = await chat.send(f"/start {code}", update_id=77)
        assert len(first) == 1 and again == []
        assert chat.last_outcome.duplicate
        assert await w.count("handled_updates") == 1


async def test_forged_and_foreign_buttons_get_the_closed_answer_and_the_current_menu(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
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


async def test_a_button_from_an_earlier_question_is_closed(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        chat = w.chat()
        await chat.send(f"/start {await w.invitation()}")
        language_token = chat.last.buttons[0][0][1]
        await chat.tap("English")
        shown = await chat.press(language_token)
        assert shown[0].text == "This question is closed."
        assert shown[-1].labels == ["Yes, I agree", "No, thanks"]


async def test_a_button_pressed_by_a_stranger_is_closed_and_stores_nothing(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        shown = await w.chat(99).press("whatever")
        assert [s.text for s in shown] == ["This question is closed."]
        assert await w.count("conversations") == 0


async def test_unknown_commands_stickers_and_edits_get_a_kind_word_and_the_question_again(
    tmp_path: Path,
) -> None:
    async with world(tmp_path) as w:
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


async def test_group_chats_get_one_sentence_and_nothing_is_stored(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        shown = await w.chat(-100123).unsupported("group")
        assert [s.text for s in shown] == ["I only talk in private chats. Please write to me directly."]
        assert await w.count("conversations") == 0


async def test_overlong_text_is_refused_kindly_and_the_question_stays(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        chat = w.chat()
        await enrol(w, chat)
        shown = await chat.send("x" * 5000)
        assert shown[0].text == "Your message is too long for me. Please write a shorter one."
        assert shown[-1].text == "What would you like to do?"


async def test_control_and_bidi_characters_are_removed_before_anything_reads_the_text() -> None:
    assert clean("\u202eevil\u202c \x00text\x07 ok") == "evil text ok"
    assert clean("emoji 👩‍👩‍👧 stays") == "emoji 👩‍👩‍👧 stays"
    assert clean("  \n ") == ""


async def test_a_message_of_only_control_characters_is_answered(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        chat = w.chat()
        await enrol(w, chat)
        shown = await chat.send("\u202e\u200f\x01")
        assert shown[0].text.startswith("I could not read that message.")


events = st.one_of(
    st.builds(lambda t: ("text", t), st.text(max_size=5000)),
    st.builds(
        lambda c, a: ("command", f"/{c} {a}"),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz_@", min_size=1, max_size=40),
        st.text(max_size=200),
    ),
    st.builds(lambda t: ("press", t), st.text(max_size=80)),
    st.sampled_from([("unsupported", kind) for kind in ("sticker", "photo", "voice", "edited", "group")]),
    st.sampled_from(
        [("tap", label) for label in ("English", "Yes", "No", "Yes, I agree", "Privacy", "Help")]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=st.lists(events, max_size=12))
def test_any_sequence_of_input_always_gets_an_answer_and_keeps_storage_consistent(
    script: list[tuple[str, str]],
) -> None:
    import asyncio

    async def run() -> None:
        with tempfile.TemporaryDirectory() as folder:
            async with world(Path(folder)) as w:
                chat = w.chat()
                await chat.send(f"/start {await w.invitation()}")
                for kind, value in script:
                    if kind == "tap":
                        labels = [
                            label for shown in chat.seen[-3:] for label in shown.labels if value in label
                        ]
                        if not labels:
                            continue
                        shown = await chat.tap(value)
                    elif kind == "press":
                        shown = await chat.press(value)
                    elif kind == "unsupported":
                        shown = await chat.deliver(
                            Event(chat.chat_id, EventKind.UNSUPPORTED, unsupported=value)
                        )
                    else:
                        shown = await chat.send(value)
                    assert shown, f"no answer to {kind} {value!r}"
                    assert not chat.last_outcome.failed
                    assert all(0 < len(s.text) <= 4096 for s in shown)
                    assert all(
                        len(token.encode()) <= 64 for s in shown for line in s.buttons for _, token in line
                    )
                async with w.db.read() as tx:
                    assert await tx.scalar("PRAGMA integrity_check") == "ok"
                    assert await tx.all("PRAGMA foreign_key_check") == []

    asyncio.run(run())
