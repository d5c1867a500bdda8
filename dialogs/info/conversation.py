"""/info: local help information in plain language, by topic, with a glossary and a search by typed word.

Content comes from `locales/info` (validated at start-up). Where a text exists only in German the
participant sees it with the untranslated marker, never silently.

A topic, a glossary word or search results are answers, not questions: the conversation then rests at
`TOPIC`, `GLOSSARY` or `RESULTS` without asking again, and shown again (after a closed button, say) those
steps ask what they always ask: the topics, or the glossary's words.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from dialogs.core.actions import Action, act
from dialogs.core.config import INFO_CONTENT_ROOT
from dialogs.core.events import Choice
from dialogs.core.flow import DONE, STAY, Go, Next, Step, StepFlow, follow, start
from dialogs.core.i18n import UNTRANSLATED_MARKER
from dialogs.core.turn import Turn
from dialogs.info.content import InfoContent, Localized
from dialogs.info.loading import cached_content
from dialogs.info.schema import Entry
from dialogs.info.search import SearchHit
from dialogs.participation.menu import BACK_TO_MENU, sos_choice
from storage import participants

FLOW = "info"
NO_REGION = "none"
MESSAGE_LIMIT = 3500  # below Telegram's 4096, leaving room for the marker and isolates
SCREEN = 600  # a topic is shown in pages of about a phone screen, each with "Next ▶"
QUERY_LIMIT = 200


class InfoStep(StrEnum):
    TOPICS = "topics"
    TOPIC = "topic"  # a topic was shown (its key in the data)
    RESULTS = "results"  # search results were shown
    GLOSSARY = "glossary"  # the glossary's words, or one word explained
    REGION = "region"


def content() -> InfoContent:
    return cached_content(INFO_CONTENT_ROOT)


def _marked(turn: Turn, localized: Localized[Any], text: str) -> str:
    if localized.fallback and turn.tr.locale != localized.lang:
        return f"🌐 {turn.tr(UNTRANSLATED_MARKER)}\n{text}"
    return text


def _region(turn: Turn) -> str | None:
    return turn.participant.region if turn.participant else None


def _entry_text(turn: Turn, entry: Entry) -> str:
    """One help entry; one shown in German to a reader of another language says so right above it."""
    lines = [f"▪️ {turn.tr.isolate(entry.name)}", entry.description]
    if entry.lang != turn.tr.locale:
        lines.insert(0, f"🌐 {turn.tr(UNTRANSLATED_MARKER)}")
    if entry.address:
        lines.append(f"📍 {turn.tr.isolate(entry.address)}")
    lines += [f"📞 {turn.tr.isolate(phone)}" for phone in entry.phone]
    if entry.hours:
        lines.append(f"🕒 {entry.hours}")
    if entry.website:
        lines.append(f"🔗 {turn.tr.isolate(entry.website)}")
    return "\n".join(lines)


def _chunks(parts: list[str], limit: int = SCREEN) -> list[str]:
    """Join paragraphs into pages of at most `limit` characters; a paragraph longer than that is a page
    of its own (cut only at Telegram's length limit)."""
    messages: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}\n\n{part}" if current else part
        if len(candidate) > limit and current:
            messages.append(current)
            current = part[:MESSAGE_LIMIT]
        else:
            current = candidate[:MESSAGE_LIMIT]
    if current:
        messages.append(current)
    return messages


def _pairs(choices: list[Choice]) -> list[list[Choice]]:
    return [choices[i : i + 2] for i in range(0, len(choices), 2)]


def _answered(turn: Turn, step: InfoStep, **data: Any) -> Next:
    """The answer is said: the conversation rests at `step` without showing it now."""
    turn.goto(FLOW, step, **data)
    return DONE


# --- commands and the main menu ---------------------------------------------------------------------


async def info_command(turn: Turn, args: str) -> None:
    query = args.strip()
    if not query:
        await start(turn, FLOW)
        return
    turn.reset(FLOW, InfoStep.TOPICS)
    await follow(turn, await _search(turn, query))


async def search_from_menu(turn: Turn, text: str) -> bool:
    """Typed words at the main menu: if the information has something, show it."""
    hits = _hits(turn, text) if turn.participant is not None else []
    if not hits:
        return False
    turn.reset(FLOW, InfoStep.TOPICS)
    await follow(turn, _show_hits(turn, hits))
    return True


# --- what the steps show ----------------------------------------------------------------------------


async def _show_topics(turn: Turn) -> None:
    topics = content().topics(turn.tr.locale)
    rows = [
        [sos_choice(turn)],
        *_pairs([Choice(topic.title, act("topic", topic.key)) for topic in topics.value]),
    ]
    rows.append([Choice(turn.tr("📖 Words from the job centre"), act("glossary"))])
    region = _region(turn)
    where = content().region_name(region, turn.tr.locale) if region else turn.tr("Germany")
    rows.append([Choice(turn.tr("📍 Region: {region}", region=where), act("regions"))])
    rows.append([Choice(turn.tr("Back to the menu"), act("menu"))])
    text = turn.tr("What would you like to know about? You can also type a word, for example “debts”.")
    turn.say(_marked(turn, topics, text), rows)


