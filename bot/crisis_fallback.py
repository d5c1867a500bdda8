"""Crisis input is answered even when the engine cannot answer: database locked, file gone, disk full.

Both transports hand every event to a `Dispatcher`. For ordinary events it just runs the engine. For
crisis input (/sos, the help button's fixed callback data, or crisis words in the text, all recognised
without a database) it runs the engine too, but if the engine has not answered within a second, fails,
or raises, the crisis card is sent straight through the transport, in the language of the crisis words
(or Telegram's language), with the local services of the installation's region where it has one.

If the engine is merely slow and answers later, the person gets the card twice: better than none. An
update that could not be stored comes again from Telegram until it is; its card goes out directly once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from bot.delivery import Result, Sender
from dialogs.core.config import EngineConfig
from dialogs.core.engine import Engine, Handled
from dialogs.core.events import Event, EventKind
from dialogs.core.i18n import N_, Translator, shipped_locales
from dialogs.core.sanitize import clean
from dialogs.crisis.detection import crisis_card, is_crisis_input, local_help
from dialogs.crisis.words import find_crisis
from storage.outbox import OutboxMessage

log = logging.getLogger(__name__)

CRISIS_DEADLINE = 1.0  # seconds the engine gets before the card goes out directly
SEND_ATTEMPTS = 3
DIRECT_ID = 0  # outbox id of a message that never was in the outbox
REMEMBERED = 1000  # updates whose card went out directly, not sent again when Telegram redelivers them

NO_STORAGE = N_(
    "I have a technical problem right now. If you want your coach to contact you, please call them "
    "directly. The numbers above always work."
)


def crisis_locale(event: Event, config: EngineConfig) -> str | None:
    """The card's language when `event` is crisis input, else None."""
    if not is_crisis_input(event):
        return None
    pattern = find_crisis(clean(event.text)) if event.kind is EventKind.TEXT else None
    if pattern is not None and pattern.lang in shipped_locales():
        return pattern.lang
    return config.locale_for_hint(event.language_hint)


def direct_card(event: Event, locale: str, config: EngineConfig, region: str | None = None) -> OutboxMessage:
    """The card as the engine would show it (the same function), with the services of `region`."""
    tr = Translator(locale, config.fallback_locale, config.default_timezone)
    text = crisis_card(tr, local_help(tr, config.info_root, region)) + "\n\n" + tr(NO_STORAGE)
    return OutboxMessage(DIRECT_ID, event.chat_id, None, text, [], None, 0)


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        sender: Sender,
        config: EngineConfig,
        deadline: float = CRISIS_DEADLINE,
        region: str | None = None,
    ) -> None:
        """`region`: the programme region of this installation, whose local services the card names when
        the participant's own region cannot be read (None: the national lines only)."""
        self.engine = engine
        self.region = region
        self.sender = sender
        self.config = config
        self.deadline = deadline
        self._pending: set[asyncio.Task[Handled]] = set()
        self._carded: deque[int] = deque(maxlen=REMEMBERED)

    async def dispatch(self, event: Event) -> Handled:
        """Run the engine on `event` (with the crisis card as a guard) and return its outcome, so the
        transport confirms the update to Telegram only when it was stored (`Handled.redeliver` is False)."""
        locale = crisis_locale(event, self.config)
        if locale is None:
            try:
                return await self.engine.handle(event)
            except Exception as exc:
                log.error("the engine could not handle a %s event (%s)", event.kind, type(exc).__name__)
                return Handled(failed=True)
        task = asyncio.create_task(self.engine.handle(event))
        self._pending.add(task)
        task.add_done_callback(self._settled)
        done, _ = await asyncio.wait({task}, timeout=self.deadline)
        if task in done and not task.cancelled() and task.exception() is None and not task.result().failed:
            return task.result()
        if event.update_id is None or event.update_id not in self._carded:
            log.warning("crisis input answered directly: the engine did not answer in time")
            await self._send(direct_card(event, locale, self.config, self.region))
            if event.update_id is not None:
                self._carded.append(event.update_id)
        try:
            return await asyncio.shield(task)  # stored or not decides whether Telegram may forget it
        except Exception:
            return Handled(failed=True)  # logged by `_settled`

    async def _send(self, message: OutboxMessage) -> None:
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                outcome = await self.sender.send(message)
            except Exception as exc:
                log.error("sending the crisis card failed (%s)", type(exc).__name__)
                continue
            if outcome.result is Result.SENT:
                return
            if outcome.result in (Result.BLOCKED, Result.REJECTED):
                log.error("the crisis card could not be delivered (%s)", outcome.error)
                return
            await asyncio.sleep(min(outcome.retry_after or 0.5, 5.0) * attempt)

    def _settled(self, task: asyncio.Task[Handled]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("the engine failed on crisis input (%s)", type(task.exception()).__name__)

    async def join(self) -> None:
        """Wait for engine runs still going after their card went out directly (shutdown, tests)."""
        if self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)
