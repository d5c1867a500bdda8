"""One pseudonym per organisation: a job centre and an addiction service in a tandem cannot join their
records about a person, because each knows the person under a pseudonym of its own."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from storage import audit, participants
from tests.dialogs.appointment_helpers import restart
from tests.dialogs.coach_helpers import connect, join, pseudonym_of
from tests.harness import Chat, World

REFUSED = "I cannot show you this case. You can see the participants in your /cases list."
ADDICTION = "Suchtberatung Nord"
JOBCENTRE = "Jobcenter Musterstadt"


def connected(coach: Chat) -> str:
    """The pseudonym in the coach's newest "is now connected with you" notice."""
    found = re.findall(r"🟢 (P-[0-9A-Z]{4}) is now connected with you", coach.texts())
    assert found, coach.transcript()
    return str(found[-1])


async def tandem(w: World) -> tuple[Chat, Chat, Chat]:
    """A participant who joined with the job centre's invitation and then connected the addiction service."""
    jobcentre = await w.coach(JOBCENTRE, "Anna Beispiel", chat_id=9101)
    addiction = await w.coach(ADDICTION, "Ben Muster", chat_id=9201)
    participant = await join(w, jobcentre, 1001)
    await connect(participant, addiction, sharing=True)
    return participant, jobcentre, addiction


async def test_each_organisation_knows_the_person_under_its_own_pseudonym(w: World) -> None:
    participant, jobcentre, addiction = await tandem(w)
    internal, seen_a, seen_b = pseudonym_of(participant), connected(jobcentre), connected(addiction)
    assert len({internal, seen_a, seen_b}) == 3
    await jobcentre.send(f"/case {seen_a}")
    assert jobcentre.seen[-3].text.startswith(f"Participant {seen_a}\nTakes part.")
    await addiction.send(f"/case {seen_b.lower()}")
    assert addiction.seen[-3].text.startswith(f"Participant {seen_b}\nTakes part.")
    await jobcentre.send("/cases")
    assert seen_a in jobcentre.texts().split("/cases")[-1]
    assert seen_b not in jobcentre.texts() and internal not in jobcentre.texts()
    assert seen_a not in addiction.texts() and internal not in addiction.texts()


async def test_another_organisations_pseudonym_or_the_internal_one_is_refused_like_an_unknown(
    w: World,
) -> None:
    participant, jobcentre, addiction = await tandem(w)
    answers = []
    for typed in (connected(jobcentre), pseudonym_of(participant), "P-2222"):
        shown = await addiction.send(f"/case {typed}")
        answers.append([(s.text, s.labels) for s in shown])
    assert answers[0][0][0] == REFUSED
    assert all(answer == answers[0] for answer in answers)
    refused = [s.text for s in await addiction.send(f"/appointment {connected(jobcentre)}")]
    assert refused[0] == REFUSED


async def test_alerts_and_participation_ended_name_each_organisations_pseudonym(w: World) -> None:
    participant, jobcentre, addiction = await tandem(w)
    seen_a, seen_b = connected(jobcentre), connected(addiction)
    await participant.send("/sos")  # one button per organisation: each is asked on its own
    await participant.tap(f"Please contact me ({JOBCENTRE})")
    await participant.tap(f"Please contact me ({ADDICTION})")
    alerts_a = [s.text for s in await jobcentre.receive()]
    alerts_b = [s.text for s in await addiction.receive()]
    assert any(t.startswith(f"🔴 {seen_a}: Asked to be contacted") for t in alerts_a), alerts_a
    assert any(t.startswith(f"🔴 {seen_b}: Asked to be contacted") for t in alerts_b), alerts_b
    assert not any(seen_b in t for t in alerts_a) and not any(seen_a in t for t in alerts_b)
    await addiction.tap("I will get in touch")
    assert f"Noted: you will get in touch with {seen_b}." in addiction.texts()
    await participant.send("/stop")
    assert [s.text for s in await jobcentre.receive()] == [f"⚪ {seen_a}: participation ended."]
    assert [s.text for s in await addiction.receive()] == [f"⚪ {seen_b}: participation ended."]


async def test_webhook_bodies_carry_the_receiving_organisations_pseudonym(w: World) -> None:
    await w.organisation(JOBCENTRE, webhook_url="https://example.invalid/jobcentre")
    await w.organisation(ADDICTION, webhook_url="https://example.invalid/addiction")
    participant, jobcentre, addiction = await tandem(w)
    seen = {JOBCENTRE: connected(jobcentre), ADDICTION: connected(addiction)}
    await participant.send("/sos")  # one button per organisation: each is asked on its own
    await participant.tap(f"Please contact me ({JOBCENTRE})")
    await participant.tap(f"Please contact me ({ADDICTION})")
    signals = await webhook_bodies(w)
    await participant.send("/stop")
    ended = await webhook_bodies(w)
    assert {(b["organisation"], b["pseudonym"]) for b in signals} == set(seen.items())
    assert sorted((b["organisation"], b["pseudonym"]) for b in ended) == sorted(seen.items())
    assert {b["type"] for b in signals} == {"signal"} and {b["type"] for b in ended} == {
        "participation_ended"
    }
    assert pseudonym_of(participant) not in json.dumps(signals + ended)


