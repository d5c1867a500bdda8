"""The consent scopes and the exact texts shown for them.

Each scope's record stores a text version and the SHA-256 of the exact text shown, in the language shown.
When that text changes (a new version, a corrected translation, a new kind of signal), the hash no longer
matches and the participant is asked again before anything else happens.

Check-ins and storing self-reports concern only the participant. Everything a coach could learn is asked
per organisation (`per_organisation`): the participant says yes or no separately for each organisation
they are linked to, and the organisation's name is part of the text shown (and so of its hash). Being
linked is itself recorded (scope `link`): the organisation then knows the pseudonym and whether the
person takes part, nothing else without a further yes.

Version 2026-12-07 names the benefit Grundsicherungsgeld (Bürgergeld until 1 July 2026). That changes the
text of the required scope in every language, so everyone who agreed to the older text is asked again, once,
at their next message or tap (the introduction's pages, then the question): the system working as designed,
since nobody's yes may stand for a text they did not read. Their other answers (texts unchanged) stand.
Showing the same paragraphs in pages instead of one after another changed no hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from dialogs.core.i18n import N_, Catalogue, Translator
from dialogs.signals.catalogue import kinds_for_scope

TEXT_VERSION = "2026-12-07"

CHECKINS = "checkins"
SELFREPORTS = "selfreports"
SHARING = "sharing"
CHECKIN_COUNTS = "checkin_counts"
MOOD_TREND = "mood_trend"
APPOINTMENTS = "appointments"
LINK = "link"


@dataclass(frozen=True)
class Scope:
    key: str
    required: bool
    title: str  # msgid: a short name for lists
    question: str  # msgid
    per_organisation: bool = False


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
        per_organisation=True,
    ),
    Scope(
        CHECKIN_COUNTS,
        False,
        N_("On how many days you checked in"),
        N_(
            "May {organisation} see on how many days you checked in, in the last 7 and 28 days? "
            "Only the number of days, never your answers. This is optional."
        ),
        per_organisation=True,
    ),
    Scope(
        MOOD_TREND,
        False,
        N_("Whether your mood goes up or down"),
        N_(
            "May {organisation} see whether your mood goes up, stays the same or goes down? Only the "
            "direction, never your answers. It needs “Storing how you are”. This is optional."
        ),
        per_organisation=True,
    ),
    Scope(
        APPOINTMENTS,
        False,
        N_("Your upcoming appointments"),
        N_(
            "May {organisation} see your upcoming appointments: the day, the time and the kind (for example "
            "doctor)? Never the place and never your notes. This is optional."
        ),
        per_organisation=True,
    ),
)
LINK_SCOPE = Scope(
    LINK,
    False,
    N_("Connected with this organisation"),
    N_(
        "{coach} from {organisation} would like to accompany you with this companion. If you say yes, "
        "{organisation} knows your pseudonym and whether you take part. Everything else only if you allow "
        "it. Do you want to connect?"
    ),
    per_organisation=True,
)
# Told before the organisation's first question when someone joins with a coach's invitation.
LINK_INTRODUCTION = N_(
    "You were invited by {coach} from {organisation}. {organisation} knows your pseudonym and whether you "
    "take part. Everything else only if you allow it."
)
SCOPE_BY_KEY = {scope.key: scope for scope in (*SCOPES, LINK_SCOPE)}
PARTICIPANT_SCOPES = tuple(scope for scope in SCOPES if not scope.per_organisation)
ORGANISATION_SCOPES = tuple(scope for scope in SCOPES if scope.per_organisation)
# Asked when a participant is linked to an organisation; the others are offered afterwards.
ASKED_ON_LINK = (SHARING,)
OFFERED_AFTER_LINK = (CHECKIN_COUNTS, MOOD_TREND, APPOINTMENTS)


def key_for(scope: str, organisation_id: int | None) -> str:
    """How the consent flow names a question: `sharing@3` for an organisation's scope."""
    return scope if organisation_id is None else f"{scope}@{organisation_id}"


