"""/info: topics in plain language, help near the participant, the glossary, and a search by typed word."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from dialogs.core.config import INFO_CONTENT_ROOT
from dialogs.core.i18n import Translator
from dialogs.info import conversation
from dialogs.info.conversation import content
from dialogs.info.loading import load_info_content
from dialogs.info.schema import Entry
from storage import invitations
from tests.harness import Chat, World


async def read_topic(chat: Chat, title: str, locale: str = "en", too_long: list[str] | None = None) -> str:
    """Tap a topic and read all its pages (each at most a phone screen, "Next ▶" to the next); pages
    longer than that are noted in `too_long` if given, else they fail the test."""
    pages = [(await chat.tap(title))[-1]]
    more = Translator(locale)("Next ▶")
    while more in pages[-1].labels:
        pages.append((await chat.tap(more))[-1])
    long = [
        f"{locale} {title}: {len(page.text)} {page.text[:60]!r}" for page in pages if len(page.text) > 600
    ]
    if too_long is None:
        assert long == []
    else:
        too_long += long
    return "\n\n".join(page.text for page in pages)


async def enrol_in(w: World, chat: Chat, region: str | None, language: str = "English") -> None:
    async with w.db.transaction() as tx:
        code = (await invitations.create(tx, w.clock.now(), timedelta(days=14), region=region)).code
    await chat.send(f"/start {code}")
    await chat.tap(language)
    await chat.tap("Yes, I agree" if language == "English" else "Ja, einverstanden")
    await chat.tap("No" if language == "English" else "Nein")
    await chat.tap("No" if language == "English" else "Nein")
    await chat.tap("No" if language == "English" else "Nein")
    await chat.tap("Set up later" if language == "English" else "Später einrichten")


async def test_info_lists_every_topic_and_shows_help_in_the_region_of_the_invitation(w: World) -> None:
    chat = w.chat()
    await enrol_in(w, chat, "bochum")
    await chat.send("/info")
    titles = [topic.title for topic in content().topics("en").value]
    assert len(titles) == 10 and all(title in chat.last.labels for title in titles)
    assert "📍 Region: " + content().region_name("bochum", "en") in chat.last.labels
    addiction = content().topic("mental_health", "en")
    assert addiction is not None
    shown = await read_topic(chat, addiction.value.title)
    bochum = [e for e in content().entries("mental_health", "en", "bochum").value if e.region == "bochum"]
    assert bochum and bochum[0].name in shown
    assert "0800 111 0 111" in shown  # the national crisis line is there too
    assert all(len(s.text) <= 4096 for s in chat.seen)


async def test_the_participant_can_choose_their_region(w: World) -> None:
    chat = w.chat()
    await enrol_in(w, chat, None)
    await chat.send("/info")
    assert "📍 Region: Germany" in chat.last.labels
    await chat.tap("📍 Region")
    await chat.tap(content().region_name("uckermark", "en"))
    assert "📍 Region: " + content().region_name("uckermark", "en") in chat.last.labels
    await chat.tap("📍 Region")
    await chat.tap("Somewhere else in Germany")
    assert "📍 Region: Germany" in chat.last.labels


async def test_the_glossary_explains_job_centre_words(w: World) -> None:
    chat = w.chat()
    await enrol_in(w, chat, None)
    await chat.send("/info")
    await chat.tap("Words from the job centre")
    await chat.tap("Widerspruch")
    assert chat.last.text.startswith("📖 Widerspruch")
    assert len(chat.last.text.splitlines()) >= 2


async def test_typing_a_word_finds_topics_in_the_participants_language(w: World) -> None:
    english, german = w.chat(1), w.chat(2)
    await enrol_in(w, english, None)
    await enrol_in(w, german, None, language="Deutsch")
    debts_en = content().topic("debts", "en")
    debts_de = content().topic("debts", "de")
    assert debts_en is not None and debts_de is not None
    await english.send("debt")
    assert english.last.text == "This is what I found:" and debts_en.value.title in english.last.labels
    await german.send("Schulden")
    assert german.last.text == "Das habe ich gefunden:" and debts_de.value.title in german.last.labels
    await german.send("/info Schuldnn")  # a small misspelling still finds it
    assert debts_de.value.title in german.last.labels
    await english.send("xyzzy plugh")
    assert english.seen[-2].text == "I found nothing for that word. Please choose a topic."
    at_menu = w.chat(3)
    await enrol_in(w, at_menu, None)
    await at_menu.send("xyzzy plugh")
    assert at_menu.seen[-2].text.startswith("I did not understand that.")


async def test_content_only_in_german_carries_the_marker(w: World) -> None:
    chat = w.chat()
    await enrol_in(w, chat, "leverkusen")
    entries = content().entries("addiction", "en", "leverkusen")
    await chat.send("/info")
    topic = content().topic("addiction", "en")
    assert topic is not None
    await chat.tap(topic.value.title)
    if entries.fallback:
        assert any(s.text.startswith("🌐") for s in chat.seen[-3:])
    else:
        assert not any("🌐" in s.text for s in chat.seen[-3:])


async def test_search_in_arabic_and_ukrainian(w: World) -> None:
    for chat_id, language, hint, answers, word in (
        (11, "العربية", "ar", ("نعم، أوافق", "لا", "لا", "لا"), "ديون"),
        (12, "Українська", "uk", ("Так, погоджуюся", "Ні", "Ні", "Ні"), "борги"),
    ):
        chat = w.chat(chat_id, language_hint=hint)
        await chat.send(f"/start {await w.invitation()}")
        await chat.tap(language)
        for answer in answers:
            await chat.tap(answer)
        await chat.tap(Translator(hint)("Set up later"))  # check-in times: not now
        await chat.send(word)
        debts = content().topic("debts", hint)
        assert debts is not None and debts.lang == hint
        assert debts.value.title in chat.last.labels, chat.transcript()


async def enrol_in_arabic(w: World, chat: Chat, region: str) -> None:
    async with w.db.transaction() as tx:
        code = (await invitations.create(tx, w.clock.now(), timedelta(days=14), region=region)).code
    await chat.send(f"/start {code}")
    await chat.tap("العربية")
    for answer in ("نعم، أوافق", "لا", "لا", "لا"):
        await chat.tap(answer)
    await chat.tap(Translator("ar")("Set up later"))


def _untranslated_entries_are_marked(shown: str, entries: list[Entry], lang: str) -> list[str]:
    """The names of entries shown in German to a reader of `lang` without the marker right before them."""
    unmarked = []
    for entry in entries:
        if entry.lang == lang:
            continue
        at = shown.find(entry.name)
        assert at >= 0, entry.name
        before = shown[:at].rsplit("\n\n", 1)[-1]
        if "🌐" not in before:
            unmarked.append(entry.name)
    return unmarked


async def test_an_arabic_reader_is_told_when_a_local_entry_is_in_german(
    w: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One entry of a topic in German among translated ones: that entry carries the marker, visibly."""
    root = tmp_path / "info"
    shutil.copytree(INFO_CONTENT_ROOT, root)
    path = root / "regions" / "bochum" / "ar.toml"
    text = path.read_text(encoding="utf-8")
    if 'id = "resolvenz-buero"' in text:  # keep one debts entry translated, drop the other
        start = text.index('[[entry]]\nid = "schuldnerberatung-weitere"')
        end = text.find("[[entry]]", start + 1)
        path.write_text(text[:start] + (text[end:] if end >= 0 else ""), encoding="utf-8")
    loaded = load_info_content(root)
    monkeypatch.setattr(conversation, "content", lambda: loaded)
    chat = w.chat(21, language_hint="ar")
    await enrol_in_arabic(w, chat, "bochum")
    await chat.send("/info")
    debts = loaded.topic("debts", "ar")
    assert debts is not None
    shown = await read_topic(chat, debts.value.title, "ar")
    entries = loaded.entries("debts", "ar", "bochum").value
    assert any(e.lang != "ar" for e in entries)
    assert _untranslated_entries_are_marked(shown, entries, "ar") == [], chat.transcript()


