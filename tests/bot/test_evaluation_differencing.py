"""`companion stats` cannot be differenced: no combination of the figures of two reports over overlapping
periods gives back a count from 1 to 4.

The attacker's view: every figure printed as a number is the sum of some month-by-column counts (a month's
cell is one count; the `total` row adds the months of the report; `answers_total` and `signals_total` add a
month's kinds). A count is revealed when it is a linear combination of printed figures, that is when its
unit vector lies in the span of the printed figures' vectors. Hypothesis draws histories and pairs of
ranges (overlapping ones, and a range with its sub-ranges) and checks that no small count is in that span.
"""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.evaluation import TOTAL, Table, build_table, columns, stats_table
from dialogs.coaching.disclosure import HIDDEN
from storage import invitations, participants, signals
from storage.database import Database

pytestmark = pytest.mark.slow  # `uv run pytest -m "not slow"` leaves it out of the everyday loop

NOW = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
MONTHS = [date(2026, month, 1) for month in (9, 10, 11, 12)]
KINDS = ("contact_requested", "new_date_needed")
PARTIAL = re.compile(r"(\d+)\+")

Base = tuple[str, str]  # (month, column): one count the attacker wants


def _members(table: Table, row: int, column: int) -> list[tuple[int, int]]:
    """The month cells a printed figure adds up."""
    header = table.headers[column]
    months = (
        [r for r, label in enumerate(table.rows) if label != TOTAL] if table.rows[row] == TOTAL else [row]
    )
    if header in ("answers_total", "signals_total"):
        prefix = header.removesuffix("s_total") + "_"
        columns = [c for c, name in enumerate(table.headers) if name.startswith(prefix)]
    else:
        columns = [column]
    return [(r, c) for r in months for c in columns]


def printed(table: Table, truth: dict[Base, int]) -> list[set[Base]]:
    """Each printed number as the set of counts it adds up; checks that it says what it claims."""
    figures = []
    for row in range(len(table.rows)):
        for column in range(1, len(table.headers)):
            text = table.shown((row, column))
            if text in ("", HIDDEN):
                continue
            members = _members(table, row, column)
            partial = PARTIAL.fullmatch(text)
            if partial:  # a total of the figures shown: it adds those members that are printed
                members = [cell for cell in members if table.shown(cell) not in ("", HIDDEN)]
                number = int(partial.group(1))
            else:
                number = int(text)
            covered = {(table.rows[r], table.headers[c]) for r, c in members}
            assert number == sum(truth.get(cell, 0) for cell in covered), (text, covered)
            figures.append(covered)
    return figures


