"""A misspelt step, flow or command name fails when the registry is built, not when a person reaches it."""

from __future__ import annotations

from enum import StrEnum

import pytest

from dialogs.core.actions import Action, act
from dialogs.core.flow import Flow, Go, Next, Step, StepFlow
from dialogs.core.registry import Command, MenuEntry, Registry
from dialogs.core.turn import Turn
from dialogs.features import REGISTRY


class Where(StrEnum):
    HERE = "here"
    THERE = "there"


async def _show(turn: Turn) -> None:
    return None


async def _go(turn: Turn, action: Action) -> Next:
    return Go(Where.THERE)


async def _command(turn: Turn, args: str) -> None:
    return None


def a_flow(name: str = "sample", *, hands_over_to: tuple[str, ...] = ()) -> StepFlow[Where]:
    return StepFlow(
        name,
        {Where.HERE: Step(_show, choices={"go": _go}), Where.THERE: Step(_show, back=Where.HERE)},
        first=Where.HERE,
        hands_over_to=hands_over_to,
    )


def test_the_shipped_registry_is_consistent() -> None:
    """Every flow, command, due kind and lasting button of the companion, checked as at start-up."""
    assert (
        Registry.of(
            commands=REGISTRY.commands.values(),
            flows=REGISTRY.flows.values(),
            due=REGISTRY.due.values(),
            buttons=REGISTRY.buttons.values(),
            menu=REGISTRY.menu,
            menu_text=REGISTRY.menu_text,
            hooks=REGISTRY.hooks,
        )
        == REGISTRY
    )


def test_a_step_missing_from_the_table_fails_when_the_flow_is_made() -> None:
    with pytest.raises(ValueError, match="the table and the step names differ"):
        StepFlow("sample", {Where.HERE: Step(_show)}, first=Where.HERE)


def test_back_to_an_unknown_step_fails_when_the_flow_is_made() -> None:
    with pytest.raises(ValueError, match="goes back to unknown step nowhere"):
        StepFlow(
            "sample",
            {Where.HERE: Step(_show, back="nowhere"), Where.THERE: Step(_show)},
            first=Where.HERE,
        )


def test_a_handover_to_an_unknown_flow_fails_when_the_registry_is_built() -> None:
    with pytest.raises(ValueError, match="hands over to unknown flow elsewhere"):
        Registry.of(flows=[a_flow(hands_over_to=("elsewhere",))])
    assert (
        Registry.of(flows=[a_flow(hands_over_to=("other",)), a_flow("other")]).flow("other").name == "other"
    )


def test_a_name_registered_twice_fails() -> None:
    with pytest.raises(ValueError, match="flow 'sample' is registered twice"):
        Registry.of(flows=[a_flow(), a_flow()])
    with pytest.raises(ValueError, match="command 'x' is registered twice"):
        Registry.of(commands=[Command("x", _command, "X"), Command("x", _command, "X")])


def test_a_menu_entry_for_no_command_fails() -> None:
    with pytest.raises(ValueError, match="runs unknown command /nothing"):
        Registry.of(menu=[MenuEntry("Nothing", "nothing")])


def test_a_flow_that_starts_at_an_unknown_step_fails() -> None:
    class Odd(Flow):
        name = "odd"
        first = "nowhere"

        def step_names(self) -> frozenset[str]:
            return frozenset({"somewhere"})

    with pytest.raises(ValueError, match="starts at unknown step nowhere"):
        Registry.of(flows=[Odd()])


def test_actions_are_written_and_read_back_unchanged() -> None:
    assert act("checkin", 12, "later", 30) == "checkin:12:later:30"
    action = Action.parse("checkin:12:later:30")
    assert (action.name, action.number(), action.arg(1), action.number(2)) == ("checkin", 12, "later", 30)
    assert str(action) == "checkin:12:later:30"
    assert Action.parse("menu") == Action("menu")
    assert Action.parse("open:²").number() is None  # `isdigit` says yes, `int` refuses it
    assert Action.parse("open:" + "9" * 19).number() is None  # longer than SQLite's integers
    assert Action.parse("open").arg(3) == ""
