"""The crisis card where the person is: every shipped language x every programme region (and none).

What a person would notice: the region's own crisis service on the card, in their language; no national
line under "Near you"; no number twice; which lines help in their language; a card that fits a phone
screen; Arabic and Farsi lines that read right to left; the same card when the database is down.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from bot.crisis_fallback import Dispatcher
from dialogs.core.clock import FakeClock
from dialogs.core.config import INFO_CONTENT_ROOT, EngineConfig
from dialogs.core.engine import Engine
from dialogs.core.events import Event, EventKind
from dialogs.core.i18n import Translator, is_rtl
from dialogs.crisis.detection import CARD_LIMIT, RLM, crisis_card, local_help
from dialogs.features import REGISTRY
from dialogs.info.loading import load_info_content
from dialogs.info.schema import NATIONAL, SHIPPED_LANGUAGES
from storage import organisations
from storage.database import Database
from tests.bot.test_crisis_fallback import FakeSender
from tests.dialogs.coach_helpers import join
from tests.harness import START, World

REGIONS = (None, "berlin-lichtenberg", "bochum", "leverkusen", "uckermark")
# What each region's card shows near the person: the first of its crisis services that can be reached.
LOCAL = {
    None: None,
    "berlin-lichtenberg": "030 443 509 821",  # Muslimisches SeelsorgeTelefon (the Krisendienst: its website)
    "bochum": "0234 910-3201",  # Sozialpsychiatrischer Dienst (through the health office)
    "leverkusen": "Kölner Straße 95",  # Sozialpsychiatrische Ambulanz: no number on a stored page
    "uckermark": None,  # no number, address or website found for the Landkreis' service
}
# Languages the Hilfetelefon "Gewalt gegen Frauen" (116 016) answers in, as its sources say.
HILFETELEFON = {"ar", "bg", "en", "fa", "pl", "ro", "ru", "tr"}
PHONE = re.compile(r"\+?\d[\d /()-]*\d")
CONTENT = load_info_content(INFO_CONTENT_ROOT)
NATIONAL_ENTRIES = [e for e in CONTENT.crisis_entries("de", None).value if e.region == NATIONAL]
CASES = [(lang, region) for lang in SHIPPED_LANGUAGES for region in REGIONS]


def card(lang: str, region: str | None) -> str:
    tr = Translator(lang)
    return crisis_card(tr, local_help(tr, INFO_CONTENT_ROOT, region))


def near_you(lang: str, text: str) -> list[str]:
    """The lines under the "Near you" heading (without marks and bullets)."""
    lines = [line.lstrip(RLM) for line in text.splitlines()]
    heading = Translator(lang)("Near you:")
    if heading not in lines:
        return []
    after = lines[lines.index(heading) + 1 :]
    section = []
    for line in after:
        if not line.startswith("• "):
            break
        section.append(line)
    return section


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.mark.parametrize(("lang", "region"), CASES)
def test_the_card_names_the_regions_own_crisis_service_near_the_person(lang: str, region: str | None) -> None:
    text = card(lang, region)
    local = LOCAL[region]
    if local is None:
        assert near_you(lang, text) == []
    else:
        assert local in "\n".join(near_you(lang, text))
    for number in ("112", "110", "0800 111 0 111", "0800 111 0 222", "01806 313031"):
        assert number in text


@pytest.mark.parametrize(("lang", "region"), CASES)
def test_no_national_line_is_near_you_and_no_number_is_there_twice(lang: str, region: str | None) -> None:
    text = card(lang, region)
    near = "\n".join(near_you(lang, text))
    for entry in NATIONAL_ENTRIES:
        assert entry.name not in near
        assert not any(digits(phone) in digits(near) for phone in entry.phone)
    numbers = [digits(match) for match in PHONE.findall(text)]
    numbers = [n for n in numbers if len(n) >= 3]  # "20 cents" and opening hours are no numbers to call
    assert len(numbers) == len(set(numbers)), numbers


@pytest.mark.parametrize(("lang", "region"), CASES)
def test_the_whole_card_fits_a_phone_screen(lang: str, region: str | None) -> None:
    assert len(card(lang, region)) <= CARD_LIMIT


@pytest.mark.parametrize(("lang", "region"), CASES)
def test_right_to_left_lines_starting_with_an_emoji_or_a_digit_begin_with_a_mark(
    lang: str, region: str | None
) -> None:
    for line in card(lang, region).splitlines():
        starts_neutral = unicodedata.bidirectional(line[0]) not in ("R", "AL")
        if is_rtl(lang):
            assert not starts_neutral or line[0] == RLM, line
        else:
            assert line[0] != RLM


@pytest.mark.parametrize(("lang", "region"), CASES)
def test_the_card_says_most_lines_answer_in_german_and_names_those_in_the_persons_language(
    lang: str, region: str | None
) -> None:
    tr = Translator(lang)
    text = card(lang, region)
    if lang == "de":
        assert tr("Most lines answer in German.") not in text
        return
    assert tr("Most lines answer in German.") in text
    assert ("116 016" in text) is (lang in HILFETELEFON)
    muslim_line = "Muslimisches SeelsorgeTelefon (MuTeS)"
    assert (muslim_line in text) is (region == "berlin-lichtenberg" or False)
    note = next(line for line in text.splitlines() if tr("Most lines answer in German.") in line)
    assert (muslim_line in note) is (region == "berlin-lichtenberg" and lang in ("ar", "tr"))
    if lang == "uk":
        assert note.lstrip(RLM) == tr("Most lines answer in German.")  # no line says it speaks Ukrainian


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
@pytest.mark.parametrize("region", REGIONS[1:])
def test_local_crisis_services_are_described_in_the_persons_language(lang: str, region: str) -> None:
    entries = [e for e in CONTENT.crisis_entries(lang, region).value if e.region == region]
    assert entries
    assert {e.lang for e in entries} == {lang}
    assert all(e.source.strip() and "2026-12-07" in e.source for e in entries if e.phone)


@pytest.mark.parametrize("region", REGIONS)
async def test_with_the_database_down_the_card_names_the_services_of_the_region(
    tmp_path: Path, region: str | None
) -> None:
    db = await Database.open(tmp_path / "c.db")
    config = EngineConfig()
    sender = FakeSender()
    dispatcher = Dispatcher(Engine(db, FakeClock(START), config, REGISTRY), sender, config, region=region)
    await db.close()  # every database call from here on raises
    await dispatcher.dispatch(Event(7, EventKind.COMMAND, command="sos", language_hint="ar"))
    await dispatcher.join()
    [message] = sender.sent
    assert message.text.startswith(card("ar", region))  # the same card, then the honest note
    local = LOCAL[region]
    if local is not None:
        assert local in message.text


@pytest.mark.parametrize("region", ["bochum", "berlin-lichtenberg"])
async def test_through_the_engine_a_participant_gets_the_same_card(w: World, region: str) -> None:
    async with w.db.transaction() as tx:
        await organisations.create(tx, name="Jobcenter", region=region, webhook_url=None, now=w.clock.now())
    coach = await w.coach("Jobcenter")
    chat = await join(w, coach, 1001)
    await chat.send("/sos")
    assert card("en", region) in chat.last.text
