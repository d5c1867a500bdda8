"""/stop: taking part ends at once. Every consent is withdrawn, nothing planned or queued is sent, the
coaches learn only that it ended, and the data stays until /delete or the day it is erased by itself.

Someone still joining who writes /stop (or /delete) leaves nothing behind: the unfinished joining is
forgotten.
"""

from __future__ import annotations

from dialogs.coaching.alerts import participation_ended
from dialogs.core import outgoing
from dialogs.core.flow import Standing
from dialogs.core.standing import standing_of
from dialogs.core.turn import Turn
from dialogs.participation.consent_answers import withdraw
from dialogs.participation.menu import MENU, MenuStep
from storage import consents, due, participants
from storage.participants import Status


async def stop_command(turn: Turn, args: str) -> None:
    standing = standing_of(turn)
    if standing is Standing.ENROLLING:
        await cancel_enrolment(turn)
        return
    if standing is Standing.STOPPED:
        turn.say(
            turn.tr(
                "You have already stopped. I send you nothing. "
                "/start lets you take part again, /delete deletes your data."
            )
        )
        return
    await stop_participation(turn)


async def cancel_enrolment(turn: Turn) -> None:
    await outgoing.cancel_for_chat(turn.tx, turn.chat_id)
    turn.forget_conversation()
    turn.say(turn.tr("Okay, I stopped. I have stored nothing about you."))


async def stop_participation(turn: Turn) -> None:
    """Withdraw every consent and cancel everything not yet sent; the coaches learn only that it ended."""
    tx, now, participant = turn.tx, turn.now, turn.person
    await participation_ended(tx, participant, now)
    for (scope, organisation_id), record in (await consents.everything(tx, participant.id)).items():
        await withdraw(turn, scope, organisation_id, record)
    await participants.set_status(tx, participant.id, Status.STOPPED, now)
    turn.participant = await participants.by_id(tx, participant.id)
    await outgoing.cancel_for_chat(tx, turn.chat_id)
    await due.drop_pending(tx, participant.id)  # nothing planned stays; coming back plans afresh
    turn.reset(MENU.name, MenuStep.STOPPED)
    turn.say(
        turn.tr(
            "You have stopped. I will not send you anything anymore. This changes nothing about "
            "your benefits."
        )
    )
    turn.say(
        turn.tr(
            "Your data is kept until {date} and then deleted by itself. You can delete it sooner with "
            "/delete; /mydata shows it. If you want to take part again, write /start.",
            date=turn.tr.date(turn.config.erasure_at(now)),
        )
    )