async def webhook_bodies(w: World) -> list[dict[str, str]]:
    async with w.db.read() as tx:
        rows = await tx.all("SELECT text FROM outbox WHERE kind = 'webhook' ORDER BY id")
    bodies = [json.loads(row[0]) for row in rows]
    return [body for body in bodies if body["type"] != "connected"]  # connections: test_inbox_webhooks.py


async def test_the_participant_sees_which_organisation_knows_them_as_what(w: World) -> None:
    participant, jobcentre, addiction = await tandem(w)
    seen_a, seen_b = connected(jobcentre), connected(addiction)
    await participant.send("/privacy")
    overview = participant.seen[-1].text
    assert f"{JOBCENTRE} knows you as {seen_a}, and whether you take part." in overview
    assert f"{ADDICTION} knows you as {seen_b}, and whether you take part." in overview
    await addiction.send(f"/case {seen_b}")
    await participant.send("/coachview")
    texts = [s.text for s in participant.seen]
    heading = texts.index(f"This is exactly what {ADDICTION} can see about you:")
    assert texts[heading + 1].startswith(f"Participant {seen_b}\n")
    heading = texts.index(f"This is exactly what {JOBCENTRE} can see about you:")
    assert texts[heading + 1].startswith(f"Participant {seen_a}\n")
    assert "Ben Muster (Suchtberatung Nord) opened your summary" in participant.texts()


async def test_the_audit_log_names_what_the_reader_saw_and_mydata_and_erasure_follow(w: World) -> None:
    participant, jobcentre, addiction = await tandem(w)
    seen_a, seen_b = connected(jobcentre), connected(addiction)
    await jobcentre.send(f"/case {seen_a}")
    await addiction.send("/cases")
    async with w.db.read() as tx:
        rows = await tx.all("SELECT action, organisation, pseudonym FROM audit_log ORDER BY id")
    reads = {(r[0], r[1], r[2]) for r in rows if r[0] in (audit.CASE_READ, audit.CASELOAD_READ)}
    assert reads == {(audit.CASE_READ, JOBCENTRE, seen_a), (audit.CASELOAD_READ, ADDICTION, seen_b)}
    await participant.send("/mydata")
    document = json.loads(next(s.attachment for s in participant.seen if s.attachment) or b"")
    known = {(row["pseudonym"]) for row in document["tables"]["organisation_pseudonyms"]}
    assert known == {seen_a, seen_b}
    assert {e["pseudonym"] for e in document["tables"]["audit_log"]} >= {seen_a, seen_b}
    await participant.send("/delete")
    await participant.tap("Yes, delete everything")
    assert await w.count("organisation_pseudonyms") == 0
    await jobcentre.send(f"/case {seen_a}")
    assert jobcentre.seen[-2].text == REFUSED


async def test_a_pseudonym_an_organisation_holds_is_never_handed_out_again(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, addiction = await tandem(w)
    async with w.db.transaction() as tx:
        await tx.execute(
            "UPDATE organisation_pseudonyms SET pseudonym = 'P-2222' WHERE pseudonym = ?",
            (connected(addiction),),
        )
        await audit.append(tx, action=audit.CASE_READ, now=w.clock.now(), pseudonym="P-2223")
    # The generator draws an organisation's pseudonym, then one the log names, then a free one.
    draws = iter("222222233333")
    monkeypatch.setattr(participants, "secrets", SimpleNamespace(choice=lambda _: next(draws)))
    async with w.db.transaction() as tx:
        created = await participants.create(
            tx, chat_id=1002, locale="de", timezone="Europe/Berlin", now=w.clock.now()
        )
    assert created.pseudonym == "P-3333"


async def test_an_upgraded_database_gives_existing_links_fresh_pseudonyms(w: World) -> None:
    """Before migration 0015 every organisation saw the internal pseudonym; after it, none does."""
    participant, jobcentre, addiction = await tandem(w)
    internal = pseudonym_of(participant)
    # The database as it was before: linked participants, no per-organisation pseudonyms.
    async with w.db.transaction() as tx:
        await tx.execute("DROP TABLE organisation_pseudonyms")
        await tx.execute("DELETE FROM schema_migrations WHERE name LIKE '0015_%'")
    await restart(w)  # the upgrade runs as the service starts
    await jobcentre.send("/cases")
    await addiction.send("/cases")
    listing_a = jobcentre.seen[-2].text
    listing_b = addiction.seen[-2].text
    found_a = re.findall(r"P-[0-9A-Z]{4}", listing_a)
    found_b = re.findall(r"P-[0-9A-Z]{4}", listing_b)
    assert len(found_a) == len(found_b) == 1
    assert len({internal, found_a[0], found_b[0]}) == 3
    await jobcentre.send(f"/case {internal}")
    assert jobcentre.seen[-2].text == REFUSED
    await addiction.send(f"/case {found_b[0]}")
    assert addiction.seen[-3].text.startswith(f"Participant {found_b[0]}\n")
