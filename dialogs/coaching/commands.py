"""The coach's chat: the menu, /cases, /case and /invite (the alerts' settings: `alert_settings.py`).

Access is checked on every read and fails closed: a coach sees a participant only while linked to them,
and only what the participant allows the coach's organisation now (`coach_summary`). A refused /case
gives one and the same answer whether the pseudonym exists or not. Every read is written to the audit
log, which the participant can see in /coachview and /mydata.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum

from dialogs.coaching.alerts import URGENT_KINDS
from dialogs.coaching.coach_chat import audit_coach, coach_of, known_as
from dialogs.coaching.inbox.access import may_see_case
from dialogs.coaching.paging import pages
from dialogs.coaching.summary import CoachSummary, render_summary, signal_text, summary_for_coach
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import DONE, Go, Next, Step, StepFlow, start
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from storage import audit, coaches, invitations, org_pseudonyms, participants
from storage.participants import PSEUDONYM_ALPHABET, Participant
from storage.signal_deliveries import CONTACT

PSEUDONYM = re.compile(rf"P-[{PSEUDONYM_ALPHABET}]{{4}}")
REFUSED = N_("I cannot show you this case. You can see the participants in your /cases list.")
COACH_MENU: list[tuple[str, str]] = [
    (N_("📋 My cases"), "cases"),
    (N_("➕ Invite a participant"), "invite"),
    (N_("📅 Propose an appointment"), "appointment"),
    (N_("🔔 Alerts"), "alerts"),
    (N_("🌐 Language"), "language"),
    (N_("❓ Help"), "help"),
]


class CoachStep(StrEnum):
    """Where a coach's chat rests: the menu, or a choice of participant for /case."""

    MENU = "menu"
    PICK = "pick"


async def show_coach_menu(turn: Turn) -> None:
    await start(turn, "coach", CoachStep.MENU)


async def coach_text(turn: Turn, text: str) -> None:
    """Typed words in a coach's chat: the current question if there is one, otherwise the menu."""
    if turn.flow in turn.registry.flows:
        await turn.registry.flow(turn.flow).on_text(turn, text)
        return
    _use_buttons(turn)
    await show_coach_menu(turn)


def _use_buttons(turn: Turn) -> None:
    turn.say(turn.tr("Please use the buttons, or a command such as /cases."))


async def _show_menu(turn: Turn) -> None:
    entries = [Choice(turn.tr(label), act("cmd", name)) for label, name in COACH_MENU]
    turn.say(turn.tr("What would you like to do?"), [entries[i : i + 2] for i in range(0, len(entries), 2)])


async def _show_pick(turn: Turn) -> None:
    coach = coach_of(turn)
    choices = []
    for participant in await caseload(turn):
        known = await known_as(turn.tx, coach, participant.id, turn.now)
        choices.append(Choice(known, act("case", known)))
    rows = [choices[i : i + 3] for i in range(0, len(choices), 3)]
    rows.append([Choice(turn.tr("Back to the menu"), act("menu"))])
    turn.say(turn.tr("Tap a pseudonym to see what you may see, or write /case P-XXXX."), rows)


async def _case_chosen(turn: Turn, action: Action) -> Next:
    await case_command(turn, action.arg())
    return DONE


async def _to_menu(turn: Turn, action: Action) -> Next:
    return Go(CoachStep.MENU, fresh=True)


async def _typed(turn: Turn, text: str) -> Next:
    _use_buttons(turn)
    return Go(CoachStep.MENU, fresh=True)


COACH = StepFlow(
    "coach",
    {
        CoachStep.MENU: Step(_show_menu, text=_typed),
        CoachStep.PICK: Step(_show_pick, choices={"case": _case_chosen}, text=_typed),
    },
    first=CoachStep.MENU,
    everywhere={"menu": _to_menu},
)


async def caseload(turn: Turn) -> list[Participant]:
    """The participants linked to the turn's coach, in the order of their caseload."""
    found = []
    for participant_id in await coaches.caseload(turn.tx, coach_of(turn).id):
        participant = await participants.by_id(turn.tx, participant_id)
        if participant is not None:
            found.append(participant)
    return found


async def find_case(turn: Turn, typed: str) -> Participant | None:
    """The participant behind a typed pseudonym, only if it is the one the coach's organisation knows
    them by and they are in the caseload of the coach's team (a colleague's: covering); None in every other
    case (malformed, unknown, erased, another team's, another organisation's pseudonym, the internal one),
    so the answer never tells these apart."""
    coach = coach_of(turn)
    wanted = typed.strip().upper().replace(" ", "")
    if len(wanted) == 4:
        wanted = "P-" + wanted
    if not PSEUDONYM.fullmatch(wanted):
        return None
    participant_id = await org_pseudonyms.participant_known_as(turn.tx, coach.organisation_id, wanted)
    participant = await participants.by_id(turn.tx, participant_id) if participant_id else None
    if participant is None or not await may_see_case(turn.tx, coach, participant.id):
        return None
    return participant


