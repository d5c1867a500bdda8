"""What the pictures show, decided in the conversations: /myweek's four weeks and /appointments' two
weeks, in the participant's language and digits, read back from the picture the outbox carries."""

from __future__ import annotations

from datetime import date, timedelta

from dialogs.pictures.spec import Cell, Mark, Picture, is_picture
from storage import appointments, checkins, participants
from tests.dialogs.appointment_helpers import add
from tests.dialogs.appointment_helpers import enrol as enrol_for_appointments
from tests.dialogs.enrolment_helpers import enrol
from tests.harness import START, Chat, Shown, World

TODAY = START.date()  # Monday 23 November 2026 (10:00 in Berlin)


async def report(chat: Chat, mood: str) -> None:
    await chat.send("/report")
    await chat.tap(mood)
    for _ in range(4):
        await chat.tap("Skip")


def picture_of(shown: Shown) -> Picture:
    assert shown.attachment_name is not None and shown.attachment is not None
    assert shown.attachment_name.endswith(".picture")
    return Picture.from_json(shown.attachment)


def cell_on(picture: Picture, day: date, last: date) -> Cell:
    """The cell of `day` in a picture whose range ends on `last` (rows are whole weeks from Monday)."""
    last_monday = last - timedelta(days=last.weekday())
    row = len(picture.rows) - 1 - (last_monday - (day - timedelta(days=day.weekday()))).days // 7
    return picture.rows[row][day.weekday()]


async def answer_a_checkin(w: World, chat: Chat, day: date) -> None:
    async with w.db.transaction() as tx:
        person = await participants.by_chat(tx, chat.chat_id)
        assert person is not None
        await checkins.save_answers(tx, person.id, "morning", day, {"done": True}, START)


async def set_locale(w: World, chat: Chat, locale: str) -> None:
    async with w.db.transaction() as tx:
        await tx.execute("UPDATE participants SET locale = ? WHERE chat_id = ?", (locale, chat.chat_id))


