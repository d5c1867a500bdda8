"""What a coach does on a case page besides reading it: propose an appointment (through the same
`dialogs.coaching.proposals` the Telegram `/appointment` uses) and hand the case over to a colleague of the
same organisation (`dialogs.coaching.inbox.assignment`, as everywhere). Both forms are CSRF-protected and
checked against the team's access; both are audited by the functions they call. The proposals' answers
(waiting, confirmed, declined, changed) are shown on the case page and in the team inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web.context import Web
from bot.web.login import posted_by
from bot.web.sessions import SignedIn
from dialogs.appointments.when import local_moment
from dialogs.appointments.wording import kind_label
from dialogs.coaching.inbox.access import may_see_case
from dialogs.coaching.inbox.assignment import hand_over
from dialogs.coaching.proposals import propose_for
from dialogs.core.i18n import Translator
from storage import appointments, coaches, org_pseudonyms, participants
from storage.database import Tx
from storage.participants import Participant, Status
from storage.proposals import Proposal
from storage.sealing import sealer_for


@dataclass(frozen=True)
class ProposalRow:
    pseudonym: str
    kind: str
    at: str
    state: str  # waiting | confirmed | declined | changed
    new_at: str | None
    by: str


def proposal_row(tr: Translator, pseudonym: str, proposal: Proposal) -> ProposalRow:
    return ProposalRow(
        pseudonym,
        kind_label(tr, proposal.kind),
        tr.datetime(proposal.starts_at, "short"),
        proposal.state.value,
        tr.datetime(proposal.new_starts_at, "short") if proposal.new_starts_at else None,
        proposal.coach_name,
    )


async def _case(web: Web, tx: Tx, who: SignedIn, wanted: str) -> Participant | None:
    """The participant behind the pseudonym, while the coach's team may see the case and they take part."""
    participant_id = await org_pseudonyms.participant_known_as(tx, who.coach.organisation_id, wanted)
    participant = await participants.by_id(tx, participant_id) if participant_id else None
    if participant is None or participant.status is not Status.ACTIVE:
        return None
    return participant if await may_see_case(tx, who.coach, participant.id) else None


def _back(pseudonym: str, done: str) -> Response:
    return RedirectResponse(f"/cases/{pseudonym}?done={done}", status_code=303)


def _moment(web: Web, form: FormData, participant: Participant) -> tuple[str, datetime | None]:
    """(problem, None) or ("", the UTC start) from the form's day and time in the participant's zone."""
    try:
        day = date.fromisoformat(str(form.get("day", "")).strip())
        at = time.fromisoformat(str(form.get("time", "")).strip())
    except ValueError:
        return "invalid", None
    moment = local_moment(day, at, ZoneInfo(participant.timezone))
    if moment is None or moment <= web.clock.now():
        return "passed", None
    return "", moment


async def propose(web: Web, request: Request) -> Response:
    """POST /cases/{pseudonym}/propose: kind, day, time and an optional place."""
    form = await request.form()
    wanted = str(request.path_params["pseudonym"]).strip().upper()
    async with web.db.transaction() as tx:
        who = await posted_by(web, tx, request, form)
        if isinstance(who, Response):
            return who
        participant = await _case(web, tx, who, wanted)
        if participant is None:
            return web.render(request, "no_case.html", status=404, who=who)
        kind = str(form.get("kind", ""))
        place = str(form.get("place", "")).strip()
        problem, moment = _moment(web, form, participant)
        sealer = sealer_for(web.config.encryption_keys)
        if kind not in appointments.KINDS or len(place) > appointments.PLACE_MAX:
            problem = "invalid"
        elif place and sealer is None:
            problem = "no_place"
        if problem or moment is None:
            return _back(wanted, problem or "invalid")
        await propose_for(
            tx,
            who.coach,
            participant,
            kind=kind,
            starts_at=moment,
            place=sealer.seal(place) if place and sealer else None,
            now=web.clock.now(),
            via="web",
        )
    return _back(wanted, "proposed")


async def hand_over_case(web: Web, request: Request) -> Response:
    """POST /cases/{pseudonym}/hand-over: the signed-in (assigned) coach hands the case to a colleague."""
    form = await request.form()
    wanted = str(request.path_params["pseudonym"]).strip().upper()
    async with web.db.transaction() as tx:
        who = await posted_by(web, tx, request, form)
        if isinstance(who, Response):
            return who
        participant = await _case(web, tx, who, wanted)
        if participant is None:
            return web.render(request, "no_case.html", status=404, who=who)
        try:
            colleague = await coaches.by_id(tx, int(str(form.get("colleague", ""))))
        except ValueError:
            colleague = None
        done = colleague is not None and await hand_over(
            tx, participant.id, who.coach, colleague, web.clock.now()
        )
    return _back(wanted, "handed" if done else "not_handed")


async def colleagues_for(tx: Tx, who: SignedIn, participant_id: int) -> list[coaches.Coach]:
    """The colleagues the signed-in coach may hand the case to: only when it is assigned to them."""
    if not await coaches.is_linked(tx, who.coach.id, participant_id):
        return []
    return [c for c in await coaches.team(tx, who.coach.organisation_id) if c.active and c.id != who.coach.id]
