"""The crisis card: fixed text, no database, no network beyond sending it. Help is one tap away."""

from __future__ import annotations

from dialogs.i18n import N_, Translator

CRISIS_LINES: tuple[tuple[str, str], ...] = (
    (N_("Emergency (ambulance, fire): {number}"), "112"),
    (N_("Police: {number}"), "110"),
    (N_("TelefonSeelsorge, free, day and night: {number}"), "0800 111 0 111"),
    (N_("TelefonSeelsorge, second number: {number}"), "0800 111 0 222"),
)


def crisis_card(tr: Translator) -> str:
    lines = [tr("🆘 You are not alone. If you are in danger or thinking about hurting yourself, call now:")]
    lines += [f"• {tr(text, number=number)}" for text, number in CRISIS_LINES]
    lines.append(tr("The calls are free and anonymous. You can also talk to your coach."))
    return "\n".join(lines)
