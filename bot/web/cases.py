"""The coach's cases and one case, within exactly what each participant allows the coach's organisation
(the same summary as `/case` and the participant's `/coachview`); every read is audited."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web.context import Web
from bot.web.sessions import SignedIn, audit_web, signed_in
from dialogs.coaching.inbox.access import may_see_case
from dialogs.coaching.summary import CoachSummary, render_summary, signal_text, summary_for_coach
from dialogs.core.i18n import Translator
from storage import audit, coaches, org_pseudonyms, participants
from storage.database import Tx


@dataclass(frozen=True)
class CaseRow:
    pseudonym: str
    status: str  # "urgent", "new", "taking_part", "ended"
    latest: str | None
    latest_at: str | None
    next_appointment: str | None


def _status(summary: CoachSummary) -> str:
    if not summary.taking_part:
        return "ended"
    if any(not s.acks for s in summary.signals):
        return "new"
    return "taking_part"


async def _summaries(web: Web, tx: Tx, who: SignedIn) -> list[CoachSummary]:
    found = []
    for participant_id in await coaches.caseload(tx, who.coach.id):
        summary = await summary_for_coach(
            tx, participant_id, web.clock.now(), who.coach.organisation_id, who.coach.organisation
        )
        if summary is not None:
            found.append(summary)
    return found


def _row(tr: Translator, summary: CoachSummary) -> CaseRow:
    latest = summary.signals[0] if summary.signals else None
    upcoming = summary.appointments[0] if summary.appointments else None
    return CaseRow(
        summary.pseudonym,
        _status(summary),
        signal_text(tr, latest) if latest else None,
        tr.datetime(latest.at, "short") if latest else None,
        tr.datetime(upcoming.starts_at, "short") if upcoming else None,
    )


async def cases_page(web: Web, request: Request) -> Response:
    async with web.db.transaction() as tx:
        who = await signed_in(web, tx, request)
        if who is None:
            return RedirectResponse("/login", status_code=303)
        locale = web.locale(request, who.session.locale)
        tr = web.translator(locale)
        summaries = await _summaries(web, tx, who)
        for summary in summaries:
            await audit_web(tx, web, who.coach, audit.CASELOAD_READ, summary.pseudonym)
    order = {"urgent": 0, "new": 1, "taking_part": 2, "ended": 3}
    rows = sorted((_row(tr, s) for s in summaries), key=lambda r: (order[r.status], r.pseudonym))
    return web.render(request, "cases.html", locale=locale, who=who, rows=rows)


async def case_page(web: Web, request: Request) -> Response:
    wanted = str(request.path_params["pseudonym"]).strip().upper()
    async with web.db.transaction() as tx:
        who = await signed_in(web, tx, request)
        if who is None:
            return RedirectResponse("/login", status_code=303)
        locale = web.locale(request, who.session.locale)
        participant_id = await org_pseudonyms.participant_known_as(tx, who.coach.organisation_id, wanted)
        participant = await participants.by_id(tx, participant_id) if participant_id else None
        summary = None
        if participant is not None and await may_see_case(tx, who.coach, participant.id):
            summary = await summary_for_coach(
                tx, participant.id, web.clock.now(), who.coach.organisation_id, who.coach.organisation
            )
        if summary is None:  # unknown, someone else's, another organisation's: one and the same answer
            return web.render(request, "no_case.html", status=404, locale=locale, who=who)
        await audit_web(tx, web, who.coach, audit.CASE_READ, summary.pseudonym)
    lines = render_summary(web.translator(locale), summary).split("\n")
    return web.render(
        request,
        "case.html",
        locale=locale,
        who=who,
        pseudonym=summary.pseudonym,
        title=lines[0],
        lines=lines[1:],
    )
