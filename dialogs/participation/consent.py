"""The consent: read in short messages and answered scope by scope.

It is asked when someone joins (after choosing the language), when a consent text has changed, when
someone who stopped comes back, and when a participant connects with another organisation
(`ConsentMode`). Until the last answer of someone joining nothing about them exists but this chat's
conversation row; declining the required scope deletes that too, and the invitation stays usable until it
expires. Declining it later stops taking part.

The conversation's data (`consent_answers.asking`): `mode`, `scopes` (the flow keys to ask, in order),
`answers` (flow key -> the answer, with the hash of the text shown), and when joining or connecting the
`invitation_id`, `coach_id` and `organisation_id`. The question shown is the first of `scopes` not yet
answered. (Conversations stored before the upgrade name it in the step, `scope:sharing@3`; they land on
`SCOPE` and so on the same question.)
"""

from __future__ import annotations

from enum import StrEnum

from dialogs import consent_texts
from dialogs.checkins.settings.conversation import begin_setup
from dialogs.checkins.settings.saving import plan_from_settings
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import DONE, STAY, Go, Handover, Next, Step, StepFlow
from dialogs.core.i18n import native_name, shipped_locales
from dialogs.core.turn import Turn
from dialogs.participation.codes import refuse
from dialogs.participation.consent_answers import (
    ConsentMode,
    answer,
    organisation_name,
    record_given,
    shown_sha256_for,
)
from dialogs.participation.language_names import locale_named
from dialogs.participation.linking import linkable_coach, linked
from dialogs.participation.stop import stop_participation
from storage import coaches, invitations, participants
from storage.invitations import CodeState
from storage.participants import Status


class ConsentStep(StrEnum):
    LANGUAGE = "language"  # joining: the language comes first
    INTRO = "intro"  # before the required scope: the introduction, one short page at a time
    SCOPE = "scope"  # the first of `scopes` not yet answered


def enrol_scope_keys(organisation_id: int | None) -> list[str]:
    """What joining asks: the participant's own scopes, then the organisation's (if a coach invited)."""
    keys = [scope.key for scope in consent_texts.PARTICIPANT_SCOPES]
    if organisation_id is not None:
        keys += [consent_texts.key_for(scope, organisation_id) for scope in consent_texts.ASKED_ON_LINK]
    return keys


def _asked(turn: Turn) -> str | None:
    """The flow key of the question now asked."""
    answers = turn.data.get("answers", {})
    return next((key for key in turn.data.get("scopes", []) if key not in answers), None)


async def _show_language(turn: Turn) -> None:
    preselected = turn.locale
    ordered = sorted(shipped_locales(), key=lambda code: code != preselected)
    labels = [("✓ " if code == preselected else "") + native_name(code) for code in ordered]
    choices = [Choice(label, act("lang", code)) for label, code in zip(labels, ordered, strict=True)]
    turn.say(turn.tr("Please choose your language."), [choices[i : i + 2] for i in range(0, len(choices), 2)])


async def _language_chosen(turn: Turn, action: Action) -> Next:
    locale = action.arg()
    if locale not in shipped_locales():
        return STAY
    turn.data["locale"] = locale
    turn.retranslate()
    keys = enrol_scope_keys(turn.data.get("organisation_id"))
    return Go(ConsentStep.SCOPE, {"scopes": keys, "answers": {}, "intro_shown": False, "link_shown": False})


async def _language_written(turn: Turn, text: str) -> Next:
    """A language typed by its name ("Deutsch", "arabic", "دری") counts as tapping it."""
    locale = locale_named(text)
    if locale is None:
        turn.say(turn.tr("Please tap one of the buttons below."))
        return STAY
    return await _language_chosen(turn, Action("lang", (locale,)))


async def _show_scope(turn: Turn) -> Next | None:
    key = _asked(turn)
    if key is None:
        return Handover("menu")
    scope, organisation_id = consent_texts.split_key(key)
    if scope.required and not turn.data.get("intro_shown"):
        return Go(ConsentStep.INTRO, {"intro_page": 0})
    name = await organisation_name(turn, organisation_id)
    if (
        organisation_id is not None
        and turn.data.get("mode") == ConsentMode.ENROL
        and not turn.data.get("link_shown")
    ):
        await _introduce_link(turn, organisation_id, name or "")
    yes = turn.tr("Yes, I agree") if scope.required else turn.tr("Yes")
    no = turn.tr("No, thanks") if scope.required else turn.tr("No")
    *before, last = consent_texts.question_messages(turn.tr, scope, name)
    for text in before:
        turn.say(text)
    turn.say(last, [[Choice(yes, act("yes")), Choice(no, act("no"))]])
    return None


async def _show_intro(turn: Turn) -> None:
    pages = consent_texts.introduction_pages(turn.tr, turn.config.retention_days)
    page = min(int(turn.data.get("intro_page") or 0), len(pages) - 1)
    turn.say(pages[page], [[Choice(turn.tr("Next ▶"), act("next"))]])