async def summary_of(turn: Turn, participant: Participant) -> CoachSummary | None:
    coach = coach_of(turn)
    return await summary_for_coach(
        turn.tx, participant.id, turn.now, coach.organisation_id, coach.organisation
    )


async def _log_read(turn: Turn, pseudonym: str, action: str) -> None:
    await audit_coach(turn.tx, coach_of(turn), action, pseudonym, turn.now)


def status_of(turn: Turn, summary: CoachSummary) -> tuple[int, str]:
    """(rank for sorting, "colour and words") of a case in the caseload."""
    if not summary.taking_part:
        return 3, turn.tr("⚪ participation ended")
    # An urgent signal is handled once someone of the team will get in touch about it or a later one.
    handled = [
        s.at for s in summary.signals if s.kind in URGENT_KINDS and any(a.action == CONTACT for a in s.acks)
    ]
    urgent = [
        s
        for s in summary.signals
        if s.kind in URGENT_KINDS
        and (not handled or s.at > max(handled))
        and not any(a.action == CONTACT for a in s.acks)
    ]
    if urgent:
        return 0, turn.tr("🔴 {signal}", signal=signal_text(turn.tr, urgent[0]))
    if any(not s.acks for s in summary.signals):
        return 1, turn.tr("🟡 new signal")
    return 2, turn.tr("🟢 takes part")


async def cases_command(turn: Turn, args: str) -> None:
    coach = coach_of(turn)
    rows = []
    for participant in await caseload(turn):
        summary = await summary_of(turn, participant)
        if summary is None:
            continue
        rank, status = status_of(turn, summary)
        lines = [f"{summary.pseudonym} – {status}"]
        if summary.signals:
            latest = summary.signals[0]
            lines.append(
                "   "
                + turn.tr(
                    "Latest: {signal} ({time})",
                    signal=signal_text(turn.tr, latest),
                    time=turn.tr.datetime(latest.at, "short"),
                )
            )
        if summary.appointments:
            lines.append(
                "   "
                + turn.tr(
                    "Next appointment: {time}",
                    time=turn.tr.datetime(summary.appointments[0].starts_at, "short"),
                )
            )
        rows.append((rank, summary.pseudonym, "\n".join(lines)))
        await _log_read(turn, summary.pseudonym, audit.CASELOAD_READ)
    if not rows:
        turn.say(turn.tr("Nobody is connected with you yet. /invite makes an invitation link."))
        await show_coach_menu(turn)
        return
    rows.sort()
    header = turn.tr.ngettext("Your caseload: {n} person.", "Your caseload: {n} people.", len(rows))
    size, limit = await coaches.caseload_size(turn.tx, coach.id), turn.config.caseload_limit
    if size > limit:
        header += "\n" + turn.tr("That is more than the limit of {limit}.", limit=limit)
    for page in pages(header, (text for _, _, text in rows)):
        turn.say(page)
    await start(turn, "coach", CoachStep.PICK)


async def case_command(turn: Turn, args: str) -> None:
    if not args.strip():
        await start(turn, "coach", CoachStep.PICK)
        return
    participant = await find_case(turn, args)
    summary = await summary_of(turn, participant) if participant else None
    if participant is None or summary is None:
        turn.say(turn.tr(REFUSED))
        await show_coach_menu(turn)
        return
    covering = not await coaches.is_linked(turn.tx, coach_of(turn).id, participant.id)
    detail = {"cover": True} if covering else None
    await audit_coach(turn.tx, coach_of(turn), audit.CASE_READ, summary.pseudonym, turn.now, detail)
    turn.say(render_summary(turn.tr, summary))
    turn.say(turn.tr("The participant can see exactly this in /coachview, and that you looked."))
    await show_coach_menu(turn)


async def invite_command(turn: Turn, args: str) -> None:
    coach = coach_of(turn)
    created = await invitations.create_for_coach(
        turn.tx, turn.now, timedelta(days=turn.config.invitation_days), coach.id
    )
    turn.say(
        turn.tr(
            "Here is a new invitation. Give it to one person only. It works once, until {date}. Whoever "
            "opens it is connected with you; someone who already takes part is asked first.",
            date=turn.tr.date(created.expires_at, "long"),
        )
    )
    username = turn.config.bot_username
    if username:
        turn.say(f"https://t.me/{username}?start={created.code}")
    else:
        turn.say(
            turn.tr("The person opens the companion in Telegram and sends: /start {code}", code=created.code)
        )
    await show_coach_menu(turn)
