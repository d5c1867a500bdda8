"""The coach's chat: the menu, /cases, /case, /invite and /alerts.

Access is checked on every read and fails closed: a coach sees a participant only while linked to them,
and only what the participant allows the coach's organisation now (`coach_summary`). A refused /case
gives one and the same answer whether the pseudonym exists or not. Every read is written to the audit
log, which the participant can see in /coachview and /mydata.
"""

from __future__ import annotations

import re
from datetime import timedelta

from dialogs.coaching.alerts import URGENT_KINDS, known_as, replan_digests
from dialogs.coaching.summary import CoachSummary, render_summary, signal_text, summary_for_coach
from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import Flow, show_current
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from storage import audit, coaches, invitations, org_pseudonyms, participants
from storage.coaches import Coach
from storage.participants import PSEUDONYM_ALPHABET, Participant
from storage.signal_deliveries import CONTACT

PSEUDONYM = re.compile(rf"P-[{PSEUDONYM_ALPHABET}]{{4}}")
REFUSED = N_("I cannot show you this case. You can see the participants in your /cases list.")
COACH_MENU: list[tuple[str, str]] = [
    (N_("📋 My cases"), "cases"),
    (N_("➕ Invite a participant"), "invite"),
    (N_("📅 Propose an appointment"), "appointment"),
    (N_("🔔 Alerts"), "alerts"),
    (N_("🌐 Language"), "language"),
    (N_("❓ Help"), "help"),
]
DIGEST_TIMES = ("07:00", "08:00", "09:00", "12:00", "16:00")
QUIET_CHOICES = (("20:00", "07:00"), ("18:00", "08:00"), ("22:00", "06:00"), ("00:00", "00:00"))


async def show_coach_menu(turn: Turn) -> None:
    turn.reset("coach", "menu")
    await CoachFlow().show(turn)


class CoachFlow(Flow):
    """Where a coach's chat rests: the menu, or a choice of participant for /case."""

    name = "coach"

    async def show(self, turn: Turn) -> None:
        if turn.step == "pick":
            await _pick(turn)
            return
        entries = [Choice(turn.tr(label), f"cmd:{name}") for label, name in COACH_MENU]
        turn.say(
            turn.tr("What would you like to do?"), [entries[i : i + 2] for i in range(0, len(entries), 2)]
        )

    async def on_choice(self, turn: Turn, choice: Action) -> None:
        action = str(choice)
        if action.startswith("case:"):
            await case_command(turn, action.removeprefix("case:"))
            return
        await show_coach_menu(turn)

    async def on_text(self, turn: Turn, text: str) -> None:
        turn.say(turn.tr("Please use the buttons, or a command such as /cases."))
        await show_coach_menu(turn)


async def coach_text(turn: Turn, text: str) -> None:
    """Typed words in a coach's chat: the current question if there is one, otherwise the menu."""

    if turn.flow in turn.registry.flows:
        await turn.registry.flow(turn.flow).on_text(turn, text)
        return
    await CoachFlow().on_text(turn, text)


def _coach(turn: Turn) -> Coach:
    assert turn.coach is not None and turn.coach.active
    return turn.coach


async def find_case(turn: Turn, typed: str) -> Participant | None:
    """The participant behind a typed pseudonym, only if it is the one the coach's organisation knows
    them by and they are linked to this coach; None in every other case (malformed, unknown, erased,
    someone else's, another organisation's pseudonym, the internal one), so the answer never tells these
    apart."""
    coach = _coach(turn)
    wanted = typed.strip().upper().replace(" ", "")
    if len(wanted) == 4:
        wanted = "P-" + wanted
    if not PSEUDONYM.fullmatch(wanted):
        return None
    participant_id = await org_pseudonyms.participant_known_as(turn.tx, coach.organisation_id, wanted)
    participant = await participants.by_id(turn.tx, participant_id) if participant_id else None
    if participant is None or not await coaches.is_linked(turn.tx, coach.id, participant.id):
        return None
    return participant


async def summary_of(turn: Turn, participant: Participant) -> CoachSummary | None:
    coach = _coach(turn)
    return await summary_for_coach(
        turn.tx, participant.id, turn.now, coach.organisation_id, coach.organisation
    )


async def _log_read(turn: Turn, pseudonym: str, action: str) -> None:
    coach = _coach(turn)
    await audit.append(
        turn.tx,
        action=action,
        now=turn.now,
        pseudonym=pseudonym,
        coach_id=coach.id,
        coach_name=coach.name,
        organisation=coach.organisation,
    )


