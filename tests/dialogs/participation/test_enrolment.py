"""Joining with an invitation: language, consent per scope, declines, wrong codes."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from dialogs import consent_texts
from dialogs.core.i18n import Translator
from tests.harness import Chat, World


async def stored_people(w: World) -> dict[str, int]:
    return {table: await w.count(table) for table in ("participants", "consents", "conversations")}


NOTHING = {"participants": 0, "consents": 0, "conversations": 0}


async def test_full_enrolment_records_each_scope_with_the_hash_of_the_text_shown(
    w: World, enrolled: Chat
) -> None:
    assert "Welcome! Your pseudonym is P-" in enrolled.texts()
    assert enrolled.last.labels[0] == "🆘 Help now"
    async with w.db.read() as tx:
        rows = await tx.all(
            "SELECT scope, granted, text_version, text_sha256, locale FROM consents ORDER BY id"
        )
    assert [(r["scope"], r["granted"]) for r in rows] == [
        ("checkins", 1),
        ("selfreports", 1),
        ("link", 1),  # joined with a coach's invitation: connected with that organisation
        ("sharing", 0),
    ]
    tr = Translator("en")
    for row in rows:
        if row["scope"] == "link":
            shown = consent_texts.link_introduction(tr, "Jobcenter Musterstadt", "Default Coach")
        else:
            scope = consent_texts.SCOPE_BY_KEY[row["scope"]]
            organisation = "Jobcenter Musterstadt" if scope.per_organisation else None
            shown = consent_texts.shown_text(tr, scope, organisation, 90)
        assert row["text_sha256"] == hashlib.sha256(shown.encode()).hexdigest()
        assert row["locale"] == "en" and row["text_version"] == consent_texts.TEXT_VERSION
    # Every fact the hash covers was really shown to the person, in the order shown.
    assert "voluntary" in enrolled.texts() and "not end-to-end encrypted" in enrolled.texts()
    assert (
        "/delete deletes everything" in enrolled.texts() and "You asked to be contacted." in enrolled.texts()
    )


async def test_consent_explains_each_point_in_short_pages_one_at_a_time(w: World) -> None:
    chat = w.chat()
    await chat.send(f"/start {await w.invitation()}")
    pages = [(await chat.tap("English"))[-1]]
    while pages[-1].labels == ["Next ▶"]:
        pages.append((await chat.tap("Next ▶"))[-1])
    *intro, question = pages
    assert len(intro) == 3 and all(len(page.text) <= 400 for page in intro)
    assert "changes nothing about your Grundsicherungsgeld" in intro[0].text
    assert "Bürgergeld" not in chat.texts()
    assert "deleted after 90 days" in intro[1].text and "not end-to-end encrypted" in intro[2].text
    assert question.labels == ["Yes, I agree", "No, thanks"]
    # An earlier page's button is closed once the next page is shown: no page can be skipped twice.
    assert (await chat.press(intro[0].buttons[0][0][1]))[0].text == "This question is closed."


async def test_start_without_code_or_with_a_bad_code_explains_and_stores_nothing(w: World) -> None:
    chat = w.chat()
    await chat.send("/start")
    assert "you need an invitation link from your coach" in chat.last.text
    await chat.send("/start not-a-real-code-123")
    assert chat.last.text.startswith("I do not know this invitation code.")
    await chat.send("hello?")
    assert "invitation link" in chat.last.text
    assert await stored_people(w) == NOTHING


async def test_expired_and_used_codes_are_refused_kindly(w: World) -> None:
    old = await w.invitation(days=1)
    w.clock.advance(timedelta(days=2))
    chat = w.chat()
    await chat.send(f"/start {old}")
    assert chat.last.text.startswith("This invitation has expired.")
    code = await w.invitation()
    await chat.send(f"/start {code}")
    await chat.tap("English")
    await chat.tap("Yes, I agree")
    await chat.tap("No")
    await chat.tap("No")
    await chat.tap("No")
    other = w.chat(2002)
    await other.send(f"/start {code}")
    assert other.last.text.startswith("This invitation has already been used.")
    assert await w.count("participants") == 1


async def test_five_wrong_codes_in_an_hour_lock_the_account_for_an_hour(w: World) -> None:
    good = await w.invitation()
    chat = w.chat()
    for attempt in range(5):
        await chat.send(f"/start wrongcode{attempt:04d}")
    await chat.send(f"/start {good}")
    assert "tried too many codes" in chat.last.text
    assert await w.count("participants") == 0
    other = w.chat(3003)
    await other.send("/start wrongcode9999")
    assert "tried too many" not in other.last.text  # one account's lock is not another's
    w.clock.advance(timedelta(hours=1, minutes=1))
    await chat.send(f"/start {good}")
    assert chat.last.text == "Please choose your language."


async def test_language_buttons_use_native_names_and_preselect_telegrams_language(w: World) -> None:
    chat = w.chat(language_hint="de-AT")
    await chat.send(f"/start {await w.invitation()}")
    assert chat.last.text == "Bitte wählen Sie Ihre Sprache."
    assert chat.last.labels[0] == "✓ Deutsch" and "English" in chat.last.labels
    english = w.chat(4004, language_hint="en")
    await english.send(f"/start {await w.invitation()}")
    assert english.last.labels[0] == "✓ English"
    unknown = w.chat(5005, language_hint="xx")
    await unknown.send(f"/start {await w.invitation()}")
    assert unknown.last.text == "Bitte wählen Sie Ihre Sprache."  # the programme's default language


async def test_enrolment_in_german_speaks_german_throughout(w: World) -> None:
    chat = w.chat(language_hint="de")
    await chat.send(f"/start {await w.invitation()}")
    await chat.tap("Deutsch")
    await chat.tap("Ja, einverstanden")
    await chat.tap("Nein")
    await chat.tap("Nein")
    await chat.tap("Nein")
    await chat.tap("Später einrichten")
    assert "Willkommen! Ihr Pseudonym ist P-" in chat.texts()
    assert "freiwillig" in chat.texts()
    assert "🌐" not in chat.texts()  # nothing fell back to another language


async def test_declining_the_required_scope_stores_nothing_and_the_invitation_still_works(
    w: World,
) -> None:
    code = await w.invitation()
    chat = w.chat()
    await chat.send(f"/start {code}")
    await chat.tap("English")
    await chat.tap("No, thanks")
    assert "I have stored nothing about you" in chat.texts()
    assert "It works until" in chat.last.text
    assert await stored_people(w) == NOTHING
    assert await w.count("button_tokens") == 0
    await chat.send(f"/start {code}")
    await chat.tap("English")
    await chat.tap("Yes, I agree")
    await chat.tap("No")
    await chat.tap("No")
    await chat.tap("No")
    assert await w.count("participants") == 1


async def test_stopping_during_enrolment_forgets_the_conversation(w: World) -> None:
    chat = w.chat()
    await chat.send(f"/start {await w.invitation()}")
    await chat.tap("English")
    await chat.send("/stop")
    assert "I have stored nothing about you" in chat.last.text
    assert await stored_people(w) == NOTHING


async def test_commands_during_enrolment_are_answered_and_the_question_repeated(w: World) -> None:
    chat = w.chat()
    await chat.send(f"/start {await w.invitation()}")
    await chat.tap("English")
    await chat.send("/privacy")
    assert "Let us finish setting up first." in chat.texts()
    assert chat.last.labels == ["Next ▶"]  # the page of the introduction being read
    while chat.last.labels == ["Next ▶"]:
        await chat.tap("Next ▶")
    await chat.send("/privacy")
    assert chat.last.labels == ["Yes, I agree", "No, thanks"]
    await chat.send("yes")
    assert chat.seen[-2].text == "Please tap one of the buttons below."
    assert chat.last.labels == ["Yes, I agree", "No, thanks"]
    await chat.send("/help")
    assert "0800 111 0 111" in chat.seen[-2].text and chat.last.labels == ["Yes, I agree", "No, thanks"]


async def test_an_invitation_that_expires_during_enrolment_is_not_honoured(w: World) -> None:
    code = await w.invitation(days=1)
    chat = w.chat()
    await chat.send(f"/start {code}")
    await chat.tap("English")
    await chat.tap("Yes, I agree")
    w.clock.advance(timedelta(days=2))
    await chat.tap("No")
    await chat.tap("No")
    assert "This invitation has expired." in chat.last.text
    assert await stored_people(w) == NOTHING
