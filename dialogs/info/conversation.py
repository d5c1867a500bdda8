"""/info: local help information in plain language, by topic, with a glossary and a search by typed word.

Content comes from `locales/info` (validated at start-up). Where a text exists only in German the
participant sees it with the untranslated marker, never silently.
"""

from __future__ import annotations

from typing import Any

from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import Flow
from dialogs.core.i18n import UNTRANSLATED_MARKER
from dialogs.core.turn import Turn
from dialogs.info.content import Entry, InfoContent, Localized, cached_content, default_content_root
from dialogs.participation.menu import show_menu
from storage import participants

NO_REGION = "none"
MESSAGE_LIMIT = 3500  # below Telegram's 4096, leaving room for the marker and isolates


def content() -> InfoContent:
    return cached_content(default_content_root())


def _marked(turn: Turn, localized: Localized[Any], text: str) -> str:
    if localized.fallback and turn.tr.locale != localized.lang:
        return f"🌐 {turn.tr(UNTRANSLATED_MARKER)}\n{text}"
    return text


def _region(turn: Turn) -> str | None:
    return turn.participant.region if turn.participant else None


def _entry_text(turn: Turn, entry: Entry) -> str:
    lines = [f"▪️ {turn.tr.isolate(entry.name)}", entry.description]
    if entry.address:
        lines.append(f"📍 {turn.tr.isolate(entry.address)}")
    lines += [f"📞 {turn.tr.isolate(phone)}" for phone in entry.phone]
    if entry.hours:
        lines.append(f"🕒 {entry.hours}")
    if entry.website:
        lines.append(f"🔗 {turn.tr.isolate(entry.website)}")
    return "\n".join(lines)


def _chunks(parts: list[str]) -> list[str]:
    """Join paragraphs into messages that stay under Telegram's length limit."""
    messages: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}\n\n{part}" if current else part
        if len(candidate) > MESSAGE_LIMIT and current:
            messages.append(current)
            current = part[:MESSAGE_LIMIT]
        else:
            current = candidate[:MESSAGE_LIMIT]
    if current:
        messages.append(current)
    return messages


async def info_command(turn: Turn, args: str) -> None:
    if args.strip():
        turn.reset("info", "topics")
        await InfoFlow().search(turn, args.strip())
        return
    turn.reset("info", "topics")
    await InfoFlow().show(turn)


class InfoFlow(Flow):
    name = "info"

    async def show(self, turn: Turn) -> None:
        if turn.step == "glossary":
            await self._show_glossary(turn)
            return
        if turn.step == "region":
            await self._show_regions(turn)
            return
        topics = content().topics(turn.tr.locale)
        choices = [Choice(topic.title, f"topic:{topic.key}") for topic in topics.value]
        rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
        rows.append([Choice(turn.tr("📖 Words from the job centre"), "glossary")])
        region = _region(turn)
        where = content().region_name(region, turn.tr.locale) if region else turn.tr("Germany")
        rows.append([Choice(turn.tr("📍 Region: {region}", region=where), "regions")])
        rows.append([Choice(turn.tr("Back to the menu"), "menu")])
        text = turn.tr("What would you like to know about? You can also type a word, for example “debts”.")
        turn.say(_marked(turn, topics, text), rows)

    async def on_choice(self, turn: Turn, choice: Action) -> None:
        action = str(choice)
        kind, _, value = action.partition(":")
        if kind == "menu":
            await show_menu(turn)
        elif kind == "topic":
            await self._show_topic(turn, value)
        elif kind == "glossary":
            turn.goto("info", "glossary")
            await self.show(turn)
        elif kind == "term":
            await self._show_term(turn, value)
        elif kind == "regions":
            turn.goto("info", "region")
            await self.show(turn)
        elif kind == "region":
            await self._set_region(turn, value)
        else:
            turn.goto("info", "topics")
            await self.show(turn)

    async def on_text(self, turn: Turn, text: str) -> None:
        await self.search(turn, text)

    async def search(self, turn: Turn, query: str) -> None:
        hits = content().search(query[:200], turn.tr.locale, _region(turn))
        if not hits:
            turn.say(turn.tr("I found nothing for that word. Please choose a topic."))
            turn.goto("info", "topics")
            await self.show(turn)
            return
        rows = []
        for hit in hits:
            if hit.kind == "glossary":
                rows.append([Choice(f"📖 {hit.title}", f"term:{hit.key}")])
            elif hit.topic is not None:
                rows.append([Choice(hit.title, f"topic:{hit.topic}")])
        rows.append([Choice(turn.tr("All topics"), "topics")])
        turn.goto("info", "results")
        turn.say(turn.tr("This is what I found:"), rows)

    async def _show_topic(self, turn: Turn, key: str) -> None:
        found = content().topic(key, turn.tr.locale)
        if found is None:
            turn.goto("info", "topics")
            await self.show(turn)
            return
        entries = content().entries(key, turn.tr.locale, _region(turn))
        parts = [_marked(turn, found, f"{found.value.title}\n\n{found.value.body}")]
        if entries.value:
            parts.append(_marked(turn, entries, turn.tr("Where you can get help:")))
            parts += [_entry_text(turn, entry) for entry in entries.value]
        turn.goto("info", "topic", topic=key)
        messages = _chunks(parts)
        for text in messages[:-1]:
            turn.say(text)
        turn.say(
            messages[-1],
            [[Choice(turn.tr("Other topics"), "topics"), Choice(turn.tr("Back to the menu"), "menu")]],
        )

    async def _show_glossary(self, turn: Turn) -> None:
        terms = content().glossary(turn.tr.locale)
        choices = [Choice(term.label[:40], f"term:{term.term}") for term in terms.value]
        rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
        rows.append([Choice(turn.tr("Other topics"), "topics")])
        turn.say(_marked(turn, terms, turn.tr("Which word should I explain?")), rows)

    async def _show_term(self, turn: Turn, term: str) -> None:
        terms = content().glossary(turn.tr.locale)
        found = next((t for t in terms.value if t.term == term), None)
        if found is None:
            turn.goto("info", "glossary")
            await self.show(turn)
            return
        turn.goto("info", "glossary")
        text = _marked(turn, terms, f"📖 {turn.tr.isolate(found.label)}\n{found.explanation}")
        turn.say(
            text, [[Choice(turn.tr("More words"), "glossary"), Choice(turn.tr("Other topics"), "topics")]]
        )

    async def _show_regions(self, turn: Turn) -> None:
        rows = [
            [Choice(content().region_name(region, turn.tr.locale), f"region:{region}")]
            for region in content().regions()
        ]
        rows.append([Choice(turn.tr("Somewhere else in Germany"), f"region:{NO_REGION}")])
        turn.say(turn.tr("Where do you live? Then I can show you help nearby."), rows)

    async def _set_region(self, turn: Turn, region: str) -> None:
        if turn.participant is None or (region != NO_REGION and region not in content().regions()):
            await self.show(turn)
            return
        chosen = None if region == NO_REGION else region
        await participants.set_region(turn.tx, turn.participant.id, chosen)
        turn.participant = await participants.by_id(turn.tx, turn.participant.id)
        turn.goto("info", "topics")
        await self.show(turn)


async def search_from_menu(turn: Turn, text: str) -> bool:
    """Typed words at the main menu: if the information has something, show it."""
    if turn.participant is None or not content().search(text[:200], turn.tr.locale, _region(turn)):
        return False
    turn.reset("info", "topics")
    await InfoFlow().search(turn, text)
    return True
