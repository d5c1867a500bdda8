"""The coach's chat has one help entry like everyone's, and a short /help (issue 15)."""

from __future__ import annotations

from tests.harness import Chat, World


async def test_the_coach_menu_has_one_help_entry_the_same_as_everywhere(w: World, coach: Chat) -> None:
    await coach.send("/start")
    helpish = [label for label in coach.last.labels if "Help" in label or "help" in label]
    assert helpish == ["🆘 Help now"] and coach.last.labels[0] == "🆘 Help now"
    await coach.tap("🆘 Help now")
    assert "0800 111 0 111" in coach.last.text  # the help numbers, as a participant gets them


async def test_coach_help_is_short_and_not_followed_by_the_whole_menu(w: World, coach: Chat) -> None:
    await coach.send("/start")
    shown = await coach.send("/help")
    assert len(shown) == 1 and len(shown[0].text) <= 600
    assert "/cases" in shown[0].text and shown[0].labels == ["☰ Menu"]
    await coach.tap("☰ Menu")
    assert "📋 My cases" in coach.last.labels
