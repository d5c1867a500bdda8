"""Becoming a coach: a code from `companion coach add`, opened with `/start CODE`.

A coach's code and a participant's invitation both arrive as `/start CODE`; which one it is, the lookup
says. One chat is never both: a participant's chat cannot open a coach code, and a coach's chat cannot
join as a participant. (Participants connecting with a coach: `dialogs/participation/linking.py`.)
"""

from __future__ import annotations

import logging

from dialogs.coaching.alert_times import plan_digests
from dialogs.core.flow import show_current, start
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from storage import coaches, invitations, start_attempts

log = logging.getLogger(__name__)

COACH_CODE_SPENT = N_(
    "This coach link has already been used or has expired. Please ask your administrator for a new one."
)
PARTICIPANT_NOT_COACH = N_(
    "This chat takes part as a participant, so it cannot become a coach's chat. "
    "Please open the coach link from your own work account."
)


async def redeem_coach_code(turn: Turn, code: str) -> bool:
    """`/start CODE` from a chat that is not a participant: True when CODE was a coach's code."""
    check = await coaches.check_code(turn.tx, code, turn.now)
    if check is None:
        return False
    if turn.participant is not None or turn.flow == "consent":
        turn.say(turn.tr(PARTICIPANT_NOT_COACH))
        await show_current(turn)
        return True
    if not check.valid:
        await start_attempts.record_failure(turn.tx, turn.chat_id, turn.now)
        turn.say(turn.tr(COACH_CODE_SPENT))
        return True
    if turn.coach is not None:
        # A coach who was removed and is added again: the new row takes over the chat.
        await turn.tx.execute("UPDATE coaches SET chat_id = NULL WHERE id = ?", (turn.coach.id,))
    await coaches.activate(turn.tx, check.coach_id, turn.chat_id, turn.now)
    coach = await coaches.by_id(turn.tx, check.coach_id)
    assert coach is not None
    turn.coach = coach
    turn.retranslate()
    await plan_digests(turn.tx, coach, turn.now)
    log.info("coach %s enrolled", coach.id)
    turn.say(
        turn.tr(
            "Welcome, {name}! This chat is now your coach access for {organisation}. You will only see "
            "what participants allow your organisation to see.",
            name=coach.name,
            organisation=coach.organisation,
        )
    )
    await start(turn, "coach", "menu")
    return True


async def coach_start(turn: Turn, code: str) -> None:
    """`/start` in a coach's chat."""
    assert turn.coach is not None
    if code and await coaches.check_code(turn.tx, code, turn.now) is not None:
        turn.say(turn.tr("This chat is already your coach access."))
    elif code:
        if not await code_exists(turn, code):
            await start_attempts.record_failure(turn.tx, turn.chat_id, turn.now)
        turn.say(
            turn.tr(
                "This is a coach's chat, so it cannot join as a participant. "
                "Participants open their invitation in their own Telegram."
            )
        )
    else:
        turn.say(
            turn.tr("You are registered as a coach of {organisation}.", organisation=turn.coach.organisation)
        )
    await start(turn, "coach", "menu")


async def code_exists(turn: Turn, code: str) -> bool:
    """Whether `code` was ever issued, as an invitation or a coach's code (used or expired ones too)."""
    return (
        await coaches.check_code(turn.tx, code, turn.now) is not None
        or await invitations.check(turn.tx, code, turn.now) is not None
    )
