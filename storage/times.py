"""Aware-UTC datetimes to and from the fixed-width text stored in SQLite."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored; pass an aware UTC time")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def maybe_from_db(text: str | None) -> datetime | None:
    return None if text is None else from_db(text)