async def _show_glossary(turn: Turn) -> None:
    terms = content().glossary(turn.tr.locale)
    rows = _pairs([Choice(term.label[:40], act("term", term.term)) for term in terms.value])
    rows.append([Choice(turn.tr("Other topics"), act("topics"))])
    turn.say(_marked(turn, terms, turn.tr("Which word should I explain?")), rows)


async def _show_regions(turn: Turn) -> None:
    rows = [
        [Choice(content().region_name(region, turn.tr.locale), act("region", region))]
        for region in content().regions()
    ]
    rows.append([Choice(turn.tr("Somewhere else in Germany"), act("region", NO_REGION))])
    turn.say(turn.tr("Where do you live? Then I can show you help nearby."), rows)


# --- what typed words and the buttons do ------------------------------------------------------------


def _hits(turn: Turn, text: str) -> list[SearchHit]:
    return content().search(text[:QUERY_LIMIT], turn.tr.locale, _region(turn))


async def _search(turn: Turn, text: str) -> Next:
    hits = _hits(turn, text)
    if not hits:
        turn.say(turn.tr("I found nothing for that word. Please choose a topic."))
        return Go(InfoStep.TOPICS)
    return _show_hits(turn, hits)


def _show_hits(turn: Turn, hits: list[SearchHit]) -> Next:
    rows = []
    for hit in hits:
        if hit.kind == "glossary":
            rows.append([Choice(f"📖 {hit.title}", act("term", hit.key))])
        elif hit.topic is not None:
            rows.append([Choice(hit.title, act("topic", hit.topic))])
    rows.append([Choice(turn.tr("All topics"), act("topics"))])
    turn.say(turn.tr("This is what I found:"), rows)
    return _answered(turn, InfoStep.RESULTS)


async def _topic_chosen(turn: Turn, action: Action) -> Next:
    """A topic, in pages of a phone screen: `topic:<key>` is its first page, `topic:<key>:<n>` the next."""
    key, page = action.arg(), action.number(1) or 0
    found = content().topic(key, turn.tr.locale)
    if found is None:
        return Go(InfoStep.TOPICS)
    entries = content().entries(key, turn.tr.locale, _region(turn))
    parts = [_marked(turn, found, f"{found.value.title}\n\n{found.value.body}")]
    texts = [_entry_text(turn, entry) for entry in entries.value]  # each entry in German is marked itself
    if texts:
        texts[0] = turn.tr("Where you can get help:") + "\n\n" + texts[0]
    pages = _chunks(parts + texts)
    page = min(page, len(pages) - 1)
    rows = [
        [Choice(turn.tr("Other topics"), act("topics")), Choice(turn.tr("Back to the menu"), act("menu"))]
    ]
    if page + 1 < len(pages):
        rows.insert(0, [Choice(turn.tr("Next ▶"), act("topic", key, page + 1))])
    turn.say(pages[page], rows)
    return _answered(turn, InfoStep.TOPIC, topic=key)


async def _term_chosen(turn: Turn, action: Action) -> Next:
    term = ":".join(action.args)  # a German word as written, which may hold a colon
    terms = content().glossary(turn.tr.locale)
    found = next((t for t in terms.value if t.term == term), None)
    if found is None:
        return Go(InfoStep.GLOSSARY)
    text = _marked(turn, terms, f"📖 {turn.tr.isolate(found.label)}\n{found.explanation}")
    turn.say(
        text,
        [[Choice(turn.tr("More words"), act("glossary")), Choice(turn.tr("Other topics"), act("topics"))]],
    )
    return _answered(turn, InfoStep.GLOSSARY)


async def _region_chosen(turn: Turn, action: Action) -> Next:
    region = action.arg()
    if turn.participant is None or (region != NO_REGION and region not in content().regions()):
        return STAY
    chosen = None if region == NO_REGION else region
    await participants.set_region(turn.tx, turn.participant.id, chosen)
    turn.participant = await participants.by_id(turn.tx, turn.participant.id)
    return Go(InfoStep.TOPICS)


async def _to_topics(turn: Turn, action: Action) -> Next:
    return Go(InfoStep.TOPICS)


async def _to_glossary(turn: Turn, action: Action) -> Next:
    return Go(InfoStep.GLOSSARY)


async def _to_regions(turn: Turn, action: Action) -> Next:
    return Go(InfoStep.REGION)


async def _to_menu(turn: Turn, action: Action) -> Next:
    return BACK_TO_MENU


INFO = StepFlow(
    FLOW,
    {
        InfoStep.TOPICS: Step(_show_topics, text=_search),
        InfoStep.TOPIC: Step(_show_topics, text=_search),
        InfoStep.RESULTS: Step(_show_topics, text=_search),
        InfoStep.GLOSSARY: Step(_show_glossary, text=_search),
        InfoStep.REGION: Step(_show_regions, text=_search),
    },
    first=InfoStep.TOPICS,
    # Every button of /info works from wherever the conversation rests in it.
    everywhere={
        "topics": _to_topics,
        "topic": _topic_chosen,
        "glossary": _to_glossary,
        "term": _term_chosen,
        "regions": _to_regions,
        "region": _region_chosen,
        "menu": _to_menu,
    },
    hands_over_to={"menu"},
)
