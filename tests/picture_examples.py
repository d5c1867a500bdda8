"""The example pictures of the README (`docs/examples/`), and the references the renderer's tests compare
against: /myweek in German, Arabic and Farsi, /appointments in German. `python -m tests.picture_examples`
draws them again (after a deliberate change to the drawing; look at them before committing).

The words are fixed here, as the catalogues translate them, so the pictures do not depend on the state of
the catalogues; days, weekdays and digits come from Babel as in the service.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.pictures.fonts import start_up_report
from dialogs.core.i18n import Translator
from dialogs.pictures.appointments_picture import appointments_picture
from dialogs.pictures.mood_picture import mood_picture
from dialogs.pictures.spec import Picture
from storage.appointments import Appointment

# Drawing needs Debian packages pip cannot install (`.ci/run` installs them): like the browser tests, the
# tests that draw are skipped, with the reason, on a machine without them.
NEEDS_DRAWING = pytest.mark.skipif(
    not start_up_report()[0],
    reason="needs Debian's fonts-dejavu-core and libfribidi0 (.ci/run installs them)",
)
EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
TODAY = date(2026, 12, 10)  # a Thursday
MOODS = {TODAY - timedelta(days=days): mood for days, mood in ((0, 4), (1, 3), (2, 2), (3, 1), (5, 2), (6, 3),
         (8, 4), (9, 5), (13, 3), (15, 4), (16, 4), (20, 2), (22, 3), (24, 4))}  # fmt: skip
CHECKINS = [TODAY - timedelta(days=days) for days in (4, 7, 10, 11, 12, 14, 18, 19)]
WORDS = {
    "de": (
        "So ging es Ihnen in den letzten vier Wochen",
        ("Sehr gut", "Gut", "Es geht", "Schlecht", "Sehr schlecht", "Check-in beantwortet", "Heute"),
    ),
    "ar": (
        "كيف كان حالك في الأسابيع الأربعة الأخيرة",
        ("جيد جداً", "جيد", "مقبول", "سيئ", "سيئ جداً", "أجبت على الأسئلة القصيرة", "اليوم"),
    ),
    "fa": (
        "حال شما در چهار هفتهٔ گذشته",
        ("خیلی خوب", "خوب", "بد نبود", "بد", "خیلی بد", "به پرسش‌های کوتاه پاسخ دادید", "امروز"),
    ),
}
APPOINTMENT_WORDS = (
    "Ihre Termine in den nächsten zwei Wochen",
    ("Termin, mit Uhrzeit", "Mehr als ein Termin an dem Tag", "Wartet auf Ihre Antwort", "Heute"),
)


def myweek_example(locale: str) -> Picture:
    picture = mood_picture(Translator(locale), TODAY, MOODS, CHECKINS)
    assert picture is not None
    title, words = WORDS[locale]
    legend = tuple((mark, level, said) for (mark, level, _), said in zip(picture.legend, words, strict=True))
    return dataclasses.replace(picture, title=title, legend=legend)


def appointments_example() -> Picture:
    now = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)

    def at(day: int, hour: int, minute: int = 0, status: str = "confirmed") -> Appointment:
        starts = datetime(2026, 12, day, hour - 1, minute, tzinfo=UTC)  # Berlin is UTC+1 in December
        return Appointment(day, 1, starts, "jobcentre", None, None, status, "participant", None, None,
                           [], None, f"{day}@example", 0)  # fmt: skip

    coming = [at(11, 10), at(15, 9, 30), at(15, 14), at(18, 8, 30, "proposed"), at(22, 11)]
    picture = appointments_picture(Translator("de"), now, coming)
    assert picture is not None
    title, words = APPOINTMENT_WORDS
    legend = tuple((mark, level, said) for (mark, level, _), said in zip(picture.legend, words, strict=True))
    return dataclasses.replace(picture, title=title, legend=legend)


def examples() -> dict[str, Picture]:
    return {
        "myweek-de.png": myweek_example("de"),
        "myweek-ar.png": myweek_example("ar"),
        "myweek-fa.png": myweek_example("fa"),
        "appointments-de.png": appointments_example(),
    }


def main() -> None:
    from bot.pictures.draw import render
    from bot.pictures.fonts import find_fonts

    fonts = find_fonts()
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    for name, picture in examples().items():
        (EXAMPLES / name).write_bytes(render(picture, fonts))
        print(EXAMPLES / name)


if __name__ == "__main__":
    main()
