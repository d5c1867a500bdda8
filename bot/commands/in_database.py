"""A command's work against the open database, run to its end."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.settings import Settings
from storage.database import Database, Tx

T = TypeVar("T")


def in_database(
    settings: Settings, work: Callable[[Database], Awaitable[T]], *, create: bool = True, migrate: bool = True
) -> T:
    """Open COMPANION_DATABASE (with `create`, make it when it is missing; with `migrate`, bring its schema up
    to date), do `work` with it, close it and return what `work` returned."""

    async def run() -> T:
        async with await Database.open(settings.database, create=create, migrate=migrate) as db:
            return await work(db)

    return asyncio.run(run())


def read_database(settings: Settings, query: Callable[[Tx], Awaitable[T]], *, create: bool = True) -> T:
    """What `query` finds in one read transaction of COMPANION_DATABASE."""

    async def read(db: Database) -> T:
        async with db.read() as tx:
            return await query(tx)

    return in_database(settings, read, create=create)
