"""How a subcommand is declared: its parser, the actions under it, and the function that runs it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeAlias

from bot.settings import Settings, SettingsError

Handler: TypeAlias = Callable[[Settings, argparse.Namespace], int]
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def command(
    sub: Subparsers, name: str, *, help: str, description: str, runs: Handler | None = None
) -> argparse.ArgumentParser:
    """A parser for `name`; `runs` is what `companion` calls when the command line ends up there."""
    parser = sub.add_parser(name, help=help, description=description)
    if runs is not None:
        parser.set_defaults(run=runs)
    return parser


def actions(sub: Subparsers, name: str, *, help: str, description: str) -> Subparsers:
    """A command that does one of several actions (`companion db upgrade`, `companion db backup`), which
    are declared on what this returns; one of them must be given."""
    parser = sub.add_parser(name, help=help, description=description)
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)


def checked_name(text: str, longest: int) -> str:
    """The value of a `--name` argument without surrounding spaces."""
    name = text.strip()
    if not name or len(name) > longest:
        raise SettingsError(f"--name must have 1 to {longest} characters")
    return name
