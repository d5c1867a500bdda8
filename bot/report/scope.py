"""What a report covers: one organisation, one region, or the whole installation, and its months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.settings import SettingsError
from storage.report import Organisation, Unit


@dataclass(frozen=True)
class Scope:
    organisation: Organisation | None = None
    region: str | None = None

    def covers(self, unit: Unit) -> bool:
        organisation_id, region = unit
        if self.organisation is not None:
            return organisation_id == self.organisation.id
        if self.region is not None:
            return region == self.region
        return True

    @property
    def name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        return self.region or ""


def choose(organisations: list[Organisation], org: int | None, region: str | None) -> Scope:
    if org is not None and region is not None:
        raise SettingsError("give --org or --region, not both")
    if org is not None:
        for organisation in organisations:
            if organisation.id == org:
                return Scope(organisation=organisation)
        raise SettingsError(f"there is no organisation {org} (companion org list shows them)")
    if region is not None:
        return Scope(region=region)
    return Scope()


def units_of(scope: Scope, organisations: list[Organisation], seen: set[Unit]) -> list[Unit]:
    """Every unit the scope covers: its organisations (with or without any row) and the units without an
    organisation that rows were found for."""
    every = {(o.id, o.region) for o in organisations} | {unit for unit in seen if unit[0] is None}
    return sorted(
        (unit for unit in every if scope.covers(unit)), key=lambda u: (u[0] is None, u[0] or 0, u[1] or "")
    )


def parse_month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise SettingsError(f"a month must look like 2026-11, not {text!r}") from None


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def months_between(start: date, end: date) -> list[date]:
    if start > end:
        raise SettingsError("--from must not be after --to")
    found = []
    month = start
    while month <= end:
        found.append(month)
        month = next_month(month)
    return found


def moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