def split_key(key: str) -> tuple[Scope, int | None]:
    """The scope and organisation of a flow key; KeyError/ValueError for anything malformed."""
    name, _, organisation = key.partition("@")
    scope = SCOPE_BY_KEY[name]
    if scope.per_organisation != bool(organisation):
        raise KeyError(key)
    return scope, int(organisation) if organisation else None


INTRODUCTION: tuple[str, ...] = (
    N_(
        "Hello! I am a companion for your coaching programme. I help you plan your day, remind you of "
        "appointments and give you help information in your language."
    ),
    N_(
        "Taking part is voluntary. It changes nothing about your Grundsicherungsgeld or other benefits. "
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

# The introduction is read in short pages, one message each with a "Next" button, so nobody meets a wall
# of text: hello and voluntariness; what is stored and what a coach sees; Telegram and how to stop. The
# text recorded (`shown_text`) is the same paragraphs in the same order, so splitting it into pages changed
# no meaning and no hash; only the renamed benefit (Bürgergeld -> Grundsicherungsgeld, 1 July 2026) did.
INTRODUCTION_PAGES: tuple[tuple[int, ...], ...] = ((0, 1), (2, 3), (4, 5))

YOUR_COACHS_ORGANISATION = N_("your coach's organisation")


def introduction(tr: Translator, retention_days: int) -> list[str]:
    return [tr(text, days=retention_days) for text in INTRODUCTION]


def introduction_pages(tr: Translator, retention_days: int) -> list[str]:
    """The introduction as the messages shown, one per page (paragraphs joined as in `shown_text`)."""
    paragraphs = introduction(tr, retention_days)
    return ["\n\n".join(paragraphs[i] for i in page) for page in INTRODUCTION_PAGES]


def question(tr: Translator, scope: Scope, organisation: str | None, coach: str | None = None) -> str:
    org = organisation or tr(YOUR_COACHS_ORGANISATION)
    if scope.key == SHARING:
        signals = "\n".join(f"• {tr(kind.description)}" for kind in kinds_for_scope(SHARING))
        return tr(scope.question, organisation=org) + "\n\n" + tr("The signals could be:") + "\n" + signals
    if scope.key == LINK:
        return tr(scope.question, organisation=org, coach=coach or "")
    if scope.per_organisation:
        return tr(scope.question, organisation=org)
    return tr(scope.question)


def question_messages(tr: Translator, scope: Scope, organisation: str | None) -> list[str]:
    """`question` as the messages shown, each short enough for a phone screen: the sharing question and
    its list of signals are two messages (together exactly `question`, whose hash is recorded)."""
    text = question(tr, scope, organisation)
    if scope.key == SHARING:
        asked, _, signals = text.partition("\n\n")
        return [asked, signals]
    return [text]


def link_introduction(tr: Translator, organisation: str, coach: str) -> str:
    return tr(LINK_INTRODUCTION, organisation=organisation, coach=coach)


def shown_text(tr: Translator, scope: Scope, organisation: str | None, retention_days: int) -> str:
    """The exact text a participant reads before answering a scope (what the hash is taken of)."""
    parts = [*introduction(tr, retention_days)] if scope.required else []
    parts.append(question(tr, scope, organisation))
    return "\n\n".join(parts)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# (locale, fallback, scope, organisation, retention days) -> the catalogues it was rendered from, its hash
_SHOWN_HASHES: dict[tuple[str, str, str, str | None, int], tuple[tuple[Catalogue, ...], str]] = {}


def shown_sha256(tr: Translator, scope: Scope, organisation: str | None, retention_days: int) -> str:
    """`text_sha256(shown_text(...))`, rendered once per language, scope, organisation name and retention.

    Every tap compares the hash of each granted consent's text with the stored one; the texts change only
    with the catalogues, so a hash is kept as long as the very catalogues it was rendered from are loaded.
    """
    key = (tr.locale, tr.fallback, scope.key, organisation, retention_days)
    catalogues = tr.catalogues()
    cached = _SHOWN_HASHES.get(key)
    if cached is not None and cached[0] == catalogues:  # the same catalogues (compared by identity first)
        return cached[1]
    digest = text_sha256(shown_text(tr, scope, organisation, retention_days))
    _SHOWN_HASHES[key] = (catalogues, digest)
    return digest
