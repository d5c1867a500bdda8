"""Over random organisations, coaches, participants, links, consents and signals: no coach ever receives
anything outside their organisation's granted scope, and no coach reads a case their team (organisation)
has no link to: a colleague of a linked coach covers, within the same scope (the refusal is the same
whether the pseudonym exists or not). Webhooks obey the same rule. A coach meets a participant only under
the pseudonym the coach's own organisation knows them by."""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.coaching.summary import CoachSignal, signal_text
from dialogs.consent_texts import ORGANISATION_SCOPES, TEXT_VERSION
from dialogs.core.i18n import Translator
from dialogs.signals.catalogue import STORED_KINDS
from dialogs.signals.raising import raise_signal_for
from storage import coaches, consents, org_pseudonyms, organisations, participants
from tests.harness import World, world

pytestmark = pytest.mark.slow  # `uv run pytest -m "not slow"` leaves it out of the everyday loop

SCOPES = [scope.key for scope in ORGANISATION_SCOPES]
KINDS = [kind for kind in STORED_KINDS if kind.category_format == ""]  # notices are never raised
EN = Translator("en")
LABEL_TO_KIND = {signal_text(EN, CoachSignal(0, k.key, None, datetime.now(UTC))): k for k in KINDS}
ALERT = re.compile(r"^[🔴🟡] (P-[0-9A-Z]{4}): (.+) \(")
PSEUDONYM = re.compile(r"P-[0-9A-Z]{4}")


@dataclass(frozen=True)
class Graph:
    coach_orgs: list[int]  # coach i belongs to organisation coach_orgs[i]
    participants: int
    links: set[tuple[int, int]]  # (participant, coach)
    grants: dict[tuple[int, int], frozenset[str]]  # (participant, organisation) -> scopes
    signals: list[tuple[int, int]]  # (participant, index into KINDS)
    webhooks: set[int]  # organisations with a webhook


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    organisations_n = draw(st.integers(1, 3))
    coach_orgs = draw(st.lists(st.integers(0, organisations_n - 1), min_size=1, max_size=4))
    people = draw(st.integers(1, 4))
    pairs = [(p, c) for p in range(people) for c in range(len(coach_orgs))]
    links = set(draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=len(pairs), unique=True)))
    grants = {
        (p, o): frozenset(draw(st.lists(st.sampled_from(SCOPES), unique=True)))
        for p in range(people)
        for o in range(organisations_n)
    }
    signals = draw(
        st.lists(st.tuples(st.integers(0, people - 1), st.integers(0, len(KINDS) - 1)), max_size=8)
    )
    webhooks = set(draw(st.lists(st.integers(0, organisations_n - 1), unique=True)))
    return Graph(coach_orgs, people, links, grants, signals, webhooks)


