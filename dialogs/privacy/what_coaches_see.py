"""/coachview: exactly what each organisation's coaches can see, and who looked at it and when."""

from __future__ import annotations

from dialogs.coaching.summary import render_summary, summary_for_coach
from dialogs.core.flow import show_current
from dialogs.core.turn import Turn
from storage import audit, coaches, org_pseudonyms

LOOKS_SHOWN = 10
# What coaches did, in the participant's words (the audit actions of the team inbox, hand-over, proposals).
WORKED = ("item_taken", "item_closed")
HANDED_OVER, PROPOSED = "handed_over", "appointment_proposed"
SHOWN_ACTIONS = (audit.CASE_READ, audit.CASELOAD_READ, *WORKED, HANDED_OVER, PROPOSED)


async def coachview_command(turn: Turn, args: str) -> None:
    participant = turn.person
    organisations = await coaches.organisations_of(turn.tx, participant.id)
    if not organisations:
        turn.say(
            turn.tr(
                "You are not connected with a coach's organisation in this companion. "
                "Nobody sees anything about you."
            )
        )
        await show_current(turn)
        return
    for organisation_id, name in organisations:
        summary = await summary_for_coach(turn.tx, participant.id, turn.now, organisation_id, name)
        if summary is not None:
            turn.say(turn.tr("This is exactly what {organisation} can see about you:", organisation=name))
            turn.say(render_summary(turn.tr, summary))
    # Reads are logged under the pseudonym the reader saw (before 0015: the internal one).
    looks = await audit.about(
        turn.tx,
        (participant.pseudonym, *await org_pseudonyms.all_of(turn.tx, participant.id)),
        since=participant.enrolled_at,
        actions=SHOWN_ACTIONS,
        limit=LOOKS_SHOWN,
    )
    lines = (
        [turn.tr("Who looked or did something, newest first:")]
        if looks
        else [turn.tr("Nobody has looked at your summary yet.")]
    )
    for entry in looks:
        values = {
            "time": turn.tr.datetime(entry.at, "short"),
            "name": entry.coach_name or "?",
            "organisation": entry.organisation or "?",
        }
        line = _look(turn, entry.action, entry.detail, values)
        if line != lines[-1]:  # a take and a close in the same minute read as one
            lines.append(line)
    lines += [
        "",
        turn.tr(
            "Your coach never sees your answers or your words. You can change what is shared in /privacy."
        ),
    ]
    turn.say("\n".join(lines))
    await show_current(turn)


def _look(turn: Turn, action: str, detail: dict[str, object], values: dict[str, str]) -> str:
    """One line of "who looked or did something", in plain words."""
    tr = turn.tr
    if action == audit.CASE_READ:
        return tr("• {time}: {name} ({organisation}) opened your summary", **values)
    if action == audit.CASELOAD_READ:
        return tr("• {time}: {name} ({organisation}) saw you in their list", **values)
    if action in WORKED:
        return tr("• {time}: {name} ({organisation}) worked on your request", **values)
    if action == HANDED_OVER:
        return tr(
            "• {time}: {name} ({organisation}) handed you over to {colleague}",
            colleague=str(detail.get("to", "?")),
            **values,
        )
    return tr("• {time}: {name} ({organisation}) proposed an appointment to you", **values)
