"""Invitation codes: their shape, and what someone whose code is refused is told."""

from __future__ import annotations

import re

from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from storage.invitations import CodeState

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
NEED_INVITATION = N_(
    "To use this companion you need an invitation link from your coach. Please ask your coach for one."
)
CODE_MESSAGES = {
    CodeState.UNKNOWN: N_("I do not know this invitation code."),
    CodeState.USED: N_("This invitation has already been used."),
    CodeState.EXPIRED: N_("This invitation has expired."),
}


def refuse(turn: Turn, state: CodeState) -> None:
    """Why the invitation does not work, and how to get one that does."""
    turn.say(turn.tr(CODE_MESSAGES[state]) + " " + turn.tr(NEED_INVITATION))