def status_of(turn: Turn, summary: CoachSummary) -> tuple[int, str]:
    """(rank for sorting, "colour and words") of a case in the caseload."""
    if not summary.taking_part:
        return 3, turn.tr("⚪ participation ended")
    # An urgent signal is handled once someone of the team will get in touch about it or a later one.
    handled = [
        s.at for s in summary.signals if s.kind in URGENT_KINDS and any(a.action == CONTACT for a in s.acks)
    ]
    urgent = [
        s
        for s in summary.signals
        if s.kind in URGENT_KINDS
        and (not handled or s.at > max(handled))
        and not any(a.action == CONTACT for a in s.acks)
    ]
    if urgent:
        return 0, turn.tr("🔴 {signal}", signal=signal_text(turn.tr, urgent[0]))
    if any(not s.acks for s in summary.signals):
        return 1, turn.tr("🟡 new signal")
    return 2, turn.tr("🟢 takes part")


async def cases_command(turn: Turn, args: str) -> None:
    coach = _coach(turn)
    rows = []
    for participant_id in await coaches.caseload(turn.tx, coach.id):
        participant = await participants.by_id(turn.tx, participant_id)
        summary = await summary_of(turn, participant) if participant else None
        if participant is None or summary is None:
            continue
        rank, status = status_of(turn, summary)
        lines = [f"{summary.pseudonym} – {status}"]
        if summary.signals:
            latest = summary.signals[0]
            lines.append(
                "   "
                + turn.tr(
                    "Latest: {signal} ({time})",
                    signal=signal_text(turn.tr, latest),
                    time=turn.tr.datetime(latest.at, "short"),
                )
            )
        if summary.appointments:
            lines.append(
                "   "
                + turn.tr(
                    "Next appointment: {time}",
                    time=turn.tr.datetime(summary.appointments[0].starts_at, "short"),
                )
            )
        rows.append((rank, summary.pseudonym, "\n".join(lines)))
        await _log_read(turn, summary.pseudonym, audit.CASELOAD_READ)
    if not rows:
        turn.say(turn.tr("Nobody is connected with you yet. /invite makes an invitation link."))
        await show_coach_menu(turn)
        return
    rows.sort()
    header = turn.tr.ngettext("Your caseload: {n} person.", "Your caseload: {n} people.", len(rows))
    size, limit = await coaches.caseload_size(turn.tx, coach.id), turn.config.caseload_limit
    if size > limit:
        header += "\n" + turn.tr("That is more than the limit of {limit}.", limit=limit)
    turn.say(header + "\n\n" + "\n".join(text for _, _, text in rows))
    turn.reset("coach", "pick")
    await show_current(turn)


async def _pick(turn: Turn) -> None:
    coach = _coach(turn)
    choices = []
    for participant_id in await coaches.caseload(turn.tx, coach.id):
        participant = await participants.by_id(turn.tx, participant_id)
        if participant is not None:
            known = await known_as(turn.tx, coach, participant.id, turn.now)
            choices.append(Choice(known, f"case:{known}"))
    rows = [choices[i : i + 3] for i in range(0, len(choices), 3)]
    rows.append([Choice(turn.tr("Back to the menu"), "menu")])
    turn.say(turn.tr("Tap a pseudonym to see what you may see, or write /case P-XXXX."), rows)


async def case_command(turn: Turn, args: str) -> None:
    if not args.strip():
        turn.reset("coach", "pick")
        await show_current(turn)
        return
    participant = await find_case(turn, args)
    summary = await summary_of(turn, participant) if participant else None
    if participant is None or summary is None:
        turn.say(turn.tr(REFUSED))
        await show_coach_menu(turn)
        return
    await _log_read(turn, summary.pseudonym, audit.CASE_READ)
    turn.say(render_summary(turn.tr, summary))
    turn.say(turn.tr("The participant can see exactly this in /coachview, and that you looked."))
    await show_coach_menu(turn)


async def invite_command(turn: Turn, args: str) -> None:
    coach = _coach(turn)
    created = await invitations.create_for_coach(
        turn.tx, turn.now, timedelta(days=turn.config.invitation_days), coach.id
    )
    turn.say(
        turn.tr(
            "Here is a new invitation. Give it to one person only. It works once, until {date}. Whoever "
            "opens it is connected with you; someone who already takes part is asked first.",
            date=turn.tr.date(created.expires_at, "long"),
        )
    )
    username = turn.config.bot_username
    if username:
        turn.say(f"https://t.me/{username}?start={created.code}")
    else:
        turn.say(
            turn.tr("The person opens the companion in Telegram and sends: /start {code}", code=created.code)
        )
    await show_coach_menu(turn)


