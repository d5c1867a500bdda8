"""The team inbox: the open items of the coach's organisation (escalated first), taken and closed with an
outcome and an optional follow-up day, on the functions of `dialogs.coaching.inbox` (which check access,
audit every change and tell the organisation's webhook). Listing is audited as a read of each case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web.case_actions import ProposalRow, proposal_row
from bot.web.context import Web
from bot.web.login import posted_by
from bot.web.sessions import SignedIn, audit_web, signed_in
from dialogs.coaching.inbox import items
from dialogs.coaching.inbox.access import may_see_case
from dialogs.coaching.summary import CoachSignal, signal_text
from dialogs.core.i18n import Translator
from storage import audit, org_pseudonyms, proposals
from storage.database import Tx
from storage.inbox import Outcome, Status

OUTCOMES = tuple(Outcome)
PROPOSALS_SHOWN = timedelta(days=14)  # proposals made or answered this recently are listed


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
    follow_up: str | None  # the follow-up day it came back on


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
        tr.date(item.follow_up, "medium") if item.followed_up_at and item.follow_up else None,
    )


async def inbox_page(web: Web, request: Request) -> Response:
    async with web.db.transaction() as tx:
        who = await signed_in(web, tx, request)
        if who is None:
            return RedirectResponse("/login", status_code=303)
        locale = web.locale(request, who.session.locale)
        tr = web.translator(locale)
        now = web.clock.now()
        views = await items.open_items(tx, who.coach, now)
        answers = await _proposals(tx, tr, who, now)
        for pseudonym in sorted({v.pseudonym for v in views} | {a.pseudonym for a in answers}):
            await audit_web(tx, web, who.coach, audit.CASELOAD_READ, pseudonym)
    return web.render(
        request,
        "inbox.html",
        locale=locale,
        who=who,
        rows=[_row(tr, v, who) for v in views],
        proposals=answers,
        outcomes=OUTCOMES,
        today=web.clock.now().date().isoformat(),
        done=request.query_params.get("done"),
    )


async def _proposals(tx: Tx, tr: Translator, who: SignedIn, now: datetime) -> list[ProposalRow]:
    """The team's appointment proposals of the last days and their answers, for cases it still has."""
    shown = []
    for proposal in await proposals.of_organisation(tx, who.coach.organisation_id, now - PROPOSALS_SHOWN):
        if not await may_see_case(tx, who.coach, proposal.participant_id):
            continue
        known = await org_pseudonyms.for_organisation(
            tx, proposal.participant_id, proposal.organisation_id, now
        )
        shown.append(proposal_row(tr, known, proposal))
    return shown


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
        who = await posted_by(web, tx, request, form)
        if isinstance(who, Response):
            return who
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
