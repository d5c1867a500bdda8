"""`companion audit`: check the append-only audit log's hash chain, and note its newest entry elsewhere."""

from __future__ import annotations

import argparse
import sys

from bot.commands.in_database import read_database
from bot.commands.parsing import Subparsers, actions, command
from bot.settings import Settings, SettingsError
from storage import audit


def declare(sub: Subparsers) -> None:
    audit_sub = actions(sub, "audit", help="the audit log", description="The append-only audit log.")
    verify = command(
        audit_sub,
        "verify",
        help="recompute the hash chain; exit code 1 on a broken or missing entry",
        description="Recompute the audit log's hash chain and report the first broken or missing entry. "
        "With --anchor ID:HASH (from an earlier `companion audit head`, kept elsewhere) it also notices "
        "deleted newest entries.",
        runs=verify_chain,
    )
    verify.add_argument("--anchor", default=None, help="ID:HASH of an entry noted earlier")
    command(
        audit_sub,
        "head",
        help="print the newest entry's ID:HASH, to keep elsewhere as an anchor",
        description="Print the newest entry's ID:HASH. Keep it outside this server; `audit verify --anchor` "
        "then also notices entries deleted from the end.",
        runs=print_head,
    )


def verify_chain(settings: Settings, args: argparse.Namespace) -> int:
    anchor = None
    if args.anchor:
        anchor_id, _, anchor_hash = str(args.anchor).partition(":")
        if not anchor_id.isdigit() or len(anchor_hash) != 64:
            raise SettingsError("--anchor must look like ID:HASH, as `companion audit head` prints it")
        anchor = (int(anchor_id), anchor_hash)

    verdict = read_database(settings, lambda tx: audit.verify(tx, anchor))
    if verdict.ok:
        print(f"the audit log is intact: {verdict.entries} entries")
        return 0
    print(f"the audit log is broken: {verdict.problem}", file=sys.stderr)
    return 1


def print_head(settings: Settings, args: argparse.Namespace) -> int:
    newest = read_database(settings, audit.head)
    print("(the audit log is empty)" if newest is None else "{}:{}".format(*newest))
    return 0
