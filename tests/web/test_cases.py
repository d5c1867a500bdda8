"""The coach's cases in the web view: exactly what the participant allows, nothing for another
organisation, and every read shows in the participant's /coachview."""

from __future__ import annotations

from tests.dialogs.coach_helpers import join, known_as
from tests.harness import Chat, World
from tests.web.helpers import client, set_up, sign_in


async def test_cases_and_a_case_show_what_the_participant_allows(w: World, coach: Chat) -> None:
    participant = await join(w, coach, 1001)
    pseudonym = await known_as(w, coach, participant)
    coach_id = await w.coach_id(coach)
    async with client(w) as web:
        await sign_in(w, web, coach_id, await set_up(w, web, coach_id))
        cases = await web.get("/cases?lang=en")
        assert f'href="/cases/{pseudonym}"' in cases.text and "1 person" in cases.text
        case = await web.get(f"/cases/{pseudonym}")
    assert case.status_code == 200
    assert f"Participant {pseudonym}" in case.text and "Takes part." in case.text
    looks = "\n".join(m.text for m in await participant.send("/coachview"))
    assert "Anna Beispiel (Jobcenter Musterstadt) opened your summary" in looks
    assert "Anna Beispiel (Jobcenter Musterstadt) saw you in their list" in looks


async def test_a_coach_of_another_organisation_sees_nothing_of_a_case(w: World, coach: Chat) -> None:
    participant = await join(w, coach, 1001)
    pseudonym = await known_as(w, coach, participant)
    other = await w.coach("Suchthilfe Nord", "Olaf Anders", chat_id=9202)
    other_id = await w.coach_id(other)
    async with client(w) as web:
        await sign_in(w, web, other_id, await set_up(w, web, other_id))
        cases = await web.get("/cases?lang=en")
        assert pseudonym not in cases.text and "Nobody is connected with you yet." in cases.text
        case = await web.get(f"/cases/{pseudonym}?lang=en")
        unknown = await web.get("/cases/P-ZZZZ?lang=en")
    assert case.status_code == unknown.status_code == 404
    assert pseudonym not in case.text.replace(f"/cases/{pseudonym}", "")
    assert case.text.replace(pseudonym, "P-ZZZZ") == unknown.text  # one and the same answer
    looks = "\n".join(m.text for m in await participant.send("/coachview"))
    assert "Nobody has looked at your summary yet." in looks and "Olaf Anders" not in looks
