"""/mydata (everything stored, as a JSON document) and /delete (two steps, then every row is gone)."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum

from dialogs.appointments.wording import readable_appointments
from dialogs.coaching.alerts import participation_ended
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import DONE, Handover, Next, Standing, Step, StepFlow, show_current, start
from dialogs.core.standing import standing_of
from dialogs.core.turn import Turn
from dialogs.participation.stop import cancel_enrolment
from dialogs.questionnaires.selfreport import readable_notes
from storage import org_pseudonyms, personal_data
from storage.database import Tx
from storage.outbox import Attachment
from storage.participants import Participant, Status
from storage.times import to_db


async def mydata_command(turn: Turn, args: str) -> None:
    participant = turn.person
    document = {
        "about": "Everything the companion stores about this participant, table by table.",
        "pseudonym": participant.pseudonym,
        "exported_at": to_db(turn.now),
        "tables": await personal_data.export(
            turn.tx,
            participant.id,
            participant.chat_id,
            (participant.pseudonym, *await org_pseudonyms.all_of(turn.tx, participant.id)),
        ),
        # The same self-reports with their notes opened (in the tables above the notes are encrypted).
        "selfreports_readable": await readable_notes(turn),
        # The appointments with place and note opened (above they are encrypted; None: cannot be opened).
        "appointments_readable": await readable_appointments(
            turn.tx, participant.id, turn.config.encryption_keys
        ),
    }
    content = json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    turn.say(
        turn.tr("Here is everything I have stored about you, as a file."),
        attachment=Attachment(f"mydata-{participant.pseudonym}.json", content),
    )
    await show_current(turn)


async def delete_command(turn: Turn, args: str) -> None:
    if standing_of(turn) is Standing.ENROLLING:
        await cancel_enrolment(turn)
        return
    await start(turn, DELETE.name, DeleteStep.CONFIRM)


class DeleteStep(StrEnum):
    CONFIRM = "confirm"


async def _show_confirm(turn: Turn) -> None:
    turn.say(
        turn.tr(
            "Do you want me to delete everything about you? This cannot be undone. "
            "To take part again later you would need a new invitation."
        ),
        [
            [Choice(turn.tr("Yes, delete everything"), act("erase"))],
            [Choice(turn.tr("No, keep my data"), act("keep"))],
        ],
    )


async def _erase(turn: Turn, action: Action) -> Next:
    goodbye = turn.tr("Everything about you is deleted. Thank you for the time with me. Take care!")
    await erase_everything(turn.tx, turn.participant, turn.chat_id, turn.now)
    turn.participant = None
    turn.forget_conversation()
    turn.erased = True
    turn.say(goodbye)
    return DONE


async def _keep(turn: Turn, action: Action) -> Next:
    turn.say(turn.tr("Okay, nothing was deleted."))
    return Handover("menu")


DELETE = StepFlow(
    "delete",
    {DeleteStep.CONFIRM: Step(_show_confirm, choices={"erase": _erase, "keep": _keep})},
    first=DeleteStep.CONFIRM,
    hands_over_to={"menu"},
)


async def erase_everything(tx: Tx, participant: Participant | None, chat_id: int, now: datetime) -> None:
    """The one erasure, for /delete and for people erased after they left: coaches of someone still
    taking part learn that it ended, then every row tied to the person or the chat goes. The audit log
    stays, naming only the pseudonym, which then points to nobody."""
    if participant is not None and participant.status is not Status.STOPPED:
        await participation_ended(tx, participant, now)
    await personal_data.erase(tx, participant.id if participant else None, chat_id)
