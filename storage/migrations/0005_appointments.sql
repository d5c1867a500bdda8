-- Appointments a participant keeps with the bot's help, and their reminder preferences.
-- Personal data: every row cascades with its participant, so /mydata exports it and /delete removes it.
-- There is deliberately no attendance column: nothing here can say whether someone went (no "no-show").
CREATE TABLE appointments (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    starts_at      TEXT NOT NULL,                 -- aware UTC
    kind           TEXT NOT NULL CHECK (kind IN ('jobcentre', 'doctor', 'counselling', 'therapy', 'work',
                                                 'authority', 'other')),
    place          TEXT CHECK (place IS NULL OR length(place) <= 200),
    note           TEXT CHECK (note IS NULL OR length(note) <= 300),
    status         TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed')),  -- proposed: added by staff,
                                                  -- not yet confirmed; a cancelled appointment is deleted
    added_by       TEXT NOT NULL CHECK (added_by IN ('participant', 'staff')),
    reminders      TEXT,                          -- JSON list of reminder codes; NULL = the participant's defaults
    answer         TEXT CHECK (answer IN ('there', 'cannot', 'new_date', 'help')),  -- their latest one-tap
                                                  -- answer to a reminder, shown back only to them
    help_needs     TEXT NOT NULL DEFAULT '[]',    -- JSON list of help categories they asked for
    outcome        TEXT CHECK (outcome IN ('good', 'okay', 'hard')),  -- "how did it go?", only for them
    uid            TEXT NOT NULL UNIQUE,          -- the calendar file's UID, stable across changes
    sequence       INTEGER NOT NULL DEFAULT 0,    -- the calendar file's SEQUENCE, raised with every change
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX appointments_by_participant ON appointments (participant_id, starts_at);

CREATE TABLE reminder_defaults (
    participant_id INTEGER PRIMARY KEY REFERENCES participants(id) ON DELETE CASCADE,
    reminders      TEXT NOT NULL,                 -- JSON list of reminder codes, possibly empty
    updated_at     TEXT NOT NULL
);
