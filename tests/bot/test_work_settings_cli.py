"""`companion org hours` and `companion coach email`: saved, shown by the lists, wrong values named
plainly."""

from __future__ import annotations

import argparse
import asyncio

import pytest

from bot.cli import build_parser
from bot.settings import Settings, SettingsError
from storage import coaches, inbox
from tests.harness import Chat, World


def _run(settings: Settings, *argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    return int(args.run(settings, args))


@pytest.fixture
async def coach(w: World) -> Chat:
    return await w.coach()


@pytest.fixture
def settings(w: World) -> Settings:
    return Settings(database=w.path, _env_file=None)  # type: ignore[call-arg]


async def test_org_hours_are_saved_and_listed(
    w: World, coach: Chat, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    coach_id = await w.coach_id(coach)
    async with w.db.read() as tx:
        found = await coaches.by_id(tx, coach_id)
    assert found is not None
    org = str(found.organisation_id)
    argv = (
        "org",
        "hours",
        org,
        "--escalate-after",
        "90",
        "--days",
        "1234",
        "--start",
        "7:30",
        "--end",
        "15:00",
    )
    assert await asyncio.to_thread(_run, settings, *argv) == 0
    async with w.db.read() as tx:
        saved = await inbox.settings(tx, found.organisation_id)
    assert saved == inbox.TeamSettings(90, "1234", "07:30", "15:00", "Europe/Berlin")
    await asyncio.to_thread(_run, settings, "org", "list")
    assert (
        "escalate-after=90min days=1234 hours=07:30-15:00 timezone=Europe/Berlin" in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (("--escalate-after", "0"), "--escalate-after is in working minutes: a number from 1 to 10080."),
        (("--days", "1289"), "--days lists the working days as digits, 1 for Monday to 7 for Sunday"),
        (("--start", "8 Uhr"), "--start must be a time of day like 08:00 or 16:30, not '8 Uhr'."),
        (("--start", "17:00"), "The working day must start before it ends: 17:00 is not before 16:00."),
        (("--timezone", "Mars/Olympus"), "--timezone must be a time zone name like Europe/Berlin"),
    ],
)
async def test_wrong_hours_are_named_in_plain_sentences(
    w: World, coach: Chat, settings: Settings, options: tuple[str, ...], said: str
) -> None:
    with pytest.raises(SettingsError) as problem:
        await asyncio.to_thread(_run, settings, "org", "hours", "1", *options)
    assert str(problem.value).startswith(said)


async def test_coach_email_is_set_listed_and_removed(
    w: World, coach: Chat, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    coach_id = str(await w.coach_id(coach))
    assert (
        await asyncio.to_thread(_run, settings, "coach", "email", coach_id, "anna@jobcenter.example.org") == 0
    )
    await asyncio.to_thread(_run, settings, "coach", "list")
    assert "email=anna@jobcenter.example.org" in capsys.readouterr().out
    with pytest.raises(SettingsError, match="is not an e-mail address"):
        await asyncio.to_thread(_run, settings, "coach", "email", coach_id, "anna at jobcenter")
    with pytest.raises(SettingsError, match="Give either"):
        await asyncio.to_thread(_run, settings, "coach", "email", coach_id)
    assert await asyncio.to_thread(_run, settings, "coach", "email", coach_id, "--none") == 0
    await asyncio.to_thread(_run, settings, "coach", "list")
    assert "email=-" in capsys.readouterr().out
    with pytest.raises(SettingsError, match="There is no coach number 999"):
        await asyncio.to_thread(_run, settings, "coach", "email", "999", "x@example.org")


def test_the_parser_knows_both_commands() -> None:
    assert isinstance(build_parser().parse_args(["coach", "email", "1", "--none"]), argparse.Namespace)
