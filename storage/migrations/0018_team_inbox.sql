-- The team inbox (issue 16): every signal delivered to an organisation becomes an item that a coach of its
-- team takes and closes with an outcome category and an optional follow-up date. No free text about the
-- participant: the organisation's case file lives in its own system. An item of a scope the participant
-- withdrew is 'withdrawn' and shown to nobody (the read checks the consent again as well, fail closed).
CREATE TABLE inbox_items (
    id              INTEGER PRIMARY KEY,
    signal_id       INTEGER NOT NULL REFERENCES signals(id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    status          TEXT NOT NULL CHECK (status IN ('open', 'taken', 'closed', 'withdrawn')),
    urgent          INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    escalate_at     TEXT,                         -- urgent items: when an untaken item goes to the whole team
    escalated_at    TEXT,
    taken_by        INTEGER REFERENCES coaches(id),
    taken_at        TEXT,
    closed_by       INTEGER REFERENCES coaches(id),
    closed_at       TEXT,
    outcome         TEXT CHECK (outcome IS NULL OR outcome IN ('contacted', 'not_reached', 'referred', 'not_needed')),
    follow_up       TEXT,                         -- a day 'YYYY-MM-DD', optional
    created_at      TEXT NOT NULL,
    UNIQUE (signal_id, organisation_id)
);
CREATE INDEX inbox_by_organisation ON inbox_items (organisation_id, status);
CREATE INDEX inbox_by_participant ON inbox_items (participant_id, organisation_id, status);
CREATE INDEX inbox_escalation ON inbox_items (status, escalate_at);

-- Per organisation: how long an urgent item may stay untaken (in working minutes) and its working hours.
ALTER TABLE organisations ADD COLUMN escalate_after_minutes INTEGER NOT NULL DEFAULT 120;
ALTER TABLE organisations ADD COLUMN work_days TEXT NOT NULL DEFAULT '12345';   -- ISO weekdays, 1 = Monday
ALTER TABLE organisations ADD COLUMN work_start TEXT NOT NULL DEFAULT '08:00';
ALTER TABLE organisations ADD COLUMN work_end TEXT NOT NULL DEFAULT '16:00';
ALTER TABLE organisations ADD COLUMN work_timezone TEXT NOT NULL DEFAULT 'Europe/Berlin';

-- A coach's work e-mail for notifications ("something new in the case view"), optional.
ALTER TABLE coaches ADD COLUMN email TEXT;

-- E-mail notifications to coaches' work addresses: the mail says only that there is something new in the
-- case view. At most one waiting per coach; held over the coach's quiet hours (no night alerts).
CREATE TABLE coach_mails (
    id         INTEGER PRIMARY KEY,
    coach_id   INTEGER NOT NULL REFERENCES coaches(id),
    send_at    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('waiting', 'sent', 'failed', 'dropped')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    sent_at    TEXT
);
CREATE UNIQUE INDEX coach_mails_one_waiting ON coach_mails (coach_id) WHERE status = 'waiting';
