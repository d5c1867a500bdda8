-- Issue 16: the web case view. A coach's web account (argon2 password hash, TOTP secret), single-use setup
-- links (SHA-256 stored, like coach codes), server-side sessions (the cookie holds a random id, stored as
-- SHA-256) that can be revoked, and failed logins for throttling (per account and per address, kept an hour).
CREATE TABLE web_accounts (
    coach_id INTEGER PRIMARY KEY REFERENCES coaches(id),
    password_hash TEXT NOT NULL,
    totp_secret TEXT NOT NULL,
    last_totp_step INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE web_setup_links (
    token_sha256 TEXT PRIMARY KEY,
    coach_id INTEGER NOT NULL REFERENCES coaches(id),
    totp_secret TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX web_setup_links_coach ON web_setup_links (coach_id);

CREATE TABLE web_sessions (
    id_sha256 TEXT PRIMARY KEY,
    coach_id INTEGER NOT NULL REFERENCES coaches(id),
    csrf_token TEXT NOT NULL,
    locale TEXT,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX web_sessions_coach ON web_sessions (coach_id);

CREATE TABLE web_login_failures (
    key_sha256 TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX web_login_failures_key ON web_login_failures (key_sha256, at);
