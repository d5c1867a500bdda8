"""`companion locales`: the translation catalogues' status, and for developers updating them and starting a
new language."""

from __future__ import annotations

import argparse

from bot import catalogue
from bot.commands.parsing import Subparsers, actions, command
from bot.ops import content
from bot.settings import Settings
from dialogs.core.i18n import LOCALES_DIR


def declare(sub: Subparsers) -> None:
    loc_sub = actions(sub, "locales", help="translation catalogues", description="Translation catalogues.")
    command(
        loc_sub,
        "status",
        help="coverage, fuzzy count and review status per locale",
        description="Coverage, fuzzy count and review status per locale.",
        runs=show_coverage,
    )
    command(
        loc_sub,
        "update",
        help="extract strings into messages.pot and merge into every locale",
        description="Extract strings and merge them into every locale (for developers).",
        runs=update_catalogues,
    )
    new = command(
        loc_sub,
        "new",
        help="start a catalogue for a new language",
        description="Start a catalogue for a new language.",
        runs=start_catalogue,
    )
    new.add_argument("locale", help="language code, for example 'it'")


def show_coverage(settings: Settings, args: argparse.Namespace) -> int:
    rows = catalogue.status()
    print(f"{'locale':8} {'coverage':>9} {'fuzzy':>6} {'problems':>9}  review")
    for row in rows:
        print(f"{row.locale:8} {row.coverage:9.0%} {row.fuzzy:6} {len(row.problems):9}  {row.review or '-'}")
    return 0


def update_catalogues(settings: Settings, args: argparse.Namespace) -> int:
    content.refuse_update(catalogue.ROOT)
    touched = catalogue.update()
    print("updated messages.pot and: " + ", ".join(touched))
    return 0


def start_catalogue(settings: Settings, args: argparse.Namespace) -> int:
    if not content.source_checkout(catalogue.ROOT):  # an installation: into its own content folder
        content.refuse_installed(LOCALES_DIR)
        print(f"created {content.new_catalogue(LOCALES_DIR, args.locale)}")
        return 0
    print(f"created {catalogue.new_locale(args.locale)}")
    return 0