def _alerts_text(turn: Turn, coach: Coach) -> str:
    quiet = (
        turn.tr("No quiet hours")
        if coach.quiet_start == coach.quiet_end
        else turn.tr(
            "Quiet hours: {hours}",
            hours=turn.tr("{start} to {end}", start=coach.quiet_start, end=coach.quiet_end),
        )
    )
    urgent = (
        turn.tr("Contact requests and crisis alerts come at once, also during quiet hours.")
        if coach.urgent_in_quiet
        else turn.tr("Contact requests and crisis alerts that come during quiet hours wait until they end.")
    )
    return "\n".join(
        [
            turn.tr("Your alerts:"),
            turn.tr("Daily summary of the other signals: {time}", time=coach.digest_at),
            quiet,
            urgent,
        ]
    )


async def alerts_command(turn: Turn, args: str) -> None:
    turn.reset("coach_alerts", "overview")
    await show_current(turn)


class CoachAlertsFlow(Flow):
    name = "coach_alerts"

    async def show(self, turn: Turn) -> None:
        coach = _coach(turn)
        if turn.step == "digest":
            times = [Choice(at, f"digest:{at}") for at in DIGEST_TIMES]
            turn.say(
                turn.tr("When should the daily summary come?"),
                [times[:3], times[3:], [Choice(turn.tr("Back"), "overview")]],
            )
            return
        if turn.step == "quiet":
            choices = [
                [
                    Choice(
                        turn.tr("No quiet hours")
                        if start == end
                        else turn.tr("{start} to {end}", start=start, end=end),
                        f"quiet:{start}-{end}",
                    )
                ]
                for start, end in QUIET_CHOICES
            ]
            turn.say(
                turn.tr("When should I not send you alerts?"),
                [*choices, [Choice(turn.tr("Back"), "overview")]],
            )
            return
        toggle = (
            turn.tr("Hold urgent alerts during quiet hours")
            if coach.urgent_in_quiet
            else turn.tr("Send urgent alerts also during quiet hours")
        )
        turn.say(
            _alerts_text(turn, coach),
            [
                [Choice(turn.tr("⏰ Time of the daily summary"), "goto:digest")],
                [Choice(turn.tr("🌙 Quiet hours"), "goto:quiet")],
                [Choice(toggle, "urgent")],
                [Choice(turn.tr("Back to the menu"), "menu")],
            ],
        )

    async def on_choice(self, turn: Turn, choice: Action) -> None:
        action = str(choice)
        coach = _coach(turn)
        settings = {
            "digest_at": coach.digest_at,
            "quiet_start": coach.quiet_start,
            "quiet_end": coach.quiet_end,
            "urgent_in_quiet": coach.urgent_in_quiet,
        }
        if action == "menu":
            await show_coach_menu(turn)
            return
        if action in ("goto:digest", "goto:quiet"):
            turn.goto("coach_alerts", action.removeprefix("goto:"))
            await self.show(turn)
            return
        if action.startswith("digest:") and action.removeprefix("digest:") in DIGEST_TIMES:
            settings["digest_at"] = action.removeprefix("digest:")
        elif action.startswith("quiet:") and tuple(action.removeprefix("quiet:").split("-")) in QUIET_CHOICES:
            settings["quiet_start"], settings["quiet_end"] = action.removeprefix("quiet:").split("-")
        elif action == "urgent":
            settings["urgent_in_quiet"] = not coach.urgent_in_quiet
        else:
            turn.goto("coach_alerts", "overview")
            await self.show(turn)
            return
        await coaches.set_alerts(
            turn.tx,
            coach.id,
            digest_at=str(settings["digest_at"]),
            quiet_start=str(settings["quiet_start"]),
            quiet_end=str(settings["quiet_end"]),
            urgent_in_quiet=bool(settings["urgent_in_quiet"]),
        )
        turn.coach = await coaches.by_id(turn.tx, coach.id)
        assert turn.coach is not None
        await replan_digests(turn.tx, turn.coach, turn.now)
        turn.say(turn.tr("Saved."))
        turn.goto("coach_alerts", "overview")
        await self.show(turn)

    async def on_text(self, turn: Turn, text: str) -> None:
        turn.say(turn.tr("Please tap one of the buttons below."))
        await self.show(turn)
