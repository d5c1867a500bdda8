"""Every shipped language: right-to-left isolation, local number and date formats, the fallback marker,
native names on the language buttons, short button labels, and whole enrolments in other languages."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from dialogs import consent_texts
from dialogs.core import i18n
from dialogs.core.i18n import FSI, LOCALES_DIR, PDI, UNTRANSLATED_MARKER, Catalogue, Translator, native_name
from tests.harness import world

MOMENT = datetime(2026, 3, 29, 8, 30, tzinfo=UTC)  # 10:30 on the first summer-time morning in Berlin

NATIVE_NAMES = {
    "de": "Deutsch",
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی",
    "tr": "Türkçe",
    "uk": "Українська",
    "ru": "Русский",
    "pl": "Polski",
    "ro": "Română",
    "bg": "Български",
}
TRANSLATED = sorted(set(NATIVE_NAMES) - {"en"})

# Labels that share a row with another button or sit in a narrow menu: they must stay short.
SHORT_BUTTONS = [
    "Back",
    "Back to the menu",
    "No",
    "No, keep my data",
    "No, thanks",
    "Show my consent history",
    "Stop taking part",
    "Yes",
    "Yes, I agree",
    "Yes, delete everything",
    "🔒 Privacy",
    "🌐 Language",
    "🆘 Help now",
]


def isolated(text: str) -> str:
    return f"{FSI}{text}{PDI}"


def template_ids() -> list[str]:
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        return [str(m.id) for m in read_po(handle) if m.id and isinstance(m.id, str)]


def test_the_ten_languages_are_shipped() -> None:
    assert set(i18n.shipped_locales()) == set(NATIVE_NAMES)


@pytest.mark.parametrize("locale", ["ar", "fa"])
def test_right_to_left_messages_isolate_every_inserted_value(locale: str) -> None:
    tr = Translator(locale)
    text = tr("Your pseudonym: {pseudonym}", pseudonym="P-7K3F")
    assert isolated("P-7K3F") in text and text.index(FSI) > 0, "the sentence must not start with the value"
    assert tr.time(MOMENT).startswith(FSI) and tr.time(MOMENT).endswith(PDI)
    assert tr.date(MOMENT).startswith(FSI) and tr.date(MOMENT).endswith(PDI)
    until = tr(
        "If you change your mind, open your invitation link again. It works until {date}.",
        date=tr.date(MOMENT),
    )
    assert until.count(FSI) == 1 and until.count(PDI) == 1, "an already isolated value is not wrapped twice"
    place = tr(
        "May I share short signals with {organisation}? Never your answers, never your words. "
        "This is optional. It stays off unless you choose it.",
        organisation="Caritas Bochum",
    )
    assert isolated("Caritas Bochum") in place
    days = tr(consent_texts.INTRODUCTION[2], days=90)
    assert tr.number(90) in days and tr.number(90).startswith(FSI)
    crisis = tr("Police: {number}", number="110")
    assert isolated("110") in crisis, "phone numbers keep their Latin digits, isolated"


@pytest.mark.parametrize("locale", ["de", "en", "tr", "uk", "ru", "pl", "ro", "bg"])
def test_left_to_right_messages_are_left_alone(locale: str) -> None:
    tr = Translator(locale)
    text = tr("Your pseudonym: {pseudonym}", pseudonym="P-7K3F")
    assert "P-7K3F" in text and FSI not in text and PDI not in text
    assert FSI not in tr.date(MOMENT) + tr.time(MOMENT) + tr.number(1234.5)


def test_right_to_left_lines_start_with_right_to_left_text() -> None:
    """A line that starts with a Latin word (a command, TelefonSeelsorge) would be laid out left to right."""
    latin_start = re.compile(r"^[\W\d_]*[A-Za-z]")
    for locale in ("ar", "fa"):
        tr = Translator(locale)
        for msgid in template_ids():
            for line in tr(msgid).splitlines():
                assert not latin_start.match(line.replace("🆘", "")), (locale, msgid, line)


@pytest.mark.parametrize(
    ("locale", "time", "date", "number"),
    [
        ("ar", "10:30 ص", "الأحد، 29 مارس 2026", "1,234.5"),  # CLDR: Latin digits for plain "ar"
        ("fa", "۱۰:۳۰", "یکشنبه ۲۹ مارس ۲۰۲۶", "۱٬۲۳۴٫۵"),  # CLDR: Persian digits and separators
        ("tr", "10:30", "29 Mart 2026 Pazar", "1.234,5"),
        ("uk", "10:30", "29 березня 2026\u202fр. (неділя)", "1\u00a0234,5"),
        ("ru", "10:30", "29 марта 2026\u202fг. (воскресенье)", "1\u00a0234,5"),
        ("pl", "10:30", "niedziela, 29 marca 2026", "1\u00a0234,5"),
        ("ro", "10:30", "duminică, 29 martie 2026", "1.234,5"),
        ("bg", "10:30", "неделя, 29 март 2026\u202fг.", "1\u00a0234,5"),
    ],
)
def test_numbers_dates_and_times_follow_the_locale_and_the_zone(
    locale: str, time: str, date: str, number: str
) -> None:
    tr = Translator(locale, timezone="Europe/Berlin")
    strip = FSI + PDI
    assert tr.time(MOMENT).strip(strip) == time
    assert tr.date(MOMENT).strip(strip) == date
    assert tr.number(1234.5).strip(strip) == number


def test_an_inserted_count_is_written_with_the_locales_digits() -> None:
    assert "۹۰" in Translator("fa")(consent_texts.INTRODUCTION[2], days=90)
    assert "90" in Translator("ar")(consent_texts.INTRODUCTION[2], days=90)
    assert "90 днів" in Translator("uk")(consent_texts.INTRODUCTION[2], days=90)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_fallback_marker_is_in_the_participants_language(locale: str) -> None:
    own_marker = Translator(locale)(UNTRANSLATED_MARKER)
    assert own_marker != UNTRANSLATED_MARKER or locale == "en"
    shown = Translator(locale)("An untranslated sentence")
    assert shown == f"🌐 {own_marker} An untranslated sentence"
    plural = Translator(locale).ngettext("An untranslated day", "{n} untranslated days", 3)
    assert plural.startswith(f"🌐 {own_marker} ")


def test_a_message_missing_in_ukrainian_is_shown_in_german_with_the_ukrainian_marker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = i18n.load_catalogue

    def without_the_language_question(locale: str, root: Path = LOCALES_DIR) -> Catalogue:
        catalogue = real(locale, root)
        if locale != "uk":
            return catalogue
        messages = {k: v for k, v in catalogue.messages.items() if k != "Please choose your language."}
        return Catalogue(locale, messages, catalogue.plurals, catalogue.plural_index, catalogue.review_status)

    monkeypatch.setattr(i18n, "load_catalogue", without_the_language_question)
    assert (
        Translator("uk")("Please choose your language.")
        == "🌐 (ще не перекладено) Bitte wählen Sie Ihre Sprache."
    )
    english_fallback = Translator("uk", fallback="en")("Please choose your language.")
    assert english_fallback == "🌐 (ще не перекладено) Please choose your language."


def test_language_buttons_show_native_names() -> None:
    for code, name in NATIVE_NAMES.items():
        assert native_name(code) == name


@pytest.mark.parametrize("locale", sorted(NATIVE_NAMES))
def test_the_language_confirmation_names_the_new_language(locale: str) -> None:
    said = Translator(locale)("From now on I will write to you in English.").lower()
    assert native_name(locale).lower()[:5] in said


@pytest.mark.parametrize("locale", sorted(NATIVE_NAMES))
def test_button_labels_stay_short(locale: str) -> None:
    tr = Translator(locale)
    for msgid in SHORT_BUTTONS:
        assert len(tr(msgid)) <= 30, (msgid, tr(msgid))
    for scope in consent_texts.SCOPES:
        for toggle in ("Turn off: {name}", "Turn on: {name}"):
            label = tr(toggle, name=tr(scope.title))
            assert len(label.strip(FSI + PDI)) <= 45, label  # alone on its row


HOURS_IN_WORDS = {
    "1 hour before",
    "2 hours before",
    "⏰ In 1 hour",
    "⏰ In 30 minutes",
    "⏰ Remind me again in 1 hour",
}


@pytest.mark.parametrize("locale", TRANSLATED)
def test_commands_emoji_and_phone_numbers_survive_translation(locale: str) -> None:
    tr = Translator(locale)
    for msgid in template_ids():
        said = tr(msgid)
        assert set(re.findall(r"/[a-z]+\b", msgid)) <= set(re.findall(r"/[a-z]+\b", said)), (msgid, said)
        for emoji in ("🆘", "❓", "🌐", "🔒"):
            assert (emoji in msgid) == (emoji in said), (msgid, said)
        in_words = locale in ("ar", "fa") and msgid in HOURS_IN_WORDS  # "قبل ساعتين", "یک ساعت قبل"
        assert re.findall(r"\d", msgid) == [] or in_words or re.findall(r"[\d۰-۹]", said), (msgid, said)


@pytest.mark.parametrize(
    ("locale", "yes_i_agree"),
    [("ar", "نعم، أوافق"), ("uk", "Так, погоджуюся"), ("tr", "Evet, kabul ediyorum")],
)
async def test_enrolment_in_another_language_end_to_end(
    tmp_path: Path, locale: str, yes_i_agree: str
) -> None:
    tr = Translator(locale)
    assert tr("Yes, I agree") == yes_i_agree
    async with world(tmp_path) as w:
        chat = w.chat(language_hint="de")
        await chat.send(f"/start {await w.invitation()}")
        await chat.tap(native_name(locale))
        await chat.tap(yes_i_agree)
        await chat.tap(tr("Yes"))
        await chat.tap(tr("No"))
        await chat.tap(tr("No"))
        await chat.tap(tr("Set up later"))
        await chat.send("/help")
        await chat.send("/privacy")
        await chat.tap(tr("Show my consent history"))
        await chat.tap(tr("Back to the menu"))
        await chat.send("/sos")
        await chat.send("/nonsense")
        await chat.send("hello?")
        await chat.send("/language")
        await chat.tap(tr("Back"))
        transcript = chat.transcript()
        async with w.db.read() as tx:
            pseudonym = str(await tx.scalar("SELECT pseudonym FROM participants"))
            locales = {row["locale"] for row in await tx.all("SELECT locale FROM consents")}
        assert locales == {locale}
        welcome = (
            "Welcome! Your pseudonym is {pseudonym}. I do not store your name. Each organisation that "
            "works with you knows you by a pseudonym of its own: /privacy shows them."
        )
        assert tr(welcome, pseudonym=pseudonym) in transcript
        assert tr("Your consent history:") in transcript
        assert "TelefonSeelsorge" in transcript and "0800 111 0 111" in transcript
        assert (
            tr("I do not know the command /{name}. Write /help to see what I can do.", name="nonsense")
            in transcript
        )
        marker = tr(UNTRANSLATED_MARKER)
        for shown in chat.seen:
            assert "🌐" not in shown.text and marker not in shown.text, shown.text
            assert not any(marker in label for label in shown.labels)
            assert all(len(token.encode()) <= 64 for line in shown.buttons for _, token in line)
        english = [m for m in template_ids() if len(m) > 12 and "{" not in m]
        assert [m for m in english if m in transcript] == []
