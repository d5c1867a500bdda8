"""CSRF tokens on every form: a signed-in coach's token is their session's; before sign-in (login and
setup forms) it is a random cookie the form must repeat (double submit). SameSite=Strict cookies come on
top. A POST without the right token is refused with 403 and a page that says why."""

from __future__ import annotations

import secrets

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

FIELD = "csrf_token"
COOKIE = "companion_csrf"


def anonymous_token(request: Request) -> str:
    """The pre-sign-in token: the cookie's if it has one, else a new one (set it with `remember`)."""
    token = request.cookies.get(COOKIE, "")
    return token if len(token) >= 32 else secrets.token_urlsafe(32)


def remember(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(COOKIE, token, httponly=True, secure=secure, samesite="strict", path="/")


def valid(form: FormData, expected: str | None) -> bool:
    offered = form.get(FIELD)
    return (
        isinstance(offered, str)
        and bool(expected)
        and secrets.compare_digest(offered.encode(), (expected or "").encode())
    )
