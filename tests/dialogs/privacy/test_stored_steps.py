"""/privacy conversations stored by an earlier version, whose step names carried the scope or the
organisation: the question to turn a scope on is asked again, the other pages show the overview."""

from __future__ import annotations

from tests.dialogs.participation.conftest import StoredAt
from tests.harness import Chat, World


async def test_privacy_steps_named_with_their_data_still_lead_somewhere(
    w: World, enrolled: Chat, stored_at: StoredAt
) -> None:
    organisation = await w.organisation()
    await stored_at(enrolled, "privacy", f"confirm:sharing@{organisation}")
    await enrolled.send("hi")
    assert enrolled.seen[-2].text.startswith("May I share short signals with Jobcenter Musterstadt?")
    await enrolled.tap("Yes")
    assert "Done. “Short signals for your coach” is now on." in enrolled.texts()
    for step in (f"org:{organisation}", f"unlink:{organisation}"):
        await stored_at(enrolled, "privacy", step)
        await enrolled.send("hi")
        assert enrolled.last.text.startswith("Your choices:"), step