async def _intro_next(turn: Turn, action: Action) -> Next:
    """The next page; after the last, the question (each page's button closes when the next is shown)."""
    page = int(turn.data.get("intro_page") or 0) + 1
    if page < len(consent_texts.INTRODUCTION_PAGES):
        return Go(ConsentStep.INTRO, {"intro_page": page})
    return Go(ConsentStep.SCOPE, {"intro_shown": True})


async def _introduce_link(turn: Turn, organisation_id: int, name: str) -> None:
    """Joining with a coach's invitation: say who invited and what the organisation knows by that alone;
    it is recorded as the consent to be linked, with the hash of this text."""
    coach = await coaches.by_id(turn.tx, int(turn.data.get("coach_id") or 0))
    text = consent_texts.link_introduction(turn.tr, name, coach.name if coach else "")
    turn.say(text)
    answers = dict(turn.data.get("answers", {}))
    link_key = consent_texts.key_for(consent_texts.LINK, organisation_id)
    answers[link_key] = answer(turn, granted=True, sha256=consent_texts.text_sha256(text))
    turn.data["answers"] = answers
    turn.data["link_shown"] = True


async def _yes(turn: Turn, action: Action) -> Next:
    return await _answer(turn, granted=True)


async def _no(turn: Turn, action: Action) -> Next:
    return await _answer(turn, granted=False)


async def _answer(turn: Turn, *, granted: bool) -> Next:
    key = _asked(turn)
    if key is None:
        return STAY
    scope, _ = consent_texts.split_key(key)
    answers = dict(turn.data.get("answers", {}))
    answers[key] = answer(turn, granted=granted, sha256=await shown_sha256_for(turn, key))
    turn.data["answers"] = answers
    if scope.required and not granted:
        return await _declined(turn)
    if _asked(turn) is not None:
        return Go(ConsentStep.SCOPE)  # the next question (the buttons of this one stop working)
    return await _complete(turn)


async def _declined(turn: Turn) -> Next:
    if turn.data.get("mode") != ConsentMode.ENROL:
        await stop_participation(turn)
        return DONE
    expires = await invitations.check_expiry(turn.tx, int(turn.data["invitation_id"]))
    turn.say(turn.tr("That is okay. I have stored nothing about you."))
    if expires is not None:
        turn.say(
            turn.tr(
                "If you change your mind, open your invitation link again. It works until {date}.",
                date=turn.tr.date(expires, "long"),
            )
        )
    turn.forget_conversation()
    return DONE


async def _complete(turn: Turn) -> Next:
    """Every question answered: record the answers (creating the participant when joining), link them to
    the coach who invited them, and go on."""
    tx, now, mode = turn.tx, turn.now, turn.data.get("mode")
    linked_to = None
    welcome = turn.tr("Thank you. Your choices are saved.")
    if mode == ConsentMode.LINK:
        if await linkable_coach(turn) is None:
            return Handover("menu")
        participant = turn.person
        linked_to = turn.data["coach_id"]
    elif mode == ConsentMode.ENROL:
        invitation_id = int(turn.data["invitation_id"])
        if not await invitations.is_usable(tx, invitation_id, now):
            refuse(turn, CodeState.EXPIRED)
            turn.forget_conversation()
            return DONE
        participant = await participants.create(
            tx,
            chat_id=turn.chat_id,
            locale=turn.tr.locale,
            timezone=turn.config.default_timezone,
            now=now,
            region=await invitations.region_of(tx, invitation_id),
        )
        await invitations.mark_used(tx, invitation_id, participant.id, now)
        turn.attach_participant(participant)
        welcome = turn.tr(
            "Welcome! Your pseudonym is {pseudonym}. I do not store your name. Each organisation that "
            "works with you knows you by a pseudonym of its own: /privacy shows them.",
            pseudonym=participant.pseudonym,
        )
        linked_to = turn.data.get("coach_id")
    else:
        participant = turn.person
        if participant.status is not Status.ACTIVE:
            await participants.set_status(tx, participant.id, Status.ACTIVE, now)
            turn.participant = await participants.by_id(tx, participant.id)
    for key, given in dict(turn.data.get("answers", {})).items():
        await record_given(turn, participant.id, key, given)
    turn.say(welcome)
    if linked_to is not None:
        await linked(turn, participant, int(linked_to))
    if mode == ConsentMode.ENROL:
        await begin_setup(turn)  # a new participant sets up check-in times (or "later")
        return DONE
    if turn.person.status is Status.ACTIVE:
        # Answered again (a changed text, back after /stop): after /stop nothing stayed planned.
        await plan_from_settings(turn, appointments_too=True)
    return Handover("menu")


CONSENT = StepFlow(
    "consent",
    {
        ConsentStep.LANGUAGE: Step(
            _show_language, choices={"lang": _language_chosen}, text=_language_written
        ),
        ConsentStep.INTRO: Step(_show_intro, choices={"next": _intro_next}),
        ConsentStep.SCOPE: Step(_show_scope, choices={"yes": _yes, "no": _no}),
    },
    first=ConsentStep.SCOPE,
    hands_over_to={"menu"},
)
