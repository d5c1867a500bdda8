"""No combination of report figures gives back a hidden count: every printed number of any period and any
scope (one organisation, a region, all) is a sum of base cells (one month, one unit) that are themselves
shown, and the same month shows the same figure whatever the period."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.report.counts import Counts
from bot.report.figures import count_line, sum_line
from dialogs.coaching.disclosure import SMALL

MONTHS = [f"2026-{m:02d}" for m in range(1, 9)]
UNITS = [(1, "a"), (2, "a"), (3, "b"), (None, "a"), (None, "b")]

histories = st.dictionaries(
    st.tuples(st.sampled_from(UNITS), st.sampled_from(MONTHS)), st.integers(0, 12), max_size=30
)
periods = st.tuples(st.integers(0, 7), st.integers(0, 7)).map(sorted)
scopes = st.lists(st.sampled_from(UNITS), min_size=1, max_size=5, unique=True)


def counts_of(history: dict[tuple[tuple[int | None, str], str], int], line: str = "offered") -> Counts:
    counts = Counts()
    for (unit, month), n in history.items():
        counts.add(line, unit, month, n)
    return counts


def shown_sum(history: dict[tuple[tuple[int | None, str], str], int], units: list, months: list[str]) -> int:
    """What the printed number may contain: the base cells that are shown."""
    return sum(
        n for (unit, month), n in history.items() if unit in units and month in months and n not in SMALL
    )


@settings(max_examples=300)
@given(histories, periods, periods, scopes)
def test_every_printed_number_is_a_sum_of_shown_cells_whatever_the_period(
    history: dict[tuple[tuple[int | None, str], str], int], one: list[int], two: list[int], units: list
) -> None:
    counts = counts_of(history)
    lines = []
    for first, last in (one, two):
        months = MONTHS[first : last + 1]
        line = count_line(counts, "offered", "participation", units, months, len(months))
        for month, figure in zip(months, line.figures, strict=True):
            assert figure is not None
            assert figure.shown in (shown_sum(history, units, [month]), None)
        assert str(line.total).rstrip("+") in (str(shown_sum(history, units, months)), "x")
        lines.append(dict(zip(months, line.months, strict=True)))
    # Overlapping periods: a month shared by both shows the same figure in both.
    for month in set(lines[0]) & set(lines[1]):
        assert lines[0][month] == lines[1][month]


@settings(max_examples=200)
@given(histories, histories, scopes)
def test_a_sum_of_kinds_adds_only_shown_cells(
    first: dict[tuple[tuple[int | None, str], str], int],
    second: dict[tuple[tuple[int | None, str], str], int],
    units: list,
) -> None:
    kinds = [
        count_line(counts_of(history, key), key, "signals", units, MONTHS, len(MONTHS))
        for key, history in (("signal:a", first), ("signal:b", second))
    ]
    total = sum_line("signals_total", "signals", kinds)
    for index, month in enumerate(MONTHS):
        figure = total.figures[index]
        assert figure is not None
        expected = shown_sum(first, units, [month]) + shown_sum(second, units, [month])
        assert figure.shown in (expected, None)
    expected = shown_sum(first, units, MONTHS) + shown_sum(second, units, MONTHS)
    assert total.total.rstrip("+") in (str(expected), "x")


@settings(max_examples=300)
@given(
    st.dictionaries(st.sampled_from(UNITS), st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=5),
    scopes,
)
def test_a_part_and_its_whole_never_differ_by_a_hidden_rest(
    cells: dict[tuple[int | None, str], tuple[int, int]], units: list
) -> None:
    """Reminders answered of those with a reminder: their shown difference is made only of rests that
    are 0 or at least 5, and of wholes that are shown anyway."""
    counts = Counts()
    for unit, (answered, unanswered) in cells.items():
        counts.add("reminded", unit, MONTHS[0], answered + unanswered)
        counts.add("answered", unit, MONTHS[0], answered)
    whole, part = (
        count_line(counts, key, "appointments", units, MONTHS[:1], 1) for key in ("reminded", "answered")
    )
    assert whole.figures[0] is not None and part.figures[0] is not None
    if whole.figures[0].shown is None or part.figures[0].shown is None:
        return
    rests = []
    for unit in units:
        answered, unanswered = cells.get(unit, (0, 0))
        if answered + unanswered in SMALL:
            continue  # the whole is hidden: in neither figure
        if answered in SMALL or unanswered in SMALL:
            rests.append(answered + unanswered)  # the part hidden: the whole counts, and it is shown
        else:
            rests.append(unanswered)  # neither hidden: the rest is 0 or at least 5
    assert whole.figures[0].shown - part.figures[0].shown == sum(rests)
