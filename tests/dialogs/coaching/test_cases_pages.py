"""/cases with a full caseload: split into messages under Telegram's limit, every case exactly once."""

from __future__ import annotations

import pytest

from dialogs.coaching import paging
from tests.dialogs.coach_helpers import join, known_as
from tests.harness import Chat, World

CASES = 26


async def test_a_full_caseload_comes_in_pages_under_the_limit(
    w: World, coach: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [await join(w, coach, 2000 + n) for n in range(CASES)]
    for person in people:
        await person.send("/sos")
        await person.tap("Please contact me")
    await coach.receive()
    wanted = [await known_as(w, coach, person) for person in people]
    shown = [m.text for m in await coach.send("/cases")][:-1]  # the last one: tap a pseudonym
    assert all(paging.telegram_length(text) <= paging.TELEGRAM_LIMIT for text in shown)
    assert shown[0].startswith(f"Your caseload: {CASES} people.")
    monkeypatch.setattr(paging, "PAGE_LIMIT", 1000)
    small = [m.text for m in await coach.send("/cases")][:-1]
    assert len(small) >= 3 and all(paging.telegram_length(text) <= 1000 for text in small)
    assert small[0].startswith(f"Your caseload: {CASES} people.")
    for pseudonym in wanted:
        assert sum(text.count(f"{pseudonym} –") for text in small) == 1


def test_an_entry_is_never_split_between_pages() -> None:
    entries = [f"P-{n:04d} – " + "x" * 300 for n in range(20)]
    found = paging.pages("Header", entries, limit=1000)
    assert found[0].startswith("Header\n\n")
    assert "\n".join(found).count("P-") == 20
    assert all(paging.telegram_length(page) <= 1000 for page in found)
    assert all(page.count("x" * 300) == page.count("P-") for page in found)
