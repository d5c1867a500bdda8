"""The team inbox in the web view: a colleague takes and closes an item with an outcome, forms need the
CSRF token, an escalated item is marked at the top, another organisation sees nothing of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from storage import audit, coaches, inbox
from storage.inbox import Status, TeamSettings
from tests.dialogs.coach_helpers import join, known_as
from tests.harness import Chat, World
from tests.web.helpers import client, csrf_of, set_up, sign_in

ITEM = re.compile(r'action="/inbox/(\d+)/take"')


async def ask_contact(participant: Chat) -> None:
    await participant.send("/sos")
    await participant.tap("Please contact me")


async def test_a_colleague_takes_and_closes_an_item_with_an_outcome(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    carl = await w.coach(name="Carl Kollege", chat_id=9102)
    participant = await join(w, anna, 1001)
    pseudonym = await known_as(w, anna, participant)
    await ask_contact(participant)
    carl_id = await w.coach_id(carl)
    async with client(w) as web:
        await sign_in(w, web, carl_id, await set_up(w, web, carl_id))
        page = await web.get("/inbox?lang=en")
        assert pseudonym in page.text and "Asked to be contacted" in page.text
        assert "Assigned: Anna Beispiel" in page.text and "Open" in page.text
        [item_id] = ITEM.findall(page.text)
        token = csrf_of(page)
        assert (await web.post(f"/inbox/{item_id}/take", data={})).status_code == 403
        taken = await web.post(f"/inbox/{item_id}/take", data={"csrf_token": token})
        assert taken.headers["location"] == "/inbox?done=take"
        page = await web.get("/inbox?lang=en&done=take")
        assert "In progress: Carl Kollege" in page.text and "You have taken the item." in page.text
        case = await web.get(f"/cases/{pseudonym}?lang=en")  # covering a colleague's case
        assert case.status_code == 200 and f"Participant {pseudonym}" in case.text
        closed = await web.post(
            f"/inbox/{item_id}/close",
            data={"csrf_token": token, "outcome": "contacted", "follow_up": "2026-12-01"},
        )
        assert closed.headers["location"] == "/inbox?done=close"
        assert pseudonym not in (await web.get("/inbox?lang=en")).text
        again = await web.post(f"/inbox/{item_id}/close", data={"csrf_token": token, "outcome": "not_needed"})
        assert again.headers["location"] == "/inbox?done=gone"
    async with w.db.read() as tx:
        item = await inbox.get(tx, int(item_id))
        looks = await audit.about(
            tx, (pseudonym,), since=w.clock.now() - timedelta(days=1), actions=(audit.CASE_READ,)
        )
    assert item is not None and item.status is Status.CLOSED and item.outcome is not None
    assert item.outcome.value == "contacted" and str(item.follow_up) == "2026-12-01"
    assert [entry.coach_name for entry in looks] == ["Carl Kollege"]


async def test_an_escalated_item_is_marked_and_another_organisation_sees_nothing(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    olaf = await w.coach("Suchthilfe Nord", "Olaf Anders", chat_id=9202)
    participant = await join(w, anna, 1001)
    pseudonym = await known_as(w, anna, participant)
    anna_id, olaf_id = await w.coach_id(anna), await w.coach_id(olaf)
    async with w.db.transaction() as tx:
        staff = await coaches.by_id(tx, anna_id)
        assert staff is not None
        await inbox.set_settings(tx, staff.organisation_id, TeamSettings(60))
    w.clock.set(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))  # Monday 15:30 in Berlin
    await ask_contact(participant)
    async with client(w) as web:
        secret = await set_up(w, web, anna_id)
        await sign_in(w, web, anna_id, secret)
        assert "Escalated" not in (await web.get("/inbox?lang=en")).text
        w.clock.set(datetime(2026, 11, 24, 7, 31, tzinfo=UTC))  # 61 working minutes later
        await w.sweep()
        await sign_in(w, web, anna_id, secret)  # the night ended the session
        page = await web.get("/inbox?lang=en")
        assert "Escalated: nobody took it in time." in page.text and 'class="item escalated"' in page.text
    async with client(w) as other:
        await sign_in(w, other, olaf_id, await set_up(w, other, olaf_id))
        page = await other.get("/inbox?lang=en")
        assert pseudonym not in page.text and "Nothing open for your team." in page.text
        [item_id] = ITEM.findall((await other.get("/inbox")).text) or ["1"]
        tried = await other.post(f"/inbox/{item_id}/take", data={"csrf_token": csrf_of(page)})
        assert tried.headers["location"] == "/inbox?done=gone"
