"""On the case page: a colleague proposes an appointment (CSRF-protected, audited), the team sees its answer
on the case page and in the inbox; the assigned coach hands the case over to a colleague (audited, posted to
the webhook with the pseudonym only, told to both coaches and the participant)."""

from __future__ import annotations

import json

from storage import audit, coaches
from tests.dialogs.coach_helpers import join, known_as
from tests.harness import World
from tests.web.helpers import client, csrf_of, set_up, sign_in


async def test_a_colleague_proposes_in_the_web_and_the_team_sees_the_answer(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    carl = await w.coach(name="Carl Kollege", chat_id=9102)
    participant = await join(w, anna, 1001)
    pseudonym = await known_as(w, anna, participant)
    carl_id = await w.coach_id(carl)
    async with client(w) as web:
        await sign_in(w, web, carl_id, await set_up(w, web, carl_id))
        page = await web.get(f"/cases/{pseudonym}?lang=en")
        assert "Propose an appointment" in page.text and "Your team has not proposed" in page.text
        form = {"kind": "doctor", "day": "2026-12-03", "time": "10:30", "place": ""}
        refused = await web.post(f"/cases/{pseudonym}/propose", data=form)
        assert refused.status_code == 403
        passed = await web.post(
            f"/cases/{pseudonym}/propose", data={**form, "day": "2020-01-01", "csrf_token": csrf_of(page)}
        )
        assert passed.headers["location"].endswith("done=passed")
        done = await web.post(f"/cases/{pseudonym}/propose", data={**form, "csrf_token": csrf_of(page)})
        assert done.headers["location"] == f"/cases/{pseudonym}?done=proposed"
        page = await web.get(f"/cases/{pseudonym}?lang=en")
        assert "Doctor" in page.text and "proposed by Carl Kollege" in page.text
        assert "waiting for an answer" in page.text
        await w.sweep()
        await participant.receive()
        await participant.tap("Yes, confirm it")
        assert "Carl Kollege (" in participant.texts()
        told = await carl.receive()
        assert any(m.text.startswith(f"✅ {pseudonym} confirmed") for m in told), carl.transcript()
        for where in (f"/cases/{pseudonym}?lang=en", "/inbox?lang=en"):
            assert "confirmed" in (await web.get(where)).text
    async with w.db.read() as tx:
        proposed = await audit.about(
            tx, (pseudonym,), since=w.clock.now().replace(year=2000), actions=("appointment_proposed",)
        )
    assert [(e.coach_name, e.detail.get("via")) for e in proposed] == [("Carl Kollege", "web")]


async def test_the_assigned_coach_hands_the_case_over_in_the_web(w: World) -> None:
    await w.organisation(webhook_url="https://example.invalid/hook")
    anna = await w.coach(name="Anna Beispiel")
    carl = await w.coach(name="Carl Kollege", chat_id=9102)
    participant = await join(w, anna, 1001)
    pseudonym = await known_as(w, anna, participant)
    anna_id, carl_id = await w.coach_id(anna), await w.coach_id(carl)
    async with client(w) as web:
        await sign_in(w, web, carl_id, await set_up(w, web, carl_id))
        covering = await web.get(f"/cases/{pseudonym}?lang=en")
        assert "Hand the case over" not in covering.text  # only the assigned coach hands over
    async with client(w) as web:
        await sign_in(w, web, anna_id, await set_up(w, web, anna_id))
        page = await web.get(f"/cases/{pseudonym}?lang=en")
        assert "Hand the case over" in page.text and "Carl Kollege" in page.text
        done = await web.post(
            f"/cases/{pseudonym}/hand-over", data={"csrf_token": csrf_of(page), "colleague": str(carl_id)}
        )
        assert done.headers["location"] == f"/cases/{pseudonym}?done=handed"
    assert any("is now accompanied by Carl Kollege" in m.text for m in await anna.receive())
    assert any("has handed" in m.text for m in await carl.receive())
    assert any("Carl Kollege accompanies you from now on" in m.text for m in await participant.receive())
    async with w.db.read() as tx:
        assert await coaches.is_linked(tx, carl_id, (await coaches.caseload(tx, carl_id))[0])
        handed = await audit.about(
            tx, (pseudonym,), since=w.clock.now().replace(year=2000), actions=("handed_over",)
        )
        hooks = [json.loads(row[0]) for row in await tx.all("SELECT text FROM outbox WHERE kind = 'webhook'")]
    assert [e.coach_name for e in handed] == ["Anna Beispiel"]
    [post] = [body for body in hooks if body["type"] == "handed_over"]
    assert (
        post["pseudonym"] == pseudonym and "Anna" not in json.dumps(post) and "Carl" not in json.dumps(post)
    )
