-- Voluntary self-reports, their weekly aggregates, and the alert rules a participant set for their coach.
-- Raw answers are purged after the retention period; weekly aggregates stay until the person leaves.

CREATE TABLE selfreports (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    submitted_at   TEXT NOT NULL,
    local_date     TEXT NOT NULL,                 -- the participant's calendar day, YYYY-MM-DD
    answers        TEXT NOT NULL DEFAULT '{}',    -- JSON item -> coded answer; never free text
    note           BLOB                           -- the optional free text, Fernet-encrypted; NULL if none
);
CREATE INDEX selfreports_by_participant ON selfreports (participant_id, submitted_at);
CREATE INDEX selfreports_by_time ON selfreports (submitted_at);

CREATE TABLE selfreport_weeks (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    week           TEXT NOT NULL,                 -- ISO week in the participant's time zone, '2026-W48'
    reports        INTEGER NOT NULL,
    counts         TEXT NOT NULL DEFAULT '{}',    -- JSON item -> {answer: count}; numbers as {"sum", "n"}
    PRIMARY KEY (participant_id, week)
);

CREATE TABLE signal_rules (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,                 -- 'mood_low' or 'no_checkin'
    days           INTEGER,                       -- no_checkin: after how many silent days
    since          TEXT NOT NULL,                 -- set or last changed
    fired_at       TEXT,                          -- when it last raised a signal (raised once per silence)
    PRIMARY KEY (participant_id, kind)
);
