"""Conversations: a flow is a table of named steps; handlers answer with where to go next.

A step says what it shows, what each button (by action name) and typed text do, and where "⬅️ Back"
goes. A handler returns the next step of its own flow (`Go`), a handover to another flow by name
(`Handover`), `STAY` (show the same question again) or `DONE` (it said the last word itself); `follow` then
moves the conversation and shows the new step, once. Step names are a `StrEnum` per flow, so a typo is a
type error; the table, "back" targets and handover targets are checked when the registry is built.

The questionnaires (`dialogs/questionnaires`) are flows whose steps come from their TOML forms; they
subclass `Flow` directly and are checked when their form is loaded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from dialogs.core.actions import Action

if TYPE_CHECKING:  # a turn carries the registry of flows; flows only name the type
    from dialogs.core.turn import Turn


class Standing(Enum):
    """Where a chat stands with the programme; commands say in which of these they work."""

    STRANGER = "stranger"  # no invitation accepted yet, nothing stored
    ENROLLING = "enrolling"  # between a valid invitation and the last consent answer
    ACTIVE = "active"
    RENEWAL = "renewal"  # active, but a consent text changed and must be read again first
    STOPPED = "stopped"  # withdrew with /stop; data kept until /delete
    COACH = "coach"  # an enrolled coach's chat (a second kind of actor in the same engine)


# Every standing a participant (or someone becoming one) can be in; coach commands opt in with COACHES.
ALL_STANDINGS = frozenset(Standing) - {Standing.COACH}
PARTICIPANTS = frozenset({Standing.ACTIVE, Standing.STOPPED})
ACTIVE = frozenset({Standing.ACTIVE})
COACHES = frozenset({Standing.COACH})


@dataclass(frozen=True)
class Go:
    """Go to a step of the same flow. `data` is merged into the conversation's data, or replaces it when
    `fresh` (a new start)."""

    step: str
    data: Mapping[str, Any] = field(default_factory=dict)
    fresh: bool = False


@dataclass(frozen=True)
class Handover:
    """Leave this flow for another one, by name, starting with fresh data at `step` (its first if None).
    The flow must declare the name in `hands_over_to`."""

    flow: str
    step: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


class _Stay(Enum):
    STAY = "stay"  # show the current step again
    DONE = "done"  # the handler said everything itself (or ended the conversation)


STAY = _Stay.STAY
DONE = _Stay.DONE
Next = Go | Handover | _Stay


class Flow:
    """A conversation the engine can show and hand answers to."""

    name = ""
    takes_text = False  # True when a step waits for typed words (they reach on_text even with crisis words)
    first = ""
    hands_over_to: Collection[str] = ()

    async def show(self, turn: Turn) -> None:
        raise NotImplementedError

    async def on_choice(self, turn: Turn, action: Action) -> None:
        await self.show(turn)

    async def on_text(self, turn: Turn, text: str) -> None:
        turn.say(turn.tr("Please tap one of the buttons below."))
        await self.show(turn)

    def step_names(self) -> Collection[str] | None:
        """The steps this flow can be at, or None when they are data (a questionnaire's items)."""
        return None


ShowHandler = Callable[["Turn"], Awaitable[Next | None]]
ChoiceHandler = Callable[["Turn", Action], Awaitable[Next]]
TextHandler = Callable[["Turn", str], Awaitable[Next]]
S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Step:
    """One question: `show` says it (it may return where to go instead, when the question no longer
    applies); `choices` maps a button's action name to its handler; `text` handles typed words (None:
    "please tap a button"); `back` is the step a "back" button returns to."""

    show: ShowHandler
    choices: Mapping[str, ChoiceHandler] = field(default_factory=dict)
    text: TextHandler | None = None
    back: str | None = None


class StepFlow(Flow, Generic[S]):
    """A flow declared as a table of steps (see the module's docstring)."""

    def __init__(
        self,
        name: str,
        steps: Mapping[S, Step],
        *,
        first: S,
        everywhere: Mapping[str, ChoiceHandler] | None = None,
        hands_over_to: Collection[str] = (),
        takes_text: bool = False,
    ) -> None:
        """`everywhere`: buttons every step understands (`menu`, say), unless the step maps the name."""
        self.name = name
        self.steps: Mapping[str, Step] = {str(k): v for k, v in steps.items()}
        self.first = str(first)
        self.everywhere = dict(everywhere or {})
        self.hands_over_to = frozenset(hands_over_to)
        self.takes_text = takes_text
        self._names = frozenset(str(member) for member in type(first))
        missing = self._names - set(self.steps)
        if missing or set(self.steps) - self._names:
            raise ValueError(f"flow {name}: the table and the step names differ ({sorted(missing)})")
        for step_name, step in self.steps.items():
            if step.back is not None and step.back not in self._names:
                raise ValueError(f"flow {name}: step {step_name} goes back to unknown step {step.back}")

    def step_names(self) -> Collection[str]:
        return self._names

    def _current(self, turn: Turn) -> Step:
        return self.steps.get(turn.step) or self.steps[self.first]

    async def show(self, turn: Turn) -> None:
        if turn.step not in self.steps:
            turn.goto(self.name, self.first)
        redirect = await self._current(turn).show(turn)
        if redirect is not None:
            await follow(turn, redirect)

    async def on_choice(self, turn: Turn, action: Action) -> None:
        step = self._current(turn)
        handler = step.choices.get(action.name) or self.everywhere.get(action.name)
        if handler is not None:
            await follow(turn, await handler(turn, action))
        elif action.name == "back" and step.back is not None:
            await follow(turn, Go(step.back))
        else:
            await self.show(turn)

    async def on_text(self, turn: Turn, text: str) -> None:
        step = self._current(turn)
        if step.text is None:
            await super().on_text(turn, text)
            return
        await follow(turn, await step.text(turn, text))


async def follow(turn: Turn, next_: Next) -> None:
    """Move the conversation where a handler said, and show that step once."""
    if next_ is DONE:
        return
    if isinstance(next_, Go):
        names = turn.registry.flow(turn.flow).step_names()
        if names is not None and next_.step not in names:
            raise LookupError(f"flow {turn.flow} has no step {next_.step}")
        if next_.fresh:
            turn.reset(turn.flow, next_.step, **next_.data)
        else:
            turn.goto(turn.flow, next_.step, **next_.data)
    elif isinstance(next_, Handover):
        if next_.flow not in turn.registry.flow(turn.flow).hands_over_to:
            raise LookupError(f"flow {turn.flow} does not declare a handover to {next_.flow}")
        target = turn.registry.flow(next_.flow)
        turn.reset(next_.flow, next_.step or target.first, **next_.data)
    await show_current(turn)


async def show_current(turn: Turn) -> None:
    """Show the question the chat is at again (after a help text, a closed button, odd input)."""
    flow = turn.registry.flows.get(turn.flow)
    if flow is not None:
        await flow.show(turn)


async def start(turn: Turn, flow: str, step: str | None = None, **data: Any) -> None:
    """Begin `flow` afresh (from a command or another flow) and show its first question."""
    target = turn.registry.flow(flow)
    turn.reset(flow, step or target.first, **data)
    await target.show(turn)


async def closed(turn: Turn) -> None:
    """An old, foreign or forged button: say so kindly and show where the conversation is."""
    turn.say(turn.tr("This question is closed."))
    if turn.participant is None and turn.conversation is None:
        return
    await show_current(turn)
