"""What a picture shows, as plain data: a small calendar of days with a mark in each.

The conversations decide what to show and word it in the participant's language (day numbers in the
locale's digits, weekday names, the title and the legend); `bot/pictures` draws it as a PNG when the
message is sent, off the event loop. The picture travels through the outbox as an attachment whose name
ends in `.picture` and whose content is this JSON, so rendering never holds the database's transaction and
a picture that cannot be drawn costs nothing else: the text version follows it as its own message.

Columns are in logical order (the first weekday first); the renderer mirrors them for right-to-left
scripts, so in Arabic the newest day of a week is on the left.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from storage.outbox import Attachment

PICTURE_SUFFIX = ".picture"


class Mark(StrEnum):
    NONE = "none"  # a day in range with nothing on it
    OUTSIDE = "outside"  # a day outside the range shown (before the first, after the last): blank
    MOOD = "mood"  # a self-reported mood, `level` 1 (very bad) to 5 (very good): a face
    CHECKIN = "checkin"  # a check-in answered, no mood: a tick
    APPOINTMENT = "appointment"  # appointments: a calendar sheet, `level` how many, `note` the first's time
    PROPOSAL = "proposal"  # as APPOINTMENT, with one the coach proposed that waits for the person's answer
    TODAY = "today"  # only in a legend: the thick frame around today's cell


@dataclass(frozen=True)
class Cell:
    day: str  # the day of the month, in the locale's digits
    mark: Mark = Mark.NONE
    level: int | None = None  # a mood from 1 to 5; the number of appointments
    note: str = ""  # a short text under the mark (an appointment's time), in the locale's digits
    today: bool = False


@dataclass(frozen=True)
class Picture:
    kind: str  # "myweek", "appointments": for file names and logs (never personal)
    locale: str
    rtl: bool
    title: str
    weekdays: tuple[str, ...]  # seven short names, the first weekday first
    rows: tuple[tuple[Cell, ...], ...]  # weeks, each seven cells in the order of `weekdays`
    legend: tuple[tuple[Mark, int | None, str], ...] = field(default=())  # (mark, level, words)

    def attachment(self) -> Attachment:
        return Attachment(f"{self.kind}{PICTURE_SUFFIX}", self.to_json().encode("utf-8"))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Picture:
        raw = json.loads(text)
        return cls(
            kind=str(raw["kind"]),
            locale=str(raw["locale"]),
            rtl=bool(raw["rtl"]),
            title=str(raw["title"]),
            weekdays=tuple(str(name) for name in raw["weekdays"]),
            rows=tuple(
                tuple(
                    Cell(
                        day=str(cell["day"]),
                        mark=Mark(cell["mark"]),
                        level=None if cell["level"] is None else int(cell["level"]),
                        note=str(cell["note"]),
                        today=bool(cell["today"]),
                    )
                    for cell in row
                )
                for row in raw["rows"]
            ),
            legend=tuple((Mark(mark), level, str(words)) for mark, level, words in raw.get("legend", [])),
        )


def is_picture(attachment: Attachment | None) -> bool:
    return attachment is not None and attachment.filename.endswith(PICTURE_SUFFIX)