async def test_shipped_local_help_is_arabic_or_marked_in_every_topic(w: World) -> None:
    chat = w.chat(22, language_hint="ar")
    await enrol_in_arabic(w, chat, "bochum")
    for topic in content().topics("ar").value:
        await chat.send("/info")
        shown = await read_topic(chat, topic.title, "ar")
        entries = content().entries(topic.key, "ar", "bochum").value
        assert _untranslated_entries_are_marked(shown, entries, "ar") == [], (topic.key, chat.transcript())


@pytest.mark.parametrize("region", [None, "bochum", "leverkusen", "uckermark", "berlin-lichtenberg"])
async def test_every_topic_page_fits_a_phone_screen_in_every_language(w: World, region: str | None) -> None:
    """A topic with its local help comes in pages of at most 600 characters, in every shipped language."""
    from dialogs.info.schema import SHIPPED_LANGUAGES

    chat, too_long = w.chat(), list[str]()
    await enrol_in(w, chat, region)
    for lang in SHIPPED_LANGUAGES:
        await chat.send(f"/language {lang}")
        for topic in content().topics(lang).value:
            await chat.send("/info")
            shown = await read_topic(chat, topic.title, lang, too_long)
            for entry in content().entries(topic.key, lang, region).value:
                assert entry.name in shown, (lang, topic.key, entry.name)
    assert too_long == [], "\n".join(too_long)
