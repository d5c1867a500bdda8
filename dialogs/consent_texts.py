"""The consent scopes and the exact texts shown for them.

Each scope's record stores a text version and the SHA-256 of the exact text shown, in the language shown.
When that text changes (a new version, a corrected translation, a new kind of signal), the hash no longer
matches and the participant is asked again before anything else happens.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from dialogs.i18n import N_, Translator
from dialogs.signal_catalogue import kinds_for_scope

TEXT_VERSION = "2026-11-22"

CHECKINS = "checkins"
SELFREPORTS = "selfreports"
SHARING = "sharing"
CRISIS = "crisis"


@dataclass(frozen=True)
class Scope:
    key: str
    required: bool
    title: str  # msgid: a short name for lists
    question: str  # msgid


SCOPES: tuple[Scope, ...] = (
    Scope(
        CHECKINS,
        True,
        N_("Check-ins and reminders"),
        N_("May I send you check-ins and appointment reminders? You need this to use the companion."),
    ),
    Scope(
        SELFREPORTS,
        False,
        N_("Storing how you are"),
        N_(
            "May I store your answers when you tell me how you are? This is optional. "
            "Without it, I do not keep these answers."
        ),
    ),
    Scope(
        SHARING,
        False,
        N_("Short signals for your coach"),
        N_(
            "May I share short signals with {organisation}? Never your answers, never your words. "
            "This is optional. It stays off unless you choose it."
        ),
    ),
    Scope(
        CRISIS,
        False,
        N_("Crisis alerts for your coach"),
        N_(
            "When you use the crisis help (/sos, or when you write about wanting to die), may I tell "
            "{organisation}? They would learn only that it happened and when, never what you wrote. "
            "This is optional. The crisis numbers always work, whatever you choose."
        ),
    ),
)
SCOPE_BY_KEY = {scope.key: scope for scope in SCOPES}

INTRODUCTION: tuple[str, ...] = (
    N_(
        "Hello! I am a companion for your coaching programme. I help you plan your day, remind you of "
        "appointments and give you help information in your language."
    ),
    N_(
        "Taking part is voluntary. It changes nothing about your Bürgergeld or other benefits. "
        "You can stop at any time."
    ),
    N_(
        "What I store: a pseudonym instead of your name, your language, your time zone, your settings and "
        "your answers. I never store your name, user name or phone number. Answers are deleted after "
        "{days} days."
    ),
    N_(
        "Your coach never sees your answers. If you allow it, your coach's organisation only sees short "
        "signals. You can always see them in /privacy."
    ),
    N_(
        "Telegram is a separate company. Chats with bots are not end-to-end encrypted. "
        "Please only write what you are comfortable with."
    ),
    N_(
        "You can stop at any time with /stop. /mydata sends you everything stored about you. "
        "/delete deletes everything about you."
    ),
)

YOUR_COACHS_ORGANISATION = N_("your coach's organisation")


def introduction(tr: Translator, retention_days: int) -> list[str]:
    return [tr(text, days=retention_days) for text in INTRODUCTION]


def question(tr: Translator, scope: Scope, organisation: str | None) -> str:
    org = organisation or tr(YOUR_COACHS_ORGANISATION)
    if scope.key == SHARING:
        signals = "\n".join(f"• {tr(kind.description)}" for kind in kinds_for_scope(SHARING))
        return tr(scope.question, organisation=org) + "\n\n" + tr("The signals could be:") + "\n" + signals
    if scope.key == CRISIS:
        return tr(scope.question, organisation=org)
    return tr(scope.question)


def shown_text(tr: Translator, scope: Scope, organisation: str | None, retention_days: int) -> str:
    """The exact text a participant reads before answering a scope (what the hash is taken of)."""
    parts = [*introduction(tr, retention_days)] if scope.required else []
    parts.append(question(tr, scope, organisation))
    return "\n\n".join(parts)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
