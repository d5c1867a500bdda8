-- Each participant's own check-in schedule. Times are local 'HH:MM' in the participant's time zone
-- (participants.timezone). A participant without a row, or with both times NULL, gets no check-ins.
CREATE TABLE schedules (
    participant_id INTEGER PRIMARY KEY REFERENCES participants(id) ON DELETE CASCADE,
    morning        TEXT,                                   -- 'HH:MM' or NULL: no morning check-in
    evening        TEXT,                                   -- 'HH:MM' or NULL: no evening check-in
    weekdays       TEXT NOT NULL DEFAULT '1234567',        -- ISO weekdays with check-ins (1 = Monday)
    quiet_start    TEXT NOT NULL DEFAULT '22:00',          -- no messages from here ...
    quiet_end      TEXT NOT NULL DEFAULT '07:00',          -- ... to here (equal: no quiet hours)
    lookback_day   INTEGER CHECK (lookback_day BETWEEN 1 AND 7),  -- NULL: no weekly look-back
    paused_until   TEXT,                                   -- aware UTC; nothing is sent before it
    updated_at     TEXT NOT NULL
);

-- Check-in answers. A row appears when a prompt is sent ('open') and becomes 'answered' with the first
-- answer. An open row nobody answered is deleted once the prompt has expired: silence leaves no trace,
-- there is no "missed" state. Answers are the questionnaire's keys (never free text) and are deleted
-- after the retention period like every raw answer.
CREATE TABLE checkins (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    slot           TEXT NOT NULL CHECK (slot IN ('morning', 'evening')),
    day            TEXT NOT NULL,                          -- the participant's local date, YYYY-MM-DD
    status         TEXT NOT NULL CHECK (status IN ('open', 'answered')),
    open_until     TEXT NOT NULL,                          -- the prompt's buttons work until then
    answers        TEXT NOT NULL DEFAULT '{}',             -- JSON
    answered_at    TEXT,
    UNIQUE (participant_id, slot, day)
);
CREATE INDEX checkins_by_status ON checkins (status, open_until);
