"""Drive the engine like a person would, and read what they would see, as a chat transcript."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dialogs.core.clock import FakeClock
from dialogs.core.config import EngineConfig
from dialogs.core.engine import Engine, Handled
from dialogs.core.events import Event, EventKind
from dialogs.features import REGISTRY
from storage import coaches, consents, due, invitations, organisations, outbox
from storage.database import Database, Tx
from storage.outbox import OutboxMessage
from storage.sealing import sealer_for

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Berlin


@dataclass
class Shown:
    """One message as the participant sees it."""

    text: str
    buttons: list[list[tuple[str, str]]]
    attachment_name: str | None = None
    attachment: bytes | None = None

    @property
    def labels(self) -> list[str]:
        return [label for line in self.buttons for label, _ in line]

    def render(self) -> str:
        lines = [f"bot: {self.text}"]
        if self.buttons:
            lines.append("     " + " | ".join(f"[{label}]" for label in self.labels))
        if self.attachment_name:
            lines.append(f"     (file {self.attachment_name})")
        return "\n".join(lines)


@dataclass
class Chat:
    """One person's chat with the bot. Everything the bot sends is collected in `seen`."""

    env: World
    chat_id: int
    language_hint: str | None = "en"
    seen: list[Shown] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    _update_id: int = 0

    async def send(self, text: str, *, update_id: int | None = None) -> list[Shown]:
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            event = Event(
                self.chat_id,
                EventKind.COMMAND,
                text=args,
                command=name.split("@")[0],
                language_hint=self.language_hint,
                update_id=update_id,
            )
        else:
            event = Event(
                self.chat_id, EventKind.TEXT, text=text, language_hint=self.language_hint, update_id=update_id
            )
        self.log.append(f"you: {text}")
        return await self.deliver(event)

    async def tap(self, label: str) -> list[Shown]:
        """Press the newest button whose label contains `label`. A reader looking for a button further on
        first reads through the pages of a text shown in short pages (each has only a "…▶" button)."""
        while (page := self._page(label)) is not None:
            self.log.append(f"you tap: [{page.labels[0]}]")
            await self.press(page.buttons[0][0][1])
        for shown in reversed(self.seen):
            for line in shown.buttons:
                for text, token in line:
                    if label in text:
                        self.log.append(f"you tap: [{text}]")
                        return await self.press(token)
        raise AssertionError(f"no button {label!r} in:\n{self.transcript()}")

    def _page(self, label: str) -> Shown | None:
        """The newest page whose only button reads on ("Next ▶"), when no later message has `label`."""
        for shown in reversed(self.seen):
            if any(label in text for text in shown.labels):
                return None
            if len(shown.labels) == 1 and shown.labels[0].endswith(("▶", "◀")):
                return shown
        return None

    async def press(self, token: str, *, update_id: int | None = None) -> list[Shown]:
        event = Event(
            self.chat_id, EventKind.CHOICE, token=token, language_hint=self.language_hint, update_id=update_id
        )
        return await self.deliver(event)

    async def unsupported(self, what: str) -> list[Shown]:
        self.log.append(f"you send: ({what})")
        return await self.deliver(
            Event(self.chat_id, EventKind.UNSUPPORTED, unsupported=what, language_hint=self.language_hint)
        )

    async def deliver(self, event: Event) -> list[Shown]:
        self.last_outcome: Handled = await self.env.engine.handle(event)
        return await self.receive()

    async def receive(self) -> list[Shown]:
        """Take every pending outbox message for this chat, as if Telegram delivered it."""
        new = [self._shown(m) for m in await self.env.take_outbox(self.chat_id)]
        self.seen.extend(new)
        self.log.extend(s.render() for s in new)
        return new

    @staticmethod
    def _shown(message: OutboxMessage) -> Shown:
        return Shown(
            message.text,
            message.buttons,
            message.attachment.filename if message.attachment else None,
            message.attachment.content if message.attachment else None,
        )

    @property
    def last(self) -> Shown:
        return self.seen[-1]

    def texts(self) -> str:
        return "\n".join(s.text for s in self.seen)

    def transcript(self) -> str:
        return "\n".join(self.log)


DEFAULT_ORGANISATION = "Jobcenter Musterstadt"


