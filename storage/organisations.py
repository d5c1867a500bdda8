"""Organisations: a job centre or a service provider (Träger) whose coaches accompany participants."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from storage.database import Row, Tx
from storage.times import to_db

NAME_MAX = 80


@dataclass(frozen=True)
class Organisation:
    id: int
    name: str
    region: str | None
    webhook_url: str | None
    webhook_secret: str


def _from_row(row: Row) -> Organisation:
    return Organisation(row["id"], row["name"], row["region"], row["webhook_url"], row["webhook_secret"])


def new_secret() -> str:
    return secrets.token_hex(32)


async def create(
    tx: Tx, *, name: str, region: str | None, webhook_url: str | None, now: datetime
) -> Organisation:
    secret = new_secret()
    row_id = await tx.insert(
        "INSERT INTO organisations (name, region, webhook_url, webhook_secret, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (name, region, webhook_url, secret, to_db(now)),
    )
    return Organisation(row_id, name, region, webhook_url, secret)


async def by_id(tx: Tx, organisation_id: int) -> Organisation | None:
    row = await tx.one("SELECT * FROM organisations WHERE id = ?", (organisation_id,))
    return None if row is None else _from_row(row)


async def find(tx: Tx, name_or_id: str) -> Organisation | None:
    """By exact name, or by number."""
    row = await tx.one("SELECT * FROM organisations WHERE name = ?", (name_or_id.strip(),))
    if row is None and name_or_id.strip().isdigit():
        row = await tx.one("SELECT * FROM organisations WHERE id = ?", (int(name_or_id),))
    return None if row is None else _from_row(row)


async def all_organisations(tx: Tx) -> list[Organisation]:
    return [_from_row(row) for row in await tx.all("SELECT * FROM organisations ORDER BY id")]


async def set_webhook(tx: Tx, organisation_id: int, url: str | None) -> None:
    await tx.execute("UPDATE organisations SET webhook_url = ? WHERE id = ?", (url, organisation_id))


async def rotate_secret(tx: Tx, organisation_id: int) -> str:
    secret = new_secret()
    await tx.execute("UPDATE organisations SET webhook_secret = ? WHERE id = ?", (secret, organisation_id))
    return secret