def reduced(vectors: list[list[Fraction]]) -> list[list[Fraction]]:
    """The vectors brought to reduced row echelon form (each pivot the only non-zero in its column)."""
    rows = [list(vector) for vector in vectors]
    found = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((i for i in range(found, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for i in range(len(rows)):
            if i != found and rows[i][column] != 0:
                factor = rows[i][column] / rows[found][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[found], strict=True)]
        found += 1
    return rows[:found]


def revealed(figures: list[set[Base]], truth: dict[Base, int]) -> list[Base]:
    """Small counts that some linear combination of the printed figures gives back.

    A count's unit vector lies in the span of the figures exactly when a row of the span's reduced row
    echelon form is that unit vector (scaled): a non-pivot column cannot be reached at all, and a pivot row
    with other non-zeros leaves them behind whatever multiple of the others is subtracted."""
    cells = sorted({cell for figure in figures for cell in figure} | set(truth))
    index = {cell: i for i, cell in enumerate(cells)}
    basis = [[Fraction(int(cell in figure)) for cell in cells] for figure in figures]
    units = set()
    for row in reduced(basis):
        nonzero = [i for i, value in enumerate(row) if value != 0]
        if len(nonzero) == 1:
            units.add(nonzero[0])
    return [cell for cell, value in truth.items() if 1 <= value <= 4 and index[cell] in units]


async def write_history(path: Path, history: list[tuple[int, int, int]]) -> dict[Base, int]:
    """Per month: invitations, contact requests and new-date signals. Returns the true counts."""
    truth: dict[Base, int] = {}
    db = await Database.open(path)
    async with db.transaction() as tx:
        person = await participants.create(
            tx, chat_id=77, locale="de", timezone="Europe/Berlin", now=datetime(2026, 9, 1, tzinfo=UTC)
        )
        for month, (invited, contacts, new_dates) in zip(MONTHS, history, strict=True):
            at = datetime(month.year, month.month, 3, 12, tzinfo=UTC)
            for _ in range(invited):
                await invitations.create(tx, at, timedelta(days=14))
            for kind, count in zip(KINDS, (contacts, new_dates), strict=True):
                for _ in range(count):
                    await signals.insert(tx, person.id, kind, None, at)
            label = month.strftime("%Y-%m")
            truth[(label, "invited")] = invited
            truth[(label, "signal_contact_requested")] = contacts
            truth[(label, "signal_new_date_needed")] = new_dates
    await db.close()
    return truth


async def reports(path: Path, ranges: list[tuple[int, int]]) -> list[Table]:
    async with await Database.open(path) as db, db.read() as tx:
        return [await stats_table(tx, NOW, MONTHS[a], MONTHS[b]) for a, b in ranges]


counts = st.integers(0, 9)
ranges = st.tuples(st.integers(0, 3), st.integers(0, 3)).map(sorted).map(tuple)
HEADERS = columns()
SUMMED = ("answers_total", "signals_total")
LABELS = [month.strftime("%Y-%m") for month in MONTHS]
# A history: one count for every month and column (the totals are what the counts add up to).
histories = st.lists(
    st.lists(counts, min_size=len(HEADERS) - 3, max_size=len(HEADERS) - 3), min_size=4, max_size=4
)


def tables_for(
    history: list[list[int]], wanted: list[tuple[int, int]]
) -> tuple[list[Table], dict[Base, int]]:
    """The reports for the wanted ranges of months, as `companion stats` builds them, and the truth."""
    truth: dict[Base, int] = {}
    base = [name for name in HEADERS[1:] if name not in SUMMED]
    for label, line in zip(LABELS, history, strict=True):
        truth |= {(label, name): count for name, count in zip(base, line, strict=True)}
    tables = []
    for first, last in wanted:
        values: dict[tuple[int, int], int | None] = {}
        for row, label in enumerate(LABELS[first : last + 1]):
            for column, name in enumerate(HEADERS[1:], start=1):
                if name in SUMMED:
                    prefix = name.removesuffix("s_total") + "_"
                    values[(row, column)] = sum(
                        v for (m, n), v in truth.items() if m == label and n.startswith(prefix)
                    )
                else:
                    values[(row, column)] = truth[(label, name)]
        tables.append(build_table(list(HEADERS), LABELS[first : last + 1], values))
    # active_28_days is never added up, so it is its own unknown and never part of a total.
    return tables, truth


@settings(max_examples=300, deadline=None)
@given(histories, ranges, ranges)
def test_two_reports_over_any_ranges_reveal_no_small_count(
    history: list[list[int]], first: tuple[int, int], second: tuple[int, int]
) -> None:
    tables, truth = tables_for(history, [first, second])
    figures = [figure for table in tables for figure in printed(table, truth)]
    assert revealed(figures, truth) == []


@settings(max_examples=100, deadline=None)
@given(histories, ranges)
def test_a_range_and_all_its_sub_ranges_together_reveal_no_small_count(
    history: list[list[int]], whole: tuple[int, int]
) -> None:
    first, last = whole
    parts = [(a, b) for a in range(first, last + 1) for b in range(a, last + 1)]
    tables, truth = tables_for(history, parts)
    figures = [figure for table in tables for figure in printed(table, truth)]
    assert revealed(figures, truth) == []


db_histories = st.lists(st.tuples(counts, counts, counts), min_size=4, max_size=4)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(db_histories, ranges, ranges)
async def test_reports_from_a_database_history_reveal_no_small_count(
    history: list[tuple[int, int, int]], first: tuple[int, int], second: tuple[int, int]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "companion.db"
        truth = await write_history(path, history)
        tables = await reports(path, [first, second])
    figures = [figure for table in tables for figure in printed(table, truth)]
    assert revealed(figures, truth) == []


async def test_october_to_november_minus_november_does_not_give_back_october(tmp_path: Path) -> None:
    """The case found by testing: 3 invitations in October, 12 in November."""
    path = tmp_path / "companion.db"
    truth = await write_history(path, [(0, 0, 0), (3, 0, 0), (12, 0, 0), (0, 0, 0)])
    both, november = await reports(path, [(1, 2), (2, 2)])
    column = both.headers.index("invited")
    figures = printed(both, truth) + printed(november, truth)
    assert ("2026-10", "invited") in {cell for cell in truth if truth[cell] == 3}
    assert revealed(figures, truth) == []
    assert both.shown((0, column)) == HIDDEN and november.shown((0, column)) == "12"
