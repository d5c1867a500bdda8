"""Short and clear (issue 15): the menu is not sent again after every action, one help entry, a short
/help, and consent questions that fit on a phone screen."""

from __future__ import annotations

from dialogs import consent_texts
from dialogs.core.i18n import Translator, shipped_locales
from dialogs.features import MAIN_MENU
from tests.harness import Chat, World

SCREEN = 600


async def test_after_an_action_only_a_short_line_leads_back_to_the_menu(w: World, enrolled: Chat) -> None:
    await enrolled.send("/pause")
    await enrolled.tap("3 days")
    assert enrolled.last.text == "What would you like to do?"
    assert enrolled.last.labels == ["🆘 Help now", "☰ Menu"]
    await enrolled.tap("☰ Menu")
    assert enrolled.last.labels[0] == "🆘 Help now"
    assert "📅 Appointments" in enrolled.last.labels and "🔒 Privacy" in enrolled.last.labels
    await enrolled.tap("📅 Appointments")
    assert "appointments" in enrolled.last.text


async def test_there_is_one_help_entry_and_it_comes_first(w: World, enrolled: Chat) -> None:
    await enrolled.tap("☰ Menu")
    helpish = [label for label in enrolled.last.labels if "Help" in label or "help" in label]
    assert helpish == ["🆘 Help now"] and enrolled.last.labels[0] == "🆘 Help now"
    assert all("Help" not in entry.label for entry in MAIN_MENU)


async def test_help_is_short_and_not_followed_by_the_whole_menu(w: World, enrolled: Chat) -> None:
    shown = await enrolled.send("/help")
    assert len(shown) == 2 and all(len(s.text) <= SCREEN for s in shown)
    assert "0800 111 0 111" in shown[1].text  # the help numbers, at once
    assert shown[1].labels == ["📋 All commands", "☰ Menu"]
    shown = await enrolled.tap("📋 All commands")
    assert all(len(s.text) <= SCREEN for s in shown)
    listed = "\n".join(s.text for s in shown)
    assert "/appointments" in listed and "/privacy" in listed and "/stop" in listed
    assert shown[-1].labels == ["🆘 Help now", "☰ Menu"]


async def test_the_sharing_question_is_two_short_messages_with_the_recorded_text(w: World) -> None:
    chat = w.chat()
    await chat.send(f"/start {await w.invitation()}")
    await chat.tap("English")
    await chat.tap("Yes, I agree")
    shown = await chat.tap("Yes")
    asked, signals = shown[-2:]
    assert asked.text.startswith("May I share short signals with Jobcenter Musterstadt?")
    assert signals.text.startswith("The signals could be:") and signals.labels == ["Yes", "No"]
    scope = consent_texts.SCOPE_BY_KEY["sharing"]
    assert asked.text + "\n\n" + signals.text == consent_texts.question(
        Translator("en"), scope, "Jobcenter Musterstadt"
    )


def test_every_consent_message_fits_a_phone_screen_in_every_language() -> None:
    for locale in shipped_locales():
        tr = Translator(locale)
        messages = consent_texts.introduction_pages(tr, 90)
        for scope in (*consent_texts.SCOPES, consent_texts.LINK_SCOPE):
            messages += consent_texts.question_messages(tr, scope, "Jobcenter Musterstadt")
        assert [len(text) for text in messages if len(text) > SCREEN] == [], locale


async def test_back_to_the_menu_shows_the_whole_menu_once(w: World, enrolled: Chat) -> None:
    await enrolled.send("/info")
    assert enrolled.last.labels[0] == "🆘 Help now"  # Help now on the /info menu too
    await enrolled.tap("Back to the menu")
    assert "📅 Appointments" in enrolled.last.labels
    await enrolled.send("/pause")
    await enrolled.tap("3 days")
    assert enrolled.last.labels == ["🆘 Help now", "☰ Menu"]  # after an action: the short line again


async def test_turning_sharing_on_in_privacy_asks_in_the_same_short_messages(w: World) -> None:
    from tests.dialogs.appointment_helpers import enrol

    chat = await enrol(w, share=False)
    await chat.send("/privacy")
    await chat.tap("Turn on: Short signals for your coach")
    asked, signals = chat.seen[-2:]
    assert all(len(s.text) <= SCREEN for s in (asked, signals))
    assert asked.labels == [] and signals.labels == ["Yes", "No"]
    scope = consent_texts.SCOPE_BY_KEY["sharing"]
    assert asked.text + "\n\n" + signals.text == consent_texts.question(
        Translator("en"), scope, "Jobcenter Musterstadt"
    )


async def test_back_to_the_menu_from_appointments_shows_the_menu_like_the_other_features(
    w: World, enrolled: Chat
) -> None:
    for command in ("/appointments", "/pause"):
        await enrolled.send(command)
        await enrolled.tap("Back to the menu" if command == "/appointments" else "Cancel")
        assert enrolled.last.labels[0] == "🆘 Help now"
        assert "📅 Appointments" in enrolled.last.labels and "🔒 Privacy" in enrolled.last.labels


async def test_help_now_comes_first_on_every_menu_and_submenu(w: World, enrolled: Chat) -> None:
    for command in ("/appointments", "/info", "/settings", "/privacy"):
        await enrolled.send(command)
        assert enrolled.last.labels[0] == "🆘 Help now", command
