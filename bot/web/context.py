"""What every page needs: the database, the clock, the settings it runs with, templates and language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from dialogs.core.clock import Clock
from dialogs.core.i18n import Translator
from storage.database import Database

HERE = Path(__file__).parent
LOCALES = ("de", "en")  # staff UI: German and English; `?lang=` switches, else Accept-Language
LANG_COOKIE = "companion_lang"


@dataclass
class WebConfig:
    base_url: str
    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=12)
    proxies: frozenset[str] = frozenset({"127.0.0.1", "::1"})
    default_locale: str = "de"
    timezone: str = "Europe/Berlin"

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")


@dataclass
class Web:
    db: Database
    clock: Clock
    config: WebConfig
    env: Environment = field(
        default_factory=lambda: Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    )

    def locale(self, request: Request, chosen: str | None = None) -> str:
        wanted = request.query_params.get("lang") or chosen or request.cookies.get(LANG_COOKIE)
        if wanted in LOCALES:
            return wanted
        for part in request.headers.get("accept-language", "").split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in LOCALES:
                return code
        return self.config.default_locale if self.config.default_locale in LOCALES else "de"

    def translator(self, locale: str) -> Translator:
        return Translator(locale, fallback="en" if locale == "de" else "de", timezone=self.config.timezone)

    def render(
        self, request: Request, template: str, status: int = 200, locale: str | None = None, **values: Any
    ) -> HTMLResponse:
        locale = self.locale(request, locale)
        tr = self.translator(locale)
        page = self.env.get_template(template).render(
            tr=tr, ngettext=tr.ngettext, lang=locale, path=request.url.path, **values
        )
        response = HTMLResponse(page, status_code=status)
        if request.query_params.get("lang") in LOCALES:
            response.set_cookie(
                LANG_COOKIE, locale, httponly=True, secure=self.config.secure_cookies, samesite="strict"
            )
        return response
