"""The report as one self-contained HTML file (inline CSS and SVG, nothing fetched) and as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.report import charts, texts
from bot.report.figures import Line, Report
from bot.report.response_times import MIN_ITEMS
from dialogs.core.i18n import Translator

LANGUAGES = ("de", "en")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Row:
    label: str
    months: list[str]
    total: str


def safe_cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def translator(lang: str) -> Translator:
    return Translator(lang, fallback="en" if lang == "de" else "de", timezone="UTC")


def scope_name(tr: Translator, report: Report) -> str:
    if report.scope.organisation is not None:
        return report.scope.organisation.name
    if report.scope.region is not None:
        return tr(texts.REGION, region=report.scope.region)
    return tr(texts.ALL)


def _minutes(text: str) -> float | None:
    if not text:
        return None
    hours, minutes = text.split(":")
    return int(hours) + int(minutes) / 60


def chart_svgs(tr: Translator, report: Report) -> list[str]:
    """The charts (slow-ish: call it off the event loop)."""
    keys = ("offered", "enrolled", "ended")
    bar_title, line_title = texts.GROUPS["participation"], texts.GROUPS["response"]
    participation = charts.bars(
        tr(bar_title),
        report.months,
        [(texts.label(tr, k), report.line(k).figures) for k in keys],
    )
    times = charts.lines(
        tr(line_title),
        report.months,
        [
            (texts.label(tr, k), [_minutes(v) for v in report.line(k).months])
            for k in ("take_median", "take_p90", "close_median")
        ],
        "h",
    )
    return [participation, times]


def html(report: Report, lang: str) -> str:
    tr = translator(lang)
    groups = []
    for group in texts.GROUPS:
        rows = [
            Row(texts.label(tr, line.key), line.months, line.total)
            for line in report.lines
            if line.group == group
        ]
        groups.append({"title": tr(texts.GROUPS[group]), "rows": rows})
    return _ENV.get_template("report.html").render(
        lang=lang,
        title=tr(texts.TITLE),
        scope=scope_name(tr, report),
        period=tr(texts.PERIOD, start=report.months[0], end=report.months[-1]),
        made=tr(texts.MADE, date=report.made_at.strftime("%Y-%m-%d %H:%M")),
        rule_title=tr(texts.RULE_TITLE),
        rule=tr(texts.RULE),
        parts_rule=tr(texts.PARTS_RULE),
        times_rule=tr(texts.TIMES_RULE, n=MIN_ITEMS),
        tandem=tr(texts.TANDEM),
        charts=chart_svgs(tr, report),
        groups=groups,
        months=report.months,
        figure_label=tr(texts.FIGURE),
        total_label=tr(texts.TOTAL),
        definitions_title=tr(texts.DEFINITIONS),
        definitions=texts.definitions(tr, MIN_ITEMS),
    )


def csv_text(report: Report, lang: str) -> str:
    """One row per figure: its key, its name, one column per month, the period; x for hidden counts."""
    tr = translator(lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in ["key", tr(texts.FIGURE), *report.months, tr(texts.TOTAL)]])
    for line in report.lines:
        writer.writerow([safe_cell(c) for c in _cells(tr, line)])
    return out.getvalue()


def _cells(tr: Translator, line: Line) -> list[str]:
    return [line.key, texts.label(tr, line.key), *line.months, line.total]
