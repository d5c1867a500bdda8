"""Alarming answers get care: after a self-report or the evening check-in is saved, a short kind reply with
a coping idea, the addiction hotline and (only where signals are shared) a button to ask the coach to get in
touch. Nothing more is stored because of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs.questionnaires.questionnaire import QuestionnaireError, parse
from tests.dialogs.coach_helpers import connect, join
from tests.dialogs.enrolment_helpers import enrol
from tests.dialogs.schedule_world import join as join_with_checkins
from tests.dialogs.schedule_world import when
from tests.dialogs.signals.test_signals import kinds
from tests.harness import DEFAULT_ORGANISATION, Chat, Shown, World, world

SAVED = "Thank you. I saved your answers. Only you can see them, with /myweek. Your coach never sees them."
CARING = "Thank you for telling me. That sounds hard."
HOTLINE = "Addiction and drug hotline, day and night (20 cents per call): 01806 313031"
CALM = ("Okay", "6 to 8 hours", "3", "No")


async def report(chat: Chat, mood: str, sleep: str, craving: str, use: str) -> list[Shown]:
    """A whole /report with these answers (stress skipped); what the last tap brought."""
    await chat.send("/report")
    await chat.tap(mood)
    await chat.tap(sleep)
    await chat.tap(craving)
    await chat.tap(use)
    return await chat.tap("Skip")  # stress: the report is stored


def caring(shown: list[Shown]) -> Shown | None:
    found = [s for s in shown if s.text.startswith(CARING)]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize(
    ("answers", "idea"),
    [
        (("Very bad", "6 to 8 hours", "3", "No"), "be gentle with yourself"),
        (("Okay", "Less than 4 hours", "3", "No"), "Very little sleep makes everything heavier"),
        (("Okay", "6 to 8 hours", "8", "No"), "Urge surfing: cravings rise and fall like a wave"),
        (("Okay", "6 to 8 hours", "10", "No"), "often within 20 minutes"),
        (("Okay", "6 to 8 hours", "3", "Yes"), "Thank you for being honest"),
    ],
)
async def test_each_alarming_answer_gets_a_kind_reply_after_saved(
    w: World, answers: tuple[str, str, str, str], idea: str
) -> None:
    chat = w.chat()
    await enrol(w, chat, sharing=False)
    shown = await report(chat, *answers)
    texts = [s.text for s in shown]
    reply = caring(shown)
    assert reply is not None, texts
    assert texts.index(SAVED) < texts.index(reply.text) < len(texts) - 1  # after "saved", before the menu
    assert idea in reply.text and HOTLINE in reply.text
    assert len(reply.text) <= 600
    assert reply.labels == []  # no signals shared: nobody to ask


@pytest.mark.parametrize(
    "answers",
    [
        CALM,
        ("Bad", "4 to 6 hours", "7", "I prefer not to say"),
        ("Very good", "More than 8 hours", "0", "No"),
    ],
)
async def test_calm_answers_get_only_the_thank_you(w: World, answers: tuple[str, str, str, str]) -> None:
    chat = w.chat()
    await enrol(w, chat)
    shown = await report(chat, *answers)
    assert SAVED in [s.text for s in shown] and caring(shown) is None


async def test_sharing_adds_a_button_and_only_its_tap_asks_the_coach(w: World) -> None:
    coach = await w.coach()
    participant = await join(w, coach, 1001, sharing=True)
    reply = caring(await report(participant, "Okay", "6 to 8 hours", "9", "No"))
    assert reply is not None and reply.labels == ["Ask my coach to get in touch"]
    assert await w.count("signals") == 0 and await coach.receive() == []
    await participant.tap("Ask my coach to get in touch")
    assert (
        f"I will let {DEFAULT_ORGANISATION} know that you would like to be contacted" in participant.last.text
    )
    assert await kinds(w) == [("contact_requested", None)]
    assert any("Asked to be contacted" in s.text for s in await coach.receive())


async def test_several_organisations_each_their_own_button_only_where_shared(w: World) -> None:
    coach = await w.coach()
    await w.organisation("Suchtberatung Nord")
    counsellor = await w.coach("Suchtberatung Nord", "Ben Muster", chat_id=9201)
    await w.organisation("Beratung Süd")
    third = await w.coach("Beratung Süd", "Cem Muster", chat_id=9301)
    participant = await join(w, coach, 1001, sharing=True)
    await connect(participant, counsellor, sharing=True)
    await connect(participant, third, sharing=False)
    reply = caring(await report(participant, "Very bad", "6 to 8 hours", "3", "No"))
    assert reply is not None
    assert reply.labels == [
        f"Ask {DEFAULT_ORGANISATION} to get in touch",
        "Ask Suchtberatung Nord to get in touch",
    ]
    await participant.tap("Ask Suchtberatung Nord to get in touch")
    assert any("Asked to be contacted" in s.text for s in await counsellor.receive())
    assert await coach.receive() == [] and await third.receive() == []


async def test_the_evening_check_in_cares_for_a_very_bad_day(w: World) -> None:
    chat = w.chat()
    await join_with_checkins(w, chat, morning=None)
    await when(w, chat, "2026-11-24 20:00")
    shown = await chat.tap("😞 Very bad")
    texts = [s.text for s in shown]
    assert texts[0] == "Thank you! Rest well tonight."
    assert texts[1].startswith(CARING) and "be gentle with yourself" in texts[1] and HOTLINE in texts[1]
    assert texts[2].startswith("Would you like to tell me a little more about how you are?")

    other = w.chat(2002)
    await join_with_checkins(w, other, morning=None)
    await when(w, other, "2026-11-25 20:00")
    shown = await other.tap("🙁 Bad")
    assert caring(shown) is None


async def counts(w: World) -> dict[str, int]:
    async with w.db.read() as tx:
        tables = [r[0] for r in await tx.all("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {table: await w.count(table) for table in tables}


async def test_nothing_more_is_stored_than_for_a_calm_report(tmp_path: Path) -> None:
    stored = {}
    for name, answers in (("calm", CALM), ("alarming", ("Very bad", "Less than 4 hours", "10", "Yes"))):
        async with world(tmp_path / name) as w:
            coach = await w.coach()
            participant = await join(w, coach, 1001, sharing=True)
            shown = await report(participant, *answers)
            assert (caring(shown) is not None) == (name == "alarming")
            stored[name] = await counts(w)
    calm, alarming = stored["calm"], stored["alarming"]
    # The caring reply is one more message in the outbox, with its one lasting button; nothing else.
    assert alarming.pop("outbox") == calm.pop("outbox") + 1
    assert alarming.pop("button_tokens") == calm.pop("button_tokens") + 1
    assert alarming == calm
    assert alarming["signals"] == 0 and alarming["selfreports"] == 1


def test_care_in_a_form_is_checked_when_it_loads() -> None:
    def form(item: str) -> dict[str, object]:
        import tomllib

        return {"parts": {"p": {"items": [tomllib.loads(item)]}}}

    scale = 'key = "craving"\nkind = "scale"\nquestion = "Q?"\nmin = 0\nmax = 10\n'
    single = (
        'key = "use"\nkind = "single"\nquestion = "Q?"\n'
        'options = [{key = "no", label = "No"}, {key = "yes", label = "Yes"}]\n'
    )
    assert parse(form(scale + 'care = { at_least = 8, idea = "I." }'), "ok.toml")
    assert parse(form(single + 'care = { options = ["yes"], idea = "I." }'), "ok.toml")
    for wrong in (
        scale + 'care = { at_least = 11, idea = "I." }',  # not a point of the scale
        scale + 'care = { at_least = 8, at_most = 1, idea = "I." }',  # two rules
        scale + 'care = { options = ["yes"], idea = "I." }',  # options on a scale
        single + 'care = { options = ["maybe"], idea = "I." }',  # not one of its options
        single + 'care = { options = ["yes"] }',  # no idea
    ):
        with pytest.raises(QuestionnaireError, match=r"item '(craving|use)'"):
            parse(form(wrong), "wrong.toml")
