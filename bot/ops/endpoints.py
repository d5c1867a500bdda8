"""The operator's HTTP endpoints: `/healthz` (the process answers), `/readyz` (it can work: each check
named) and `/metrics` (Prometheus text format). Served on their own listener (COMPANION_OPS_LISTEN) or
beside the web case view on its server, where they answer only requests that did not come through the
reverse proxy (those carry X-Forwarded-For): monitoring reaches them directly, the internet does not."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.ops.metrics import CONTENT_TYPE
from bot.ops.readiness import Readiness

OPS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
NO_STORE = {"Cache-Control": "no-store"}


def ops_app(readiness: Readiness) -> Starlette:
    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok\n", headers=NO_STORE)

    async def readyz(request: Request) -> Response:
        checks = await readiness.checks()
        ready = all(check.ok for check in checks)
        body = {
            "ready": ready,
            "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
        }
        return JSONResponse(body, status_code=200 if ready else 503, headers=NO_STORE)

    async def metrics(request: Request) -> Response:
        await readiness.refresh()
        return Response(readiness.metrics.exposition(), media_type=CONTENT_TYPE, headers=NO_STORE)

    return Starlette(
        routes=[Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics)]
    )


def beside(web: ASGIApp, ops: ASGIApp) -> ASGIApp:
    """One ASGI app: the ops paths to `ops` (only requests no proxy forwarded), the rest to `web`."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") in OPS_PATHS:
            forwarded = any(name.lower() == b"x-forwarded-for" for name, _ in scope.get("headers", ()))
            if not forwarded:
                await ops(scope, receive, send)
                return
        await web(scope, receive, send)

    return app
