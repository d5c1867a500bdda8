"""The README stays current: every setting and every command is documented there."""

from __future__ import annotations

from pathlib import Path

from bot.cli import build_parser
from bot.settings import settings_table
from dialogs.features import REGISTRY

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    missing = [name for name, _, _ in settings_table() if f"`{name}`" not in README]
    assert missing == []


def test_every_staff_command_is_in_the_readme() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    missing = [name for name in subparsers.choices if f"`companion {name}" not in README]  # type: ignore[union-attr]
    assert missing == []


def test_every_chat_command_is_in_the_readme() -> None:
    missing = [name for name in REGISTRY.commands if f"`/{name}" not in README]
    assert missing == []


def test_the_two_quick_start_commands_are_there() -> None:
    assert "uv run companion run" in README and "uv run pytest" in README
