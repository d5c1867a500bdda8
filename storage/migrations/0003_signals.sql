-- Summary signals: the only thing that ever reaches a coach. A kind from the fixed catalogue, a time and
-- at most a coarse category; never a raw value, a score or free text. Created only with consent.
CREATE TABLE signals (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    category       TEXT,                          -- coarse, from a fixed list per kind (e.g. 'interpreter')
    created_at     TEXT NOT NULL,
    delivered_at   TEXT                           -- set when the coaches' side has delivered it
);
CREATE INDEX signals_by_participant ON signals (participant_id, created_at);
CREATE INDEX signals_undelivered ON signals (delivered_at, created_at);
