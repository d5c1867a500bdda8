"""A follow-up day: the closed item comes back into the team inbox on that day, marked, and the assigned
coach is notified like for a new item (in Telegram and the mail, within working hours). Moved clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dialogs.coaching.inbox import items
from dialogs.coaching.inbox.jobs import inbox_work
from storage import audit, coaches
from storage.inbox import Outcome, Status
from tests.dialogs.coach_helpers import join, known_as
from tests.dialogs.coaching.test_inbox import ask_contact, inbox_of, staff
from tests.harness import World
from tests.web.helpers import client, set_up, sign_in


async def test_a_closed_item_comes_back_on_its_follow_up_day(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    carl = await w.coach(name="Carl Kollege", chat_id=9102)
    participant = await join(w, anna, 1001)
    pseudonym = await known_as(w, anna, participant)
    anna_id = await w.coach_id(anna)
    async with w.db.transaction() as tx:
        await coaches.set_email(tx, anna_id, "anna.beispiel@jobcenter.example.org")
    await ask_contact(participant)
    [view] = await inbox_of(w, carl)
    carl_coach = await staff(w, carl)
    async with w.db.transaction() as tx:
        await items.close(
            tx, view.item.id, carl_coach, Outcome.NOT_REACHED, date(2026, 11, 26), w.clock.now()
        )
        await tx.execute("DELETE FROM coach_mails")  # the mail about the request itself
    await anna.receive()
    w.clock.set(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))  # the day before
    await inbox_work(w.db, None, w.clock.now())
    assert await inbox_of(w, anna) == []
    w.clock.set(datetime(2026, 11, 26, 6, 30, tzinfo=UTC))  # 07:30 in Berlin: before the team's 08:00
    await inbox_work(w.db, None, w.clock.now())
    assert await inbox_of(w, anna) == []
    w.clock.set(datetime(2026, 11, 26, 7, 5, tzinfo=UTC))  # 08:05 in Berlin: working hours
    await inbox_work(w.db, None, w.clock.now())
    [back] = await inbox_of(w, anna)
    assert back.item.status is Status.OPEN and back.item.followed_up_at is not None
    assert back.item.outcome is None and back.item.taken_by is None
    told = await anna.receive()
    assert [m.text for m in told] == [
        f"🔁 Follow-up today: {pseudonym}: Asked to be contacted. It is back in the team inbox."
    ]
    async with w.db.read() as tx:
        mails = await tx.all("SELECT coach_id, send_at FROM coach_mails WHERE status = 'waiting'")
        follow = await audit.about(
            tx, (pseudonym,), since=datetime(2026, 11, 1, tzinfo=UTC), actions=("item_follow_up",)
        )
    assert [row[0] for row in mails] == [anna_id] and len(follow) == 1
    await inbox_work(w.db, None, w.clock.now())  # once only
    assert await anna.receive() == []
    async with client(w) as web:
        await sign_in(w, web, anna_id, await set_up(w, web, anna_id))
        page = await web.get("/inbox?lang=en")
    assert "Follow-up (Nov 26, 2026)" in page.text