@dataclass
class World:
    db: Database
    clock: FakeClock
    engine: Engine
    path: Path
    default_coach: int | None = None

    def chat(self, chat_id: int = 1001, language_hint: str | None = "en") -> Chat:
        return Chat(self, chat_id, language_hint)

    async def invitation(self, days: int = 14, *, coach: int | bool | None = True) -> str:
        """A participant's invitation. By default from a coach of the default organisation (as coaches
        invite people), so sharing questions are asked; `coach=False` for one without a coach."""
        from datetime import timedelta

        coach_id = await self.default_coach_id() if coach is True else (coach or None)
        async with self.db.transaction() as tx:
            valid_for = timedelta(days=days)
            created = (
                await invitations.create_for_coach(tx, self.clock.now(), valid_for, coach_id)
                if coach_id
                else await invitations.create(tx, self.clock.now(), valid_for)
            )
        return created.code

    async def organisation(self, name: str = DEFAULT_ORGANISATION, webhook_url: str | None = None) -> int:
        async with self.db.transaction() as tx:
            found = await organisations.find(tx, name)
            if found is not None:
                return found.id
            created = await organisations.create(
                tx, name=name, region=None, webhook_url=webhook_url, now=self.clock.now()
            )
        return created.id

    async def coach_code(self, organisation: str = DEFAULT_ORGANISATION, name: str = "Anna Beispiel") -> str:
        """A coach's enrolment code, as `companion coach add` prints it."""
        organisation_id = await self.organisation(organisation)
        async with self.db.transaction() as tx:
            created = await coaches.create(
                tx,
                organisation_id=organisation_id,
                name=name,
                locale="en",
                timezone="Europe/Berlin",
                now=self.clock.now(),
            )
        return created.code

    async def coach(
        self, organisation: str = DEFAULT_ORGANISATION, name: str = "Anna Beispiel", chat_id: int = 9101
    ) -> Chat:
        """A coach who opened their enrolment link (their chat speaks English for readable tests)."""
        chat = self.chat(chat_id)
        await chat.send("/start " + await self.coach_code(organisation, name))
        return chat

    async def coach_id(self, chat: Chat) -> int:
        async with self.db.read() as tx:
            coach = await coaches.by_chat(tx, chat.chat_id)
        assert coach is not None
        return coach.id

    async def default_coach_id(self) -> int:
        """A coach of the default organisation who has access but no chat: what participants allow is
        recorded and audited as for anyone, and no test has to read a coach's messages it did not ask for."""
        if self.default_coach is None:
            organisation_id = await self.organisation()
            async with self.db.transaction() as tx:
                created = await coaches.create(
                    tx,
                    organisation_id=organisation_id,
                    name="Default Coach",
                    locale="en",
                    timezone="Europe/Berlin",
                    now=self.clock.now(),
                )
                await tx.execute("UPDATE coaches SET status = 'active' WHERE id = ?", (created.coach.id,))
            self.default_coach = created.coach.id
        return self.default_coach

    async def take_outbox(self, chat_id: int) -> list[OutboxMessage]:
        taken: list[OutboxMessage] = []
        async with self.db.transaction() as tx:
            while due := [m for m in await outbox.due(tx, self.clock.now(), 10_000) if m.chat_id == chat_id]:
                sealer = sealer_for(self.engine.config.encryption_keys)
                for message in due:
                    if await outbox.mark_sending(tx, message.id):  # as the worker claims: fail closed
                        await outbox.mark_sent(tx, message.id, self.clock.now())
                        opened = outbox.opened(message, sealer)
                        assert opened is not None, f"outbox {message.id} cannot be opened"
                        taken.append(opened)
        return taken

    async def sweep(self) -> int:
        """Run every pending due row whose time has come through the engine, as the scheduler would."""
        async with self.db.read() as tx:
            items = await due.pending_due(tx, self.clock.now(), 10_000)
        for item in items:
            await self.engine.handle(Event(item.chat_id, EventKind.DUE, due_id=item.id))
        return len(items)

    async def count(self, table: str) -> int:
        async with self.db.read() as tx:
            return int(await tx.scalar(f"SELECT COUNT(*) FROM {table}"))


@asynccontextmanager
async def world(tmp_path: Path, config: EngineConfig | None = None) -> AsyncIterator[World]:
    path = tmp_path / "companion.db"
    db = await Database.open(path)
    clock = FakeClock(START)
    current = World(db, clock, Engine(db, clock, config or EngineConfig(), REGISTRY), path)
    try:
        yield current
    finally:
        await current.db.close()  # a test may have reopened it to simulate a restart


async def record_consent(
    tx: Tx,
    participant_id: int,
    scope: str,
    now: datetime,
    *,
    granted: bool = True,
    organisation_id: int | None = None,
) -> None:
    """A consent as a test needs it: the scope and the answer matter, not the text that was shown."""
    await consents.record(
        tx,
        participant_id,
        scope=scope,
        granted=granted,
        text_version="v",
        text_sha256="h",
        locale="en",
        now=now,
        organisation_id=organisation_id,
    )
