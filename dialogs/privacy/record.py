"""The record of processing activities (Art. 30 GDPR) of this installation, generated from the code's own
declarations and the settings in force: the consent scopes (`dialogs/consent_texts.py`), every stored table
(`storage/data_catalogue.py`), the organisations and their webhooks in the database, the retention settings,
the database file and the measures the code applies. `companion privacy record` writes it.

It states only what the code backs. What the code cannot know (the controller, the DPO, where backups are
kept) is marked as to be filled in. A webhook appears by its host only, never with its secret.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dialogs import consent_texts
from dialogs.core.i18n import Translator
from dialogs.privacy.record_document import Block, Bullets, Grid, Heading, Paragraph, html_page, markdown
from dialogs.privacy.record_wording import (
    W,
    basis_text,
    host_of,
    measures,
    recipients_mail,
    recipients_telegram,
)
from storage import audit, coaches, organisations
from storage.data_catalogue import CATALOGUE, Basis
from storage.database import Tx

LANGUAGES = ("de", "en")
FORMATS = ("md", "html")
RETENTION_SETTINGS = (
    "retention_days",
    "signal_days",
    "outbox_days",
    "conversation_days",
    "due_days",
    "erase_after_days",
    "invitation_days",
)


@dataclass(frozen=True)
class Installation:
    """The settings the record reports (read by the command from `bot.settings.Settings`)."""

    database: Path
    periods: Mapping[str, int]  # each of RETENTION_SETTINGS -> its value
    keys: int  # encryption keys configured
    telegram_api_url: str
    telegram_webhook_url: str | None  # set: Telegram posts updates here (`companion run --webhook`)
    web_sessions: tuple[int, int] | None = None  # the web case view on: (idle minutes, session hours)
    mail_host: str | None = None  # the SMTP server of the coaches' notifications, when on


@dataclass(frozen=True)
class Organisation:
    name: str
    region: str | None
    webhook_host: str | None
    active_coaches: int


@dataclass(frozen=True)
class Facts:
    installation: Installation
    organisations: tuple[Organisation, ...]
    audit_entries: int
    audit_intact: bool
    schema: str  # the newest applied migration
    database_mode: int | None  # the file's permission bits, None when there is no file


async def gather(tx: Tx, installation: Installation) -> Facts:
    found = []
    active = [c for c in await coaches.all_coaches(tx) if c.status is coaches.CoachStatus.ACTIVE]
    for org in await organisations.all_organisations(tx):
        count = sum(1 for c in active if c.organisation_id == org.id)
        found.append(Organisation(org.name, org.region, host_of(org.webhook_url), count))
    verdict = await audit.verify(tx)
    schema = await tx.scalar("SELECT name FROM schema_migrations ORDER BY name DESC LIMIT 1")
    try:
        mode: int | None = stat.S_IMODE(installation.database.stat().st_mode)
    except FileNotFoundError:
        mode = None
    return Facts(installation, tuple(found), verdict.entries, verdict.ok, str(schema or ""), mode)


def render(facts: Facts, lang: str, fmt: str) -> str:
    blocks = document(facts, lang)
    return html_page(blocks, lang) if fmt == "html" else markdown(blocks)


def _scope_rows(lang: str) -> tuple[tuple[str, ...], ...]:
    tr = Translator(lang, fallback="en")
    placeholder = W["the_organisation"](lang)
    rows = []
    for scope in consent_texts.SCOPES:  # read at call time: the record follows the code's scopes
        asked = W["required"] if scope.required else W["per_org"] if scope.per_organisation else W["optional"]
        question = consent_texts.question(tr, scope, placeholder).replace("\n\n", " ").replace("\n", " ")
        rows.append((f"`{scope.key}`", tr(scope.title), asked(lang), question))
    return tuple(rows)


def _period(table_setting: str | None, rule: str, periods: Mapping[str, int]) -> str:
    if table_setting is None:
        return rule
    text = re.sub(r"\b1 (day|Tag)e?s?\b", r"1 \1", rule.format(days=periods[table_setting]))
    return text + f" (`COMPANION_{table_setting.upper()}`)"


def _table_rows(facts: Facts, lang: str) -> tuple[tuple[str, ...], ...]:
    periods = facts.installation.periods
    yes, no = W["yes"](lang), W["no"](lang)
    return tuple(
        (
            f"`{t.name}`",
            t.category(lang),
            yes if t.health else no,
            t.purpose(lang),
            W[f"basis_{t.basis.value}"](lang)
            + (W["and_9"](lang) if t.health and t.basis is Basis.CONSENT else ""),
            _period(t.retention.setting, t.retention.rule(lang), periods),
        )
        for t in CATALOGUE
    )


def _organisation_items(facts: Facts, lang: str) -> tuple[str, ...]:
    items = []
    for org in facts.organisations:
        hook = (
            W["webhook_to"](lang).format(host=f"`{org.webhook_host}`")
            if org.webhook_host
            else W["no_webhook"](lang)
        )
        items.append(W["org_item"](lang).format(name=org.name, coaches=org.active_coaches, webhook=hook))
    return tuple(items) or (W["no_orgs"](lang),)


def document(facts: Facts, lang: str) -> list[Block]:
    inst = facts.installation

    def w(key: str, **values: object) -> str:
        return W[key](lang).format(**values)

    bases = sorted({t.basis for t in CATALOGUE}, key=list(Basis).index)
    blocks: list[Block] = [
        Heading(1, w("title")),
        Paragraph(w("generated", schema=f"`{facts.schema}`")),
        Heading(2, w("h_controller")),
        Bullets((w("controller"), w("dpo"), w("org_roles"))),
        Heading(2, w("h_purposes")),
        Paragraph(w("purposes_intro")),
        Grid((w("col_scope"), w("col_title"), w("col_asked"), w("col_question")), _scope_rows(lang)),
        Heading(2, w("h_subjects")),
        Bullets((w("subject_participants"), w("subject_staff"), w("subject_strangers"))),
        Heading(2, w("h_categories")),
        Paragraph(w("categories_intro")),
        Grid(
            (
                w("col_table"),
                w("col_data"),
                w("col_health"),
                w("col_purpose"),
                w("col_basis"),
                w("col_retention"),
            ),
            _table_rows(facts, lang),
        ),
        Heading(2, w("h_basis")),
        Bullets(tuple(basis_text(basis, lang) for basis in bases)),
        Heading(2, w("h_recipients")),
        Bullets(
            _organisation_items(facts, lang)
            + recipients_telegram(lang, inst.telegram_api_url, inst.telegram_webhook_url)
            + recipients_mail(lang, inst.mail_host)
        ),
        Paragraph(w("transfers")),
        Heading(2, w("h_retention")),
        Grid(
            (w("col_setting"), w("col_value")),
            tuple((f"`COMPANION_{name.upper()}`", str(inst.periods[name])) for name in RETENTION_SETTINGS),
        ),
        Paragraph(w("retention_rest")),
        Heading(2, w("h_location")),
        Bullets(_location(facts, lang)),
        Heading(2, w("h_measures")),
        Bullets(
            measures(
                lang,
                facts.installation.keys,
                facts.audit_entries,
                facts.audit_intact,
                _active(facts),
                facts.installation.web_sessions,
            )
        ),
    ]
    return blocks


def _active(facts: Facts) -> int:
    return sum(org.active_coaches for org in facts.organisations)


def _location(facts: Facts, lang: str) -> tuple[str, ...]:
    path = f"`{facts.installation.database}`"
    if facts.database_mode is None:
        mode = W["no_file"](lang)
    else:
        mode = W["file_mode"](lang).format(mode=f"`{facts.database_mode:04o}`")
        if facts.database_mode & ~0o600:
            mode += " " + W["mode_too_wide"](lang)
    return (W["database"](lang).format(path=path, mode=mode), W["backups"](lang), W["logs"](lang))
