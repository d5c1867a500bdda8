-- Everything that should happen later is a row here: check-in prompts, nudges, reminders, look-backs.
-- The scheduler only sweeps this table; no promise lives only in a job.
CREATE TABLE due (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,                 -- checkin, nudge, reminder, lookback, ...
    key            TEXT NOT NULL,                 -- dedupe key, e.g. 'checkin:morning:2026-11-23'
    due_at         TEXT NOT NULL,
    grace_until    TEXT NOT NULL,                 -- later than this it expires instead of arriving
    status         TEXT NOT NULL CHECK (status IN ('pending', 'done', 'expired', 'cancelled')),
    payload        TEXT NOT NULL DEFAULT '{}',    -- JSON, never free text
    created_at     TEXT NOT NULL,
    settled_at     TEXT,
    UNIQUE (participant_id, key)
);
CREATE INDEX due_pending ON due (status, due_at);
CREATE INDEX due_by_participant ON due (participant_id, status);
