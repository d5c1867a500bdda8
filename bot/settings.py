"""Settings from the environment (prefix `COMPANION_`) or a `.env` file, checked at start-up."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from dialogs.coaching.inbox.mail import SmtpSettings
from dialogs.core.config import INFO_CONTENT_ROOT, EngineConfig
from dialogs.core.i18n import shipped_locales
from storage.sealing import check_key

ENV_PREFIX = "COMPANION_"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class SettingsError(Exception):
    """A setting is missing or wrong; the message names the variable and what to do."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    telegram_token: SecretStr | None = Field(None, description="Bot token from @BotFather (secret).")
    telegram_api_url: str = Field(
        "https://api.telegram.org/bot",
        description="Bot API base URL as python-telegram-bot's base_url takes it (self-hosted, tests).",
    )
    bot_username: str | None = Field(None, description="The bot's username, for invitation links.")
    database: Path = Field(Path("companion.db"), description="Path of the SQLite database file.")
    timezone: str = Field("Europe/Berlin", description="Default time zone of new participants.")
    default_locale: str = Field("de", description="Language before a participant has chosen one.")
    fallback_locale: str = Field("de", description="Language shown (with a marker) when a text is missing.")
    retention_days: int = Field(90, ge=1, le=3650, description="Days before raw answers are deleted.")
    signal_days: int = Field(
        180,
        ge=1,
        le=3650,
        description="Days before signals, their deliveries and acknowledgements are deleted.",
    )
    outbox_days: int = Field(
        1, ge=1, le=365, description="Days before sent and given-up outbox rows (content already cleared) go."
    )
    conversation_days: int = Field(
        30, ge=1, le=365, description="Days before untouched conversation state (an open question) is reset."
    )
    due_days: int = Field(7, ge=1, le=365, description="Days before settled due rows (done, expired) go.")
    erase_after_days: int = Field(
        183,
        ge=1,
        le=3650,
        description="Days after stopping (or becoming unreachable) before a participant is erased by itself.",
    )
    invitation_days: int = Field(14, ge=1, le=365, description="Default validity of invitations.")
    max_wrong_codes: int = Field(5, ge=1, le=100, description="Wrong codes per hour per account.")
    global_rate: float = Field(30.0, gt=0, le=10_000, description="Messages per second, all chats together.")
    per_chat_interval: float = Field(1.0, ge=0, le=60, description="Seconds between messages to one chat.")
    max_retry_after: float = Field(
        30.0,
        ge=1,
        le=3600,
        description="Longest pause after Telegram's 429, whatever retry_after it names (crisis cards wait).",
    )
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR.")
    encryption_keys: SecretStr | None = Field(
        None,
        description="Keys for free text at rest, comma-separated, newest first (secret; make one with "
        "`companion keys new`). Without a key no free text is asked for: neither the self-report's note nor "
        "an appointment's place and note.",
    )
    sweep_seconds: float = Field(
        2.0, gt=0, le=60, description="Seconds between two sweeps of due rows (check-ins, nudges, reminders)."
    )
    grace_minutes: int = Field(
        30,
        ge=1,
        le=24 * 60,
        description="A due message later than this many minutes expires instead of arriving.",
    )
    send_timeout: float = Field(
        20.0, gt=0, le=300, description="Seconds to wait for Telegram's answer to one sent message."
    )
    webhook_url: str | None = Field(
        None, description="Public HTTPS URL Telegram posts updates to (for `companion run --webhook`)."
    )
    webhook_listen: str = Field("127.0.0.1", description="Address the webhook server listens on.")
    webhook_port: int = Field(8080, ge=1, le=65535, description="Port the webhook server listens on.")
    webhook_secret: SecretStr | None = Field(
        None, description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (random if unset)."
    )
    region: str | None = Field(
        None,
        description="This installation's programme region (e.g. bochum): the crisis card names its local "
        "services when the database cannot be read.",
    )
    caseload_limit: int = Field(
        25,
        ge=1,
        le=1000,
        description="Participants per coach; above it the coach and `companion status` warn.",
    )
    # The team inbox's notifications to coaches' work e-mail (issue 16, brief 16b). Off while smtp_host is
    # unset. The mail says only that there is something new, with the web case view's inbox address.
    smtp_host: str | None = Field(
        None, description="SMTP server for coaches' e-mail notifications (off if unset)."
    )
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port.")
    smtp_starttls: bool = Field(True, description="Use STARTTLS on the SMTP connection.")
    smtp_username: str | None = Field(None, description="SMTP login name (none: no login).")
    smtp_password: SecretStr | None = Field(None, description="SMTP password (secret).")
    smtp_sender: str | None = Field(None, description="From address of the notifications.")

    web_listen: str | None = Field(
        None,
        description="Address and port of the web case view for coaches, e.g. 127.0.0.1:8081 "
        "(off when unset); "
        "served by `companion run` behind the organisation's reverse proxy.",
    )
    web_base_url: str | None = Field(
        None,
        description="Public address of the web case view, e.g. https://case.example.org (for setup links; "
        "http:// only for this machine).",
    )
    web_trusted_proxies: str = Field(
        "127.0.0.1,::1",
        description="Addresses of the reverse proxy, comma-separated, whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (from anyone else they are ignored).",
    )
    web_idle_minutes: int = Field(
        30, ge=1, le=24 * 60, description="Minutes without a request before a web session ends."
    )
    web_session_hours: int = Field(
        12, ge=1, le=24 * 7, description="Hours after login when a web session ends however busy."
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like Europe/Berlin") from exc
        return value

    @field_validator("default_locale", "fallback_locale")
    @classmethod
    def _shipped(cls, value: str) -> str:
        if value not in shipped_locales():
            raise ValueError(f"no catalogue for {value!r}; shipped: {', '.join(shipped_locales())}")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        regions = sorted(p.name for p in (INFO_CONTENT_ROOT / "regions").iterdir() if p.name != "national")
        if value is not None and value not in regions:
            raise ValueError(f"no information content for region {value!r}; shipped: {', '.join(regions)}")
        return value

    @field_validator("encryption_keys")
    @classmethod
    def _keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        for position, key in enumerate(_split_keys(value.get_secret_value()), start=1):
            try:
                check_key(key)
            except ValueError:
                raise ValueError(
                    f"key number {position} is not a valid key; make one with `companion keys new`"
                ) from None
        return value

    @property
    def key_list(self) -> tuple[str, ...]:
        return _split_keys(self.encryption_keys.get_secret_value()) if self.encryption_keys else ()

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @property
    def telegram_file_url(self) -> str:
        base = self.telegram_api_url.rstrip("/")
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file/bot"

    def require_webhook_url(self) -> str:
        url = (self.webhook_url or "").strip()
        if not url.startswith("https://"):
            raise SettingsError(
                f"{ENV_PREFIX}WEBHOOK_URL must be the public https:// address Telegram posts updates to,\n"
                "for example https://bot.example.org/telegram (your reverse proxy forwards it to\n"
                f"{ENV_PREFIX}WEBHOOK_LISTEN:{ENV_PREFIX}WEBHOOK_PORT).\n"
                "Without a public address, use polling:\n"
                "  companion run"
            )
        return url

    def web_address(self) -> tuple[str, int] | None:
        """(host, port) of the web case view, None when it is off."""
        if not self.web_listen:
            return None
        host, _, port = self.web_listen.strip().rpartition(":")
        host = host.strip("[]")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise SettingsError(
                f"{ENV_PREFIX}WEB_LISTEN must be HOST:PORT, for example 127.0.0.1:8081 "
                f"(got {self.web_listen!r})"
            )
        return host, int(port)

    def web_public_url(self) -> str:
        """The web view's public base URL without a trailing slash; http:// only for this machine."""
        url = (self.web_base_url or "").strip().rstrip("/")
        address = self.web_address()
        if not url:
            if address is None:
                raise SettingsError(
                    f"{ENV_PREFIX}WEB_BASE_URL is not set: the public https:// address of the web case "
                    "view,\n"
                    "for example https://case.example.org (your reverse proxy forwards it to "
                    f"{ENV_PREFIX}WEB_LISTEN)."
                )
            host, port = address
            return f"http://{'localhost' if host in LOCAL_HOSTS else host}:{port}"
        host = urlsplit(url).hostname or ""
        if url.startswith("https://") or (url.startswith("http://") and host in LOCAL_HOSTS):
            return url
        raise SettingsError(
            f"{ENV_PREFIX}WEB_BASE_URL must start with https:// (http:// only for localhost); got {url!r}"
        )

    @property
    def web_proxies(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.web_trusted_proxies.split(",") if part.strip())

    def smtp(self) -> SmtpSettings | None:
        """The SMTP settings of the notifications, None while they are off.

        The mail's only link is the web case view's inbox, so mail needs the web view on too.
        """
        if not self.smtp_host or not self.smtp_sender or self.web_address() is None:
            return None
        return SmtpSettings(
            host=self.smtp_host,
            sender=self.smtp_sender,
            case_view_url=self.web_public_url() + "/inbox",
            port=self.smtp_port,
            username=self.smtp_username,
            password=self.smtp_password.get_secret_value() if self.smtp_password else None,
            starttls=self.smtp_starttls,
        )

    def engine_config(self) -> EngineConfig:
        return EngineConfig(
            default_locale=self.default_locale,
            fallback_locale=self.fallback_locale,
            default_timezone=self.timezone,
            retention_days=self.retention_days,
            signal_days=self.signal_days,
            outbox_days=self.outbox_days,
            conversation_days=self.conversation_days,
            due_days=self.due_days,
            erase_after_days=self.erase_after_days,
            max_wrong_codes=self.max_wrong_codes,
            encryption_keys=self.key_list,
            grace_minutes=self.grace_minutes,
            caseload_limit=self.caseload_limit,
            invitation_days=self.invitation_days,
            bot_username=self.bot_username,
        )

    def require_token(self) -> str:
        if self.telegram_token is None or not self.telegram_token.get_secret_value().strip():
            raise SettingsError(
                f"{ENV_PREFIX}TELEGRAM_TOKEN is not set.\n"
                "Get a token from @BotFather in Telegram and put it in the environment or in a .env file:\n"
                f"  {ENV_PREFIX}TELEGRAM_TOKEN=123456:ABC...\n"
                "To try the bot without Telegram, run:  companion console"
            )
        return self.telegram_token.get_secret_value().strip()


def _split_keys(text: str) -> tuple[str, ...]:
    return tuple(key.strip() for key in text.split(",") if key.strip())


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = ENV_PREFIX + "_".join(str(part) for part in error["loc"]).upper()
            lines.append(f"{name}: {error['msg']}")
        raise SettingsError(
            "Some settings are not valid:\n  "
            + "\n  ".join(lines)
            + "\nFix them in the environment or in .env (see the README's settings table)."
        ) from exc


def settings_table() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for the README and `--help`."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = "" if field.default is None else str(field.default)
        rows.append((ENV_PREFIX + name.upper(), default, field.description or ""))
    return rows
