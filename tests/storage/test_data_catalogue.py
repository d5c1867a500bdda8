"""Every stored table is declared in `storage/data_catalogue.py` (category, health data, purpose, legal basis,
retention), and nothing is declared that is not stored: the record of processing cannot forget a table."""

from __future__ import annotations

from pathlib import Path

from storage.data_catalogue import BY_NAME, CATALOGUE, Basis
from storage.database import Database


async def _tables(path: Path) -> dict[str, set[str]]:
    """Each table after all migrations, with its columns."""
    async with await Database.open(path) as db, db.read() as tx:
        names = [
            row["name"]
            for row in await tx.all(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {name: {row["name"] for row in await tx.all(f"PRAGMA table_info({name})")} for name in names}


async def test_every_table_is_declared_and_every_declaration_is_a_table(tmp_path: Path) -> None:
    stored = set(await _tables(tmp_path / "c.db"))
    assert sorted(stored - set(BY_NAME)) == [], "declare these tables in storage/data_catalogue.py"
    assert sorted(set(BY_NAME) - stored) == [], "these declared tables no longer exist"
    assert len(BY_NAME) == len(CATALOGUE)  # no table declared twice


async def test_a_table_about_a_person_is_never_declared_as_holding_no_personal_data(tmp_path: Path) -> None:
    tables = await _tables(tmp_path / "c.db")
    about_people = {name for name, columns in tables.items() if columns & {"participant_id", "chat_id"}}
    assert about_people  # the check below has something to check
    assert [name for name in sorted(about_people) if BY_NAME[name].basis is Basis.NONE] == []


def test_every_declaration_says_something_in_both_languages() -> None:
    for table in CATALOGUE:
        for text in (table.category, table.purpose, table.retention.rule):
            assert text("en").strip() and text("de").strip(), table.name
            assert text("en") != text("de"), table.name
        if table.retention.setting is None:
            assert "{days}" not in table.retention.rule("en"), table.name
