-- Foundation: invitations, participants, consent history, conversation state, button tokens,
-- handled updates, the outbox and rate limits for invitation codes.
-- Times are ISO-8601 UTC text with microseconds ('2026-11-22T17:45:00.000000+00:00'), so they sort as text.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE invitations (
    id             INTEGER PRIMARY KEY,
    code_sha256    TEXT NOT NULL UNIQUE,          -- the code itself is never stored
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    used_at        TEXT,
    participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL
);

CREATE TABLE participants (
    id           INTEGER PRIMARY KEY,
    pseudonym    TEXT NOT NULL UNIQUE,            -- like P-7K3F; the only name staff ever see
    chat_id      INTEGER NOT NULL UNIQUE,         -- needed to deliver messages; no names, no usernames
    locale       TEXT NOT NULL,
    timezone     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('active', 'stopped', 'unreachable')),
    enrolled_at  TEXT NOT NULL,
    status_at    TEXT NOT NULL
);

CREATE TABLE consents (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    scope          TEXT NOT NULL,
    granted        INTEGER NOT NULL CHECK (granted IN (0, 1)),
    text_version   TEXT NOT NULL,
    text_sha256    TEXT NOT NULL,                 -- SHA-256 of the exact text shown
    locale         TEXT NOT NULL,                 -- the language it was shown in
    at             TEXT NOT NULL
);
CREATE INDEX consents_by_participant ON consents (participant_id, scope, id);

CREATE TABLE conversations (
    chat_id        INTEGER PRIMARY KEY,
    participant_id INTEGER REFERENCES participants(id) ON DELETE CASCADE,
    flow           TEXT NOT NULL,
    step           TEXT NOT NULL,
    data           TEXT NOT NULL DEFAULT '{}',    -- JSON
    nonce          INTEGER NOT NULL DEFAULT 0,    -- changes with every new question
    updated_at     TEXT NOT NULL
);

CREATE TABLE button_tokens (
    token      TEXT PRIMARY KEY,
    chat_id    INTEGER NOT NULL,
    nonce      INTEGER,                           -- bound to a question; NULL = bound to an item until expiry
    action     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX button_tokens_by_chat ON button_tokens (chat_id);

CREATE TABLE handled_updates (
    update_id  INTEGER PRIMARY KEY,
    handled_at TEXT NOT NULL
);

CREATE TABLE start_attempts (
    account_key TEXT NOT NULL,                    -- keyed hash of the account, never the id itself
    at          TEXT NOT NULL
);
CREATE INDEX start_attempts_by_account ON start_attempts (account_key, at);

CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY,
    chat_id             INTEGER NOT NULL,
    participant_id      INTEGER REFERENCES participants(id) ON DELETE CASCADE,
    text                TEXT,                     -- cleared once sent
    buttons             TEXT,                     -- JSON rows of [label, token]; cleared once sent
    attachment_name     TEXT,
    attachment          BLOB,                     -- cleared once sent
    status              TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    not_before          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    sent_at             TEXT,
    last_error          TEXT                      -- an error kind, never message content
);
CREATE INDEX outbox_pending ON outbox (status, not_before, id);
CREATE INDEX outbox_by_chat ON outbox (chat_id, status, id);
