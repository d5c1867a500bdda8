"""The programme report in the web case view: a coach sees their own organisation's report (no other
organisation, no region), for a period they choose, as the same self-contained HTML as `companion report`
or as CSV. Every report made is audited. The charts are drawn off the event loop."""

from __future__ import annotations

import asyncio
from datetime import date

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.report import document
from bot.report.figures import build
from bot.report.scope import months_between, parse_month
from bot.settings import SettingsError
from bot.web.context import Web
from bot.web.sessions import signed_in
from storage import audit

REPORT_READ = "report_read"
LONGEST = 36  # months in one report
# The report document has its own inline style and SVG charts (style attributes); it runs no script and
# loads nothing.
DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def _period(request: Request, today: date) -> tuple[date, date]:
    """The months asked for; without any, the last six months up to this one."""
    start, end = request.query_params.get("from"), request.query_params.get("to")
    if not start and not end:
        last = date(today.year, today.month, 1)
        first = date(last.year - (last.month <= 5), (last.month - 6) % 12 + 1, 1)
        return first, last
    first, last = parse_month(start or ""), parse_month(end or "")
    if len(months_between(first, last)) > LONGEST:
        raise SettingsError(f"at most {LONGEST} months")
    return first, last


async def report_page(web: Web, request: Request) -> Response:
    wanted = request.query_params.get("format")
    now = web.clock.now()
    async with web.db.transaction() as tx:
        who = await signed_in(web, tx, request)
        if who is None:
            return RedirectResponse("/login", status_code=303)
        locale = web.locale(request, who.session.locale)
        try:
            first, last = _period(request, now.date())
        except SettingsError:
            return web.render(
                request, "report.html", status=400, locale=locale, who=who, wrong=True, start="", end=""
            )
        if wanted not in ("html", "csv"):
            return web.render(
                request,
                "report.html",
                locale=locale,
                who=who,
                wrong=False,
                start=first.strftime("%Y-%m"),
                end=last.strftime("%Y-%m"),
            )
        made = await build(tx, now, first, last, org=who.coach.organisation_id)
        await audit.append(
            tx,
            action=REPORT_READ,
            now=now,
            coach_id=who.coach.id,
            coach_name=who.coach.name,
            organisation=who.coach.organisation,
            detail={"via": "web", "from": made.months[0], "to": made.months[-1], "format": wanted},
        )
    name = f"report-{made.months[0]}-{made.months[-1]}"
    if wanted == "csv":
        return Response(
            document.csv_text(made, locale),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    page = await asyncio.to_thread(document.html, made, locale)
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": DOCUMENT_CSP,
            "Content-Disposition": f'inline; filename="{name}.html"',
        },
    )
