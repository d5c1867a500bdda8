"""The session cookie and the signed-in coach behind it."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from bot.web.context import Web
from storage import audit, coaches, web_sessions
from storage.coaches import Coach
from storage.database import Tx

COOKIE = "companion_session"


@dataclass(frozen=True)
class SignedIn:
    coach: Coach
    session: web_sessions.Session
    session_id: str


async def signed_in(web: Web, tx: Tx, request: Request) -> SignedIn | None:
    """The coach whose live session the request's cookie names; None when there is none (a removed
    coach's, idle or too old session has ended)."""
    session_id = request.cookies.get(COOKIE)
    if not session_id:
        return None
    session = await web_sessions.current(
        tx, session_id, web.clock.now(), idle=web.config.idle, lifetime=web.config.lifetime
    )
    if session is None:
        return None
    coach = await coaches.by_id(tx, session.coach_id)
    if coach is None or not coach.active:
        return None
    return SignedIn(coach, session, session_id)


def set_cookie(web: Web, response: Response, session_id: str) -> None:
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=int(web.config.lifetime.total_seconds()),
        httponly=True,
        secure=web.config.secure_cookies,
        samesite="strict",
        path="/",
    )


def clear_cookie(web: Web, response: Response) -> None:
    response.delete_cookie(
        COOKIE, path="/", secure=web.config.secure_cookies, httponly=True, samesite="strict"
    )


async def audit_web(tx: Tx, web: Web, coach: Coach, action: str, pseudonym: str | None = None) -> None:
    """An audit entry for something a coach did in the web view (reads show in /coachview as well)."""
    await audit.append(
        tx,
        action=action,
        now=web.clock.now(),
        pseudonym=pseudonym,
        coach_id=coach.id,
        coach_name=coach.name,
        organisation=coach.organisation,
        detail={"via": "web"},
    )
