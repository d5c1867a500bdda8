"""Where the help content and catalogues live: shipped inside the package, or an installation's own copy
(COMPANION_CONTENT_DIR) that programme staff may edit. Nothing is ever written into an installed package:
an upgrade would silently replace it."""

from __future__ import annotations

import sysconfig
from pathlib import Path

from babel.messages.pofile import read_po

from bot.catalogue import start_catalogue
from bot.settings import ENV_PREFIX, SettingsError

INSTALLED_PARTS = frozenset({"site-packages", "dist-packages"})
SOURCE_MARKERS = ("pyproject.toml", "bot", "dialogs")


def installed(path: Path) -> bool:
    """Whether `path` lies inside an installed Python package (site-packages, the interpreter's library)."""
    resolved = path.resolve()
    if INSTALLED_PARTS & set(resolved.parts):
        return True
    for key in ("purelib", "platlib"):
        library = Path(sysconfig.get_paths()[key]).resolve()
        if resolved.is_relative_to(library):
            return True
    return False


def source_checkout(root: Path) -> bool:
    return all((root / marker).exists() for marker in SOURCE_MARKERS) and not installed(root)


def refuse_update(root: Path) -> None:
    """`locales update` extracts texts from the source code: only in a source checkout."""
    if not source_checkout(root):
        raise SettingsError(
            f"`companion locales update` extracts the texts from the source code, and {root} is not a source "
            "checkout (an installed package, or a content folder): run it in a clone of the repository (uv "
            "run companion locales update). To edit this installation's help content, copy "
            f"{root / 'locales'} to a folder of your own and set {ENV_PREFIX}CONTENT_DIR to it."
        )


def refuse_installed(locales: Path) -> None:
    """Writing a catalogue into `locales` only when it is not inside an installed package."""
    if installed(locales):
        raise SettingsError(
            f"{locales} is inside the installed package, where an upgrade would replace what is written. "
            f"Copy it to a folder of your own (e.g. /etc/companion/content), set {ENV_PREFIX}CONTENT_DIR to "
            "that folder in the service's environment, and run this again."
        )


def new_catalogue(locales: Path, locale: str) -> Path:
    """A catalogue for a new language in a content folder, from the folder's messages.pot."""
    template_path = locales / "messages.pot"
    if not template_path.exists():
        raise SettingsError(f"{locales} has no messages.pot to start a catalogue from")
    path = locales / locale / "LC_MESSAGES" / "messages.po"
    if path.exists():
        raise SettingsError(f"{path} exists already")
    with template_path.open("rb") as handle:
        return start_catalogue(read_po(handle), locales, locale)
