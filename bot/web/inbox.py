"""The team inbox: the open items of the coach's organisation (escalated first), taken and closed with an
outcome and an optional follow-up day, on the functions of `dialogs.coaching.inbox` (which check access,
audit every change and tell the organisation's webhook). Listing is audited as a read of each case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web import csrf
from bot.web.context import Web
from bot.web.login import refused
from bot.web.sessions import SignedIn, audit_web, signed_in
from dialogs.coaching.inbox import items
from dialogs.coaching.summary import CoachSignal, signal_text
from dialogs.core.i18n import Translator
from storage import audit
from storage.inbox import Outcome, Status

OUTCOMES = tuple(Outcome)


@dataclass(frozen=True)
class Row:
    id: int
    pseudonym: str
    signal: str
    at: str
    urgent: bool
    escalated: bool
    taken_by: str | None
    taken_by_me: bool
    assigned: str


def _row(tr: Translator, view: items.ItemView, who: SignedIn) -> Row:
    item = view.item
    signal = CoachSignal(item.signal_id, item.kind, item.category, item.created_at)
    return Row(
        item.id,
        view.pseudonym,
        signal_text(tr, signal),
        tr.datetime(item.created_at, "short"),
        item.urgent,
        item.escalated,
        item.taken_by_name if item.status is Status.TAKEN else None,
        item.taken_by == who.coach.id,
        ", ".join(view.assigned),
    )


async def inbox_page(web: Web, request: Request) -> Response:
    async with web.db.transaction() as tx:
        who = await signed_in(web, tx, request)
        if who is None:
            return RedirectResponse("/login", status_code=303)
        locale = web.locale(request, who.session.locale)
        tr = web.translator(locale)
        views = await items.open_items(tx, who.coach, web.clock.now())
        for pseudonym in sorted({v.pseudonym for v in views}):
            await audit_web(tx, web, who.coach, audit.CASELOAD_READ, pseudonym)
    return web.render(
        request,
        "inbox.html",
        locale=locale,
        who=who,
        rows=[_row(tr, v, who) for v in views],
        outcomes=OUTCOMES,
        today=web.clock.now().date().isoformat(),
        done=request.query_params.get("done"),
    )


def _follow_up(form: FormData) -> date | str | None:
    text = str(form.get("follow_up", "")).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return "invalid"


async def change(web: Web, request: Request) -> Response:
    """POST /inbox/{id}/take or /inbox/{id}/close; refused without the session's CSRF token."""
    form = await request.form()
    action = request.path_params["action"]
    item_id = int(request.path_params["item_id"])
    async with web.db.transaction() as tx:
        who = await signed_in(web, tx, request)
        if who is None:
            return RedirectResponse("/login", status_code=303)
        if not csrf.valid(form, who.session.csrf_token):
            return refused(web, request)
        now = web.clock.now()
        if action == "take":
            done = await items.take(tx, item_id, who.coach, now)
        else:
            outcome = str(form.get("outcome", ""))
            follow_up = _follow_up(form)
            if outcome not in {o.value for o in OUTCOMES} or isinstance(follow_up, str):
                return RedirectResponse("/inbox?done=invalid", status_code=303)
            done = await items.close(tx, item_id, who.coach, Outcome(outcome), follow_up, now)
    return RedirectResponse(f"/inbox?done={action if done else 'gone'}", status_code=303)
