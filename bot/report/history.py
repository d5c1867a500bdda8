"""Writing a fictional history straight into the tables the report reads: for the tests, the example
report in `docs/examples/` and the timing of a seeded year. Nothing here runs in the service."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dialogs.appointments.when import DEFAULT_REMINDERS
from storage import report_counts
from storage.database import Tx
from storage.times import to_db


@dataclass
class Writer:
    tx: Tx
    serial: int = 0

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    async def organisation(self, name: str, region: str | None, at: datetime) -> int:
        return await self.tx.insert(
            "INSERT INTO organisations (name, region, webhook_secret, created_at) VALUES (?, ?, 'x', ?)",
            (name, region, to_db(at)),
        )

    async def coach(self, organisation_id: int, at: datetime) -> int:
        return await self.tx.insert(
            "INSERT INTO coaches (organisation_id, name, status, locale, timezone, created_at)"
            " VALUES (?, ?, 'active', 'de', 'Europe/Berlin', ?)",
            (organisation_id, f"Coach {self._next()}", to_db(at)),
        )

    async def invitation(
        self,
        at: datetime,
        coach_id: int | None = None,
        region: str | None = None,
        used_for: str | None = None,
    ) -> int:
        digest = hashlib.sha256(f"code-{self._next()}".encode()).hexdigest()
        return await self.tx.insert(
            "INSERT INTO invitations (code_sha256, created_at, expires_at, region, coach_id, used_for)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (digest, to_db(at), to_db(at + timedelta(days=14)), region, coach_id, used_for),
        )

    async def join(self, at: datetime, coach_id: int | None = None, region: str | None = None) -> int:
        """Someone invited (by the coach, else by the CLI for the region) who joins at once."""
        invitation = await self.invitation(at, coach_id, region)
        number = self._next()
        participant = await self.tx.insert(
            "INSERT INTO participants (pseudonym, chat_id, locale, timezone, status, enrolled_at, status_at,"
            " region) VALUES (?, ?, 'de', 'Europe/Berlin', 'active', ?, ?, ?)",
            (f"P-T{number:05d}", 500000 + number, to_db(at), to_db(at), region),
        )
        await self.tx.execute(
            "UPDATE invitations SET used_at = ?, participant_id = ? WHERE id = ?",
            (to_db(at), participant, invitation),
        )
        if coach_id is not None:
            await self.link(participant, coach_id, at)
        return participant

    async def link(self, participant_id: int, coach_id: int, at: datetime) -> None:
        await self.tx.execute(
            "INSERT INTO coach_links (participant_id, coach_id, linked_at) VALUES (?, ?, ?)",
            (participant_id, coach_id, to_db(at)),
        )

    async def stop(self, participant_id: int, at: datetime) -> None:
        await self.tx.execute(
            "UPDATE participants SET status = 'stopped', status_at = ? WHERE id = ?",
            (to_db(at), participant_id),
        )

    async def consent(
        self, participant_id: int, scope: str, granted: bool, at: datetime, organisation_id: int | None = None
    ) -> None:
        await self.tx.execute(
            "INSERT INTO consents (participant_id, scope, granted, text_version, text_sha256, locale, at,"
            " organisation_id) VALUES (?, ?, ?, 'v', 'h', 'de', ?, ?)",
            (participant_id, scope, int(granted), to_db(at), organisation_id),
        )

    async def pause(self, participant_id: int, at: datetime, until: datetime) -> None:
        await report_counts.count(self.tx, participant_id, report_counts.PAUSE_BEGUN, at)
        await self.tx.execute(
            "INSERT INTO schedules (participant_id, paused_until, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (participant_id) DO UPDATE SET paused_until = excluded.paused_until,"
            " updated_at = excluded.updated_at",
            (participant_id, to_db(until), to_db(at)),
        )

    async def checkin(self, participant_id: int, at: datetime) -> None:
        await self.tx.execute(
            "INSERT OR IGNORE INTO checkins (participant_id, slot, day, status, open_until, answered_at)"
            " VALUES (?, 'evening', ?, 'answered', ?, ?)",
            (participant_id, at.date().isoformat(), to_db(at + timedelta(hours=3)), to_db(at)),
        )

    async def signal(
        self,
        participant_id: int,
        kind: str,
        at: datetime,
        organisation_id: int | None = None,
        taken: datetime | None = None,
        closed: datetime | None = None,
        withdrawn: bool = False,
    ) -> int:
        """A signal, and with an organisation its inbox item (taken, closed or withdrawn when given)."""
        signal = await self.tx.insert(
            "INSERT INTO signals (participant_id, kind, created_at, delivered_at) VALUES (?, ?, ?, ?)",
            (participant_id, kind, to_db(at), to_db(at)),
        )
        if organisation_id is not None:
            status = "withdrawn" if withdrawn else "closed" if closed else "taken" if taken else "open"
            await self.tx.execute(
                "INSERT INTO inbox_items (signal_id, participant_id, organisation_id, status, urgent,"
                " taken_at, closed_at, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    signal,
                    participant_id,
                    organisation_id,
                    status,
                    int(kind == "contact_requested"),
                    to_db(taken) if taken else None,
                    to_db(closed) if closed else None,
                    "contacted" if closed else None,
                    to_db(at),
                ),
            )
        return signal

    async def appointment(
        self,
        participant_id: int,
        starts: datetime,
        reminders: list[str] | None = None,
        answer: str | None = None,
    ) -> None:
        """A confirmed appointment, its reminders sent (`reminders` None: the built-in defaults) the day
        before, and, with `answer` and a reminder, answered then."""
        sent, codes = starts - timedelta(days=1), reminders if reminders is not None else DEFAULT_REMINDERS
        for _ in codes:
            await report_counts.count(self.tx, participant_id, report_counts.REMINDER_SENT, sent)
        if answer is not None and codes:
            await report_counts.count(self.tx, participant_id, report_counts.REMINDER_ANSWERED, sent)
        await self.tx.execute(
            "INSERT INTO appointments (participant_id, starts_at, kind, status, added_by, reminders, answer,"
            " uid, created_at, updated_at)"
            " VALUES (?, ?, 'jobcentre', 'confirmed', 'participant', ?, ?, ?, ?, ?)",
            (
                participant_id,
                to_db(starts),
                None if reminders is None else json.dumps(reminders),
                answer,
                f"uid-{self._next()}",
                to_db(starts - timedelta(days=7)),
                to_db(starts - timedelta(days=7)),
            ),
        )


REGIONS = ("leverkusen", "bochum")


async def seed_year(
    tx: Tx, first: date, months: int = 12, people_per_month: int = 40, seed: int = 18
) -> None:
    """A fictional programme: three organisations in two regions (one tandem pair), people invited and
    joining every month, consents, check-ins, pauses, signals with taken and closed inbox items, and
    appointments with reminders. The same seed gives the same history."""
    rng = random.Random(seed)
    write = Writer(tx)
    start = datetime(first.year, first.month, first.day, 9, tzinfo=UTC)
    jobcentre = await write.organisation("Jobcenter Beispielstadt", REGIONS[0], start)
    addiction = await write.organisation("Suchtberatung Nord", REGIONS[0], start)
    bochum = await write.organisation("Gesundheitscoaching Bochum", REGIONS[1], start)
    coaches = {
        org: [await write.coach(org, start) for _ in range(3)] for org in (jobcentre, addiction, bochum)
    }
    for month in range(months):
        base = start + timedelta(days=30.5 * month)
        for _ in range(people_per_month):
            org = rng.choice((jobcentre, jobcentre, addiction, bochum))
            at = base + timedelta(days=rng.uniform(0, 29), hours=rng.uniform(0, 8))
            if rng.random() < 0.35:
                await write.invitation(at, rng.choice(coaches[org]))  # offered, never used
                continue
            person = await write.join(at, rng.choice(coaches[org]))
            if org == jobcentre and rng.random() < 0.3:
                await write.link(person, rng.choice(coaches[addiction]), at)  # a tandem
            await write.consent(person, "checkins", True, at)
            await write.consent(person, "selfreports", rng.random() < 0.6, at)
            await write.consent(person, "sharing", rng.random() < 0.7, at, org)
            await _live(write, rng, person, org, at, start + timedelta(days=30.5 * months))


async def _live(
    write: Writer, rng: random.Random, person: int, org: int, joined: datetime, until: datetime
) -> None:
    day = joined
    while day < until:
        day += timedelta(days=rng.choice((1, 1, 2, 3, 7)))
        if rng.random() < 0.008:
            await write.stop(person, day)
            return
        await write.checkin(person, day)
        if rng.random() < 0.02:
            await write.pause(person, day, day + timedelta(days=rng.choice((7, 14, 28))))
        if rng.random() < 0.04:
            came = day + timedelta(hours=rng.uniform(0, 14))
            taken = came + timedelta(hours=rng.expovariate(1 / 20)) if rng.random() < 0.9 else None
            closed = (
                taken + timedelta(hours=rng.expovariate(1 / 30)) if taken and rng.random() < 0.8 else None
            )
            await write.signal(person, "contact_requested", came, org, taken, closed)
        if rng.random() < 0.03:
            await write.signal(person, rng.choice(("mood_low", "new_date_needed", "paused")), day, org)
        if rng.random() < 0.05:
            answer = rng.choice(("there", "cannot", "new_date", None, None))
            await write.appointment(person, day + timedelta(days=3), None, answer)
