"""Checks before anything starts, each ending in a sentence rather than a traceback: the SQLite library is
new enough, the database's folder can be written, and no COMPANION_* variable is misspelt."""

from __future__ import annotations

import difflib
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.settings import ENV_PREFIX, ConfigError

OLDEST_SQLITE = (3, 35, 0)  # RETURNING (used by the outbox and due rows) came with 3.35
# Variables with the prefix that are not settings of this program (systemd's credentials folder is not
# prefixed; these are kept here for the ones a deployment may set for itself).
NOT_SETTINGS = frozenset({"COMPANION_SOAK_PARTICIPANTS"})


def check_sqlite(version: str = sqlite3.sqlite_version) -> None:
    found = tuple(int(part) for part in version.split(".")[:3])
    if found < OLDEST_SQLITE:
        raise ConfigError(
            f"the SQLite library is {version}, but the companion needs SQLite "
            f"{'.'.join(map(str, OLDEST_SQLITE))} or newer (for RETURNING).\n"
            "Install a newer Python or SQLite (Debian 12, Ubuntu 22.04 and newer are fine)."
        )


def unknown_variables(known: Iterable[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """One warning per COMPANION_* variable that is no setting, naming the nearest known one."""
    names = sorted(known)
    env = os.environ if environ is None else environ
    warnings = []
    for variable in sorted(env):
        if not variable.startswith(ENV_PREFIX) or variable in names or variable in NOT_SETTINGS:
            continue
        # Compared without the prefix every name shares, which would make any two names look alike.
        suffixes = {name[len(ENV_PREFIX) :]: name for name in names}
        nearest = difflib.get_close_matches(variable[len(ENV_PREFIX) :], list(suffixes), n=1, cutoff=0.6)
        hint = (
            f"; did you mean {suffixes[nearest[0]]}?"
            if nearest
            else " (see `companion --help` for the settings)"
        )
        warnings.append(f"{variable} is not a setting and is ignored{hint}")
    return warnings


def env_file_names(path: Path = Path(".env")) -> dict[str, str]:
    """The variable names set in a `.env` file (values left out), for the unknown-variable warning."""
    if not path.is_file():
        return {}
    names = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        name = line.strip().removeprefix("export ").split("=", 1)[0].strip()
        if "=" in line and name and not name.startswith("#"):
            names[name] = ""
    return names


def check_writable(database: Path) -> None:
    """The database file and its folder (SQLite writes its log beside it) must be writable by this user."""
    if str(database) == ":memory:":
        return
    folder = database.parent if database.parent != Path() else Path.cwd()
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    problem = None
    if database.exists() and not os.access(database, os.R_OK | os.W_OK):
        problem = f"the database file {database} cannot be read and written by this user"
    elif existing.is_dir():
        try:
            with tempfile.TemporaryFile(dir=existing):
                pass
        except OSError:
            problem = (
                f"the folder {existing} cannot be written by this user (SQLite keeps its log beside the file)"
            )
    else:
        problem = f"{existing} is not a folder"
    if problem:
        raise ConfigError(
            f"{ENV_PREFIX}DATABASE={database}: {problem}.\n"
            "Choose a path the service's user may write (under systemd: StateDirectory, /var/lib/companion)."
        )
