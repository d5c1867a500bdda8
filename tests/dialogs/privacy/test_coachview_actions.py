"""/coachview's "who looked or did something": the team inbox's takes and closes, a hand-over and a proposed
appointment in plain words in the participant's language (German, Arabic)."""

from __future__ import annotations

import pytest

from dialogs.coaching.inbox import assignment, items
from storage.inbox import Outcome
from tests.dialogs.coach_helpers import join, known_as
from tests.dialogs.coaching.test_inbox import ask_contact, inbox_of, staff
from tests.harness import World

EXPECTED = {
    "de": (
        "Wer nachgesehen oder etwas getan hat, das Neueste zuerst:",
        "Carl Kollege (Jobcenter Musterstadt) hat Ihr Anliegen bearbeitet",
        "Anna Beispiel (Jobcenter Musterstadt) hat Ihnen einen Termin vorgeschlagen",
        "Anna Beispiel (Jobcenter Musterstadt) hat Sie an Carl Kollege übergeben",
    ),
    "ar": (
        "من نظر أو فعل شيئًا، الأحدث أولًا:",
        "عمل Carl Kollege (Jobcenter Musterstadt) على طلبك",
        "اقترح عليك Anna Beispiel (Jobcenter Musterstadt) موعدًا",
        "سلّمك Anna Beispiel (Jobcenter Musterstadt) إلى Carl Kollege",
    ),
}


@pytest.mark.parametrize("locale", sorted(EXPECTED))
async def test_coachview_names_what_coaches_did_in_plain_words(w: World, locale: str) -> None:
    anna = await w.coach(name="Anna Beispiel")
    carl = await w.coach(name="Carl Kollege", chat_id=9102)
    participant = await join(w, anna, 1001)
    pseudonym = await known_as(w, anna, participant)
    await ask_contact(participant)
    [view] = await inbox_of(w, carl)
    carl_coach, anna_coach = await staff(w, carl), await staff(w, anna)
    async with w.db.transaction() as tx:
        await items.take(tx, view.item.id, carl_coach, w.clock.now())
        await items.close(tx, view.item.id, carl_coach, Outcome.CONTACTED, None, w.clock.now())
    await anna.send(f"/appointment {pseudonym}")
    await anna.tap("Doctor")
    await anna.send("3.12.")
    await anna.send("10:30")
    await anna.tap("Yes, propose it")
    async with w.db.transaction() as tx:
        assert await assignment.hand_over(tx, view.item.participant_id, anna_coach, carl_coach, w.clock.now())
        await tx.execute(
            "UPDATE participants SET locale = ? WHERE id = ?", (locale, view.item.participant_id)
        )
    said = "\n".join(m.text for m in await participant.send("/coachview"))
    shown = said.replace("\u2068", "").replace("\u2069", "")  # the placeholders' direction marks
    for line in EXPECTED[locale]:
        assert line in shown, said
    assert shown.count(EXPECTED[locale][1]) == 1  # the take and the close in the same minute: one line
