"""The language can be typed by its name in any language, and before joining the bot speaks Telegram's."""

from __future__ import annotations

import pytest

from dialogs.core.i18n import Translator, native_name
from dialogs.participation.language_names import locale_named
from tests.dialogs.enrolment_helpers import enrol
from tests.harness import Chat, World

NEED_INVITATION = (
    "To use this companion you need an invitation link from your coach. Please ask your coach for one."
)


@pytest.mark.parametrize(
    ("typed", "locale"),
    [
        ("Deutsch", "de"),
        ("german", "de"),
        ("Almanca", "de"),
        ("arabic", "ar"),
        ("العربية", "ar"),
        ("عربي", "ar"),
        ("українська", "uk"),
        ("Ukrainisch", "uk"),
        ("farsi", "fa"),
        ("Dari", "fa"),
        ("فارسی", "fa"),
        ("دری", "fa"),
        ("Persisch", "fa"),
        ("Türkçe", "tr"),
        ("turkce", "tr"),
        ("Русский язык", "ru"),
        ("polski", "pl"),
        ("romana", "ro"),
        ("български", "bg"),
        ("English, please", "en"),
        ("uk", "uk"),
    ],
)
def test_a_language_is_found_by_its_name_in_any_language(typed: str, locale: str) -> None:
    assert locale_named(typed) == locale


@pytest.mark.parametrize("typed", ["hello", "", "Klingon", "Deutsch oder Englisch", "de la"])
def test_other_words_name_no_language(typed: str) -> None:
    assert locale_named(typed) is None


@pytest.mark.parametrize(("hint", "locale"), [("uk", "uk"), ("ar", "ar"), ("fa-IR", "fa"), ("pt-BR", "de")])
async def test_a_stranger_is_answered_in_telegrams_language(w: World, hint: str, locale: str) -> None:
    """A language not shipped (Portuguese) falls back to the default language, German."""
    chat = w.chat(language_hint=hint)
    await chat.send("hello")
    assert chat.last.text == Translator(locale)(NEED_INVITATION)


async def test_the_invitation_asks_for_the_language_in_telegrams_language(w: World) -> None:
    chat = w.chat(language_hint="uk")
    await chat.send(f"/start {await w.invitation()}")
    assert chat.last.text == Translator("uk")("Please choose your language.")
    assert chat.last.labels[0] == "✓ " + native_name("uk")


@pytest.mark.parametrize(("typed", "locale"), [("Deutsch", "de"), ("arabic", "ar"), ("dari", "fa")])
async def test_joining_continues_in_a_language_typed_by_name(w: World, typed: str, locale: str) -> None:
    chat = w.chat(language_hint="uk")
    await chat.send(f"/start {await w.invitation()}")
    await chat.send(typed)
    tr = Translator(locale)
    assert chat.last.labels == [tr("Next ▶")]  # the consent's first page, in the language typed
    for label in (tr("Yes, I agree"), tr("Yes"), tr("No"), tr("Set up later")):
        await chat.tap(label)
    async with w.db.read() as tx:
        assert await tx.scalar("SELECT locale FROM participants") == locale


async def test_joining_with_a_word_that_names_no_language_asks_again(w: World) -> None:
    chat = w.chat(language_hint="uk")
    await chat.send(f"/start {await w.invitation()}")
    shown = await chat.send("привіт")
    tr = Translator("uk")
    assert [m.text for m in shown] == [
        tr("Please tap one of the buttons below."),
        tr("Please choose your language."),
    ]


async def choose_language(chat: Chat, typed: str) -> str:
    async with chat.env.db.read() as tx:
        before = await tx.scalar("SELECT locale FROM participants")
    await chat.send(typed)
    async with chat.env.db.read() as tx:
        return str(await tx.scalar("SELECT locale FROM participants")) if before else ""


async def test_a_participant_switches_by_typing_the_name(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    await chat.send("/language")
    assert await choose_language(chat, "Türkçe") == "tr"
    assert Translator("tr")("From now on I will write to you in English.") in chat.texts()
    assert await choose_language(chat, "/language farsi") == "fa"
    assert await choose_language(chat, "/language Українська") == "uk"


async def test_a_name_the_bot_does_not_know_changes_nothing(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    await chat.send("/language")
    assert await choose_language(chat, "Klingon") == "en"
    assert "I do not have the language “Klingon”." in chat.texts()
    assert chat.last.text == "Please choose your language."
