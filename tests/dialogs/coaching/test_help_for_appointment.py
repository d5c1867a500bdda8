"""Help to get to an appointment less than a day away reaches the coach at once, naming the appointment;
for one further away it waits for the digest, as before."""

from __future__ import annotations

from datetime import timedelta

from dialogs.consent_texts import APPOINTMENTS, TEXT_VERSION
from dialogs.signals.raising import raise_signal_for
from storage import appointments, consents, participants
from tests.dialogs.coach_helpers import known_as
from tests.harness import Chat, World


async def _appointment_and_help(
    w: World, chat: Chat, away: timedelta, *, organisation_sees_appointments: bool = True
) -> None:
    organisation_id = await w.organisation()
    async with w.db.transaction() as tx:
        person = await participants.by_chat(tx, chat.chat_id)
        assert person is not None
        if organisation_sees_appointments:
            await consents.record(
                tx,
                person.id,
                scope=APPOINTMENTS,
                granted=True,
                text_version=TEXT_VERSION,
                text_sha256="-",
                locale="en",
                now=w.clock.now(),
                organisation_id=organisation_id,
            )
        await appointments.create(
            tx,
            participant_id=person.id,
            starts_at=w.clock.now() + away,
            kind="jobcentre",
            place=None,
            note=None,
            status="confirmed",
            added_by="participant",
            now=w.clock.now(),
        )
        assert await raise_signal_for(tx, person.id, "help_to_get_there", "interpreter", w.clock.now())


async def test_help_for_an_appointment_today_goes_out_at_once_and_names_it(
    w: World, coach: Chat, participant: Chat
) -> None:
    await coach.receive()
    await _appointment_and_help(w, participant, timedelta(hours=2))
    [alert] = await coach.receive()
    pseudonym = await known_as(w, coach, participant)
    assert alert.text.startswith(f"🟡 {pseudonym}: Needs help to get to an appointment: an interpreter")
    assert "For the appointment:" in alert.text and "Job centre" in alert.text
    assert alert.labels == ["👁 Seen", "📞 I will get in touch"]


async def test_the_appointment_is_named_only_where_the_organisation_may_see_appointments(
    w: World, coach: Chat, participant: Chat
) -> None:
    await coach.receive()
    await _appointment_and_help(w, participant, timedelta(hours=2), organisation_sees_appointments=False)
    [alert] = await coach.receive()
    assert "Needs help to get to an appointment" in alert.text
    assert "For the appointment" not in alert.text and "Job centre" not in alert.text


async def test_help_for_an_appointment_in_three_days_waits_for_the_digest(
    w: World, coach: Chat, participant: Chat
) -> None:
    await coach.receive()
    await _appointment_and_help(w, participant, timedelta(days=3))
    assert await coach.receive() == []