async def test_myweek_sends_the_picture_first_and_keeps_the_text(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    for mood in ("Very bad", "Okay", "Very good"):
        await report(chat, mood)
        w.clock.advance(timedelta(days=1))
    await answer_a_checkin(w, chat, TODAY - timedelta(days=3))
    today = TODAY + timedelta(days=3)  # Thursday
    shown = await chat.send("/myweek")
    photo, words = shown[0], shown[1]
    assert is_picture_shown(photo) and not is_picture_shown(words)
    assert photo.text.startswith("📈") and "follows" in photo.text  # the caption says the words follow
    assert "Week of Nov 23" in words.text  # the text version is all there, for screen readers
    assert "Days with check-in answers in the last four weeks: 1" in words.text
    picture = picture_of(photo)
    assert (picture.rtl, picture.weekdays[0], picture.title) == (
        False,
        "Mo",
        "How you have been in the last four weeks",
    )
    moods = {day: cell_on(picture, day, today) for day in (TODAY, TODAY + timedelta(days=1))}
    assert [(c.mark, c.level, c.day) for c in moods.values()] == [(Mark.MOOD, 1, "23"), (Mark.MOOD, 3, "24")]
    assert cell_on(picture, TODAY + timedelta(days=2), today).level == 5
    assert cell_on(picture, TODAY - timedelta(days=3), today).mark is Mark.CHECKIN
    assert cell_on(picture, today, today) == Cell("26", Mark.NONE, today=True)
    assert cell_on(picture, today + timedelta(days=1), today).mark is Mark.OUTSIDE  # tomorrow: blank
    assert cell_on(picture, today - timedelta(days=28), today).mark is Mark.OUTSIDE  # before the four weeks
    assert cell_on(picture, today - timedelta(days=27), today).mark is Mark.NONE


def is_picture_shown(shown: Shown) -> bool:
    return shown.attachment_name is not None and shown.attachment_name.endswith(".picture")


async def test_myweek_in_arabic_and_farsi_is_right_to_left_in_their_digits(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    await report(chat, "Good")
    await set_locale(w, chat, "ar")
    arabic = picture_of((await chat.send("/myweek"))[0])
    assert arabic.rtl and arabic.locale == "ar"
    assert arabic.weekdays[0] == "إثنين"
    assert cell_on(arabic, TODAY, TODAY) == Cell("23", Mark.MOOD, 4, today=True)  # CLDR: Latin digits in ar
    await set_locale(w, chat, "fa")
    farsi = picture_of((await chat.send("/myweek"))[0])
    assert farsi.rtl and cell_on(farsi, TODAY, TODAY).day == "۲۳"  # CLDR: Persian digits in fa
    assert "\u2068" not in farsi.to_json() and "\u2069" not in farsi.to_json()  # no isolates in a cell


async def test_myweek_without_anything_in_four_weeks_sends_no_picture(w: World) -> None:
    chat = w.chat()
    await enrol(w, chat)
    shown = await chat.send("/myweek")
    assert not any(is_picture_shown(s) for s in shown)
    assert "no saved reports yet" in shown[0].text


async def test_appointments_offer_the_next_two_weeks_as_a_picture(w: World) -> None:
    chat = await enrol_for_appointments(w)
    await chat.send("/appointments")
    assert "📅 As a picture" not in chat.last.labels  # nothing in the next two weeks
    await add(chat, "25.11.", "10:00")
    await add(chat, "25.11.", "15:30")
    await add(chat, "10.12.", "09:00")  # after the two weeks: in the list, not in the picture
    await chat.send("/appointments")
    listing = chat.last
    shown = await chat.tap("📅 As a picture")
    assert len(shown) == 1 and shown[0].text.startswith("📅")  # one picture, no second wall of text
    picture = picture_of(shown[0])
    last = TODAY + timedelta(days=13)
    assert cell_on(picture, date(2026, 11, 25), last) == Cell("25", Mark.APPOINTMENT, 2, "10:00\u202fAM")
    assert cell_on(picture, TODAY, last).today
    assert len(picture.rows) == 2  # from this Monday, today, to the Sunday a week later
    marked = [cell for row in picture.rows for cell in row if cell.mark is Mark.APPOINTMENT]
    assert len(marked) == 1  # 10 December is beyond the two weeks
    await chat.tap("➕ Add an appointment")  # the list's buttons still work after the picture
    assert listing.labels and "day" in chat.last.text.lower()


async def test_the_appointments_picture_in_german(w: World) -> None:
    chat = await enrol_for_appointments(w, language="Deutsch")
    await add(chat, "26.11.", "9:00", kind="Arztpraxis", skip="Überspringen")
    await chat.send("/appointments")
    shown = await chat.tap("📅")
    picture = picture_of(shown[-1])
    assert picture.locale == "de" and picture.weekdays[:2] == ("Mo.", "Di.")
    assert cell_on(picture, date(2026, 11, 26), TODAY + timedelta(days=13)).note == "09:00"


async def test_a_proposal_waiting_for_an_answer_has_its_own_mark(w: World) -> None:
    chat = await enrol_for_appointments(w)
    async with w.db.transaction() as tx:
        person = await participants.by_chat(tx, chat.chat_id)
        assert person is not None
        await appointments.create(
            tx,
            participant_id=person.id,
            starts_at=START + timedelta(days=2),
            kind="jobcentre",
            place=None,
            note=None,
            status="proposed",
            added_by="staff",
            now=START,
        )
    await chat.send("/appointments")
    picture = picture_of((await chat.tap("📅 As a picture"))[0])
    cell = cell_on(picture, TODAY + timedelta(days=2), TODAY + timedelta(days=13))
    assert (cell.mark, cell.level) == (Mark.PROPOSAL, 1)
    assert [mark for mark, _, _ in picture.legend] == [
        Mark.APPOINTMENT,
        Mark.APPOINTMENT,
        Mark.PROPOSAL,
        Mark.TODAY,
    ]


def test_a_picture_survives_the_outbox_as_it_was_made() -> None:
    picture = Picture(
        "myweek", "ar", True, "عنوان", ("إثنين",) * 7, ((Cell("1", Mark.MOOD, 2, "x", True),) * 7,)
    )
    attachment = picture.attachment()
    assert is_picture(attachment) and Picture.from_json(attachment.content) == picture