async def check(graph: Graph, tmp: Path) -> None:
    async with world(tmp) as w:
        now = w.clock.now()
        org_ids: list[int] = []
        coach_ids: list[int] = []
        people: list[participants.Participant] = []
        async with w.db.transaction() as tx:
            for o in range(max(graph.coach_orgs) + 1):
                created = await organisations.create(
                    tx,
                    name=f"Org {o}",
                    region=None,
                    webhook_url="https://example.invalid/hook" if o in graph.webhooks else None,
                    now=now,
                )
                org_ids.append(created.id)
            for c, o in enumerate(graph.coach_orgs):
                new = await coaches.create(
                    tx,
                    organisation_id=org_ids[o],
                    name=f"Coach {c}",
                    locale="en",
                    timezone="Europe/Berlin",
                    now=now,
                )
                await coaches.activate(tx, new.coach.id, 9000 + c, now)
                coach_ids.append(new.coach.id)
            for p in range(graph.participants):
                people.append(
                    await participants.create(
                        tx, chat_id=1000 + p, locale="en", timezone="Europe/Berlin", now=now
                    )
                )
            for p, c in graph.links:
                await coaches.link(tx, people[p].id, coach_ids[c], now)
            for (p, o), scopes in graph.grants.items():
                if o >= len(org_ids):
                    continue
                for scope in SCOPES:
                    await consents.record(
                        tx,
                        people[p].id,
                        scope=scope,
                        granted=scope in scopes,
                        text_version=TEXT_VERSION,
                        text_sha256="-",
                        locale="en",
                        now=now,
                        organisation_id=org_ids[o],
                    )
            for p, k in graph.signals:
                await raise_signal_for(tx, people[p].id, KINDS[k].key, None, now)

        def linked(p: int, c: int) -> bool:
            return (p, c) in graph.links

        def in_team(p: int, c: int) -> bool:
            """Linked to a coach of c's organisation: c may see the case (assigned or covering)."""
            return any(graph.coach_orgs[other] == graph.coach_orgs[c] for q, other in graph.links if q == p)

        def allowed(p: int, c: int, scope: str) -> bool:
            return linked(p, c) and scope in graph.grants.get((p, graph.coach_orgs[c]), frozenset())

        def team_allowed(p: int, c: int, scope: str) -> bool:
            return in_team(p, c) and scope in graph.grants.get((p, graph.coach_orgs[c]), frozenset())

        w.clock.set(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))  # the digest comes
        await w.sweep()
        async with w.db.read() as tx:
            known = await tx.all(
                "SELECT pseudonym, participant_id, organisation_id FROM organisation_pseudonyms"
            )
        ids = [person.id for person in people]
        by_pseudonym = {row[0]: ids.index(row[1]) for row in known}
        org_of = {row[0]: org_ids.index(row[2]) for row in known}
        for c in range(len(graph.coach_orgs)):
            chat = w.chat(9000 + c)
            for message in await chat.receive():
                for pseudonym in PSEUDONYM.findall(message.text):
                    assert in_team(by_pseudonym[pseudonym], c), message.text
                    assert org_of[pseudonym] == graph.coach_orgs[c], message.text
                alert = ALERT.match(message.text)
                if alert:
                    kind = LABEL_TO_KIND[alert.group(2)]
                    assert allowed(by_pseudonym[alert.group(1)], c, kind.scope), message.text
            refusal = [(s.text, s.labels) for s in await chat.send("/case P-ZZZZ")]
            for p, person in enumerate(people):
                async with w.db.transaction() as tx:  # what the coach's /cases would show, if linked
                    seen = await org_pseudonyms.for_organisation(
                        tx, person.id, org_ids[graph.coach_orgs[c]], w.clock.now()
                    )
                for typed in {person.pseudonym, *(await known_as_elsewhere(w, person.id, seen))}:
                    assert [(s.text, s.labels) for s in await chat.send(f"/case {typed}")] == refusal
                shown = await chat.send(f"/case {seen}")
                if not in_team(p, c):
                    assert [(s.text, s.labels) for s in shown] == refusal
                    continue
                case = shown[0].text
                assert case.startswith(f"Participant {seen}")
                for line in case.splitlines():
                    label = line.split(": ", 1)[-1]
                    if line.startswith("• ") and label in LABEL_TO_KIND:
                        assert team_allowed(p, c, LABEL_TO_KIND[label].scope), case
                assert ("Days with a check-in" in case) == team_allowed(p, c, "checkin_counts")
                assert ("Mood:" in case) == team_allowed(p, c, "mood_trend")
                assert ("appointments" in case) == team_allowed(p, c, "appointments")
        async with w.db.read() as tx:
            posts = await tx.all("SELECT target, text FROM outbox WHERE kind = 'webhook'")
        for post in posts:
            body = json.loads(post["text"])
            o = org_ids.index(post["target"])
            p = by_pseudonym[body["pseudonym"]]
            assert org_of[body["pseudonym"]] == o
            assert any(linked(p, c) for c, org in enumerate(graph.coach_orgs) if org == o)
            scope = next(k.scope for k in KINDS if k.key == body["kind"])
            assert scope in graph.grants[(p, o)]


async def known_as_elsewhere(w: World, participant_id: int, own: str) -> list[str]:
    """The participant's pseudonyms at every other organisation."""
    async with w.db.read() as tx:
        return [p for p in await org_pseudonyms.all_of(tx, participant_id) if p != own]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
async def test_no_coach_receives_or_reads_anything_outside_the_granted_scope(graph: Graph) -> None:
    with tempfile.TemporaryDirectory() as folder:
        await check(graph, Path(folder))
