-- The coaches' side: organisations, coaches, the links between coaches and participants, consent per
-- organisation, signal deliveries and acknowledgements, webhooks through the outbox, due rows for coaches,
-- and the append-only audit log.

CREATE TABLE organisations (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    region         TEXT,                          -- the region of its participants' local help information
    webhook_url    TEXT,                          -- optional: signals are also POSTed here
    webhook_secret TEXT NOT NULL,                 -- HMAC-SHA256 key for webhook signatures, shown once
    created_at     TEXT NOT NULL
);

-- A coach is staff, not a participant: a name the administrator typed, an organisation, the chat once the
-- enrolment code was opened. A removed coach keeps its row (the audit log names it) but has no access.
CREATE TABLE coaches (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    name            TEXT NOT NULL,
    chat_id         INTEGER UNIQUE,               -- set when the enrolment code was opened
    status          TEXT NOT NULL CHECK (status IN ('invited', 'active', 'removed')),
    code_sha256     TEXT UNIQUE,                  -- the single-use enrolment code, cleared once used
    code_expires_at TEXT,
    locale          TEXT NOT NULL,
    timezone        TEXT NOT NULL,
    digest_at       TEXT NOT NULL DEFAULT '08:00',  -- local time of the daily digest
    quiet_start     TEXT NOT NULL DEFAULT '20:00',  -- no alerts from here ...
    quiet_end       TEXT NOT NULL DEFAULT '07:00',  -- ... to here (equal: no quiet hours)
    urgent_in_quiet INTEGER NOT NULL DEFAULT 1 CHECK (urgent_in_quiet IN (0, 1)),  -- contact requests and
                                                  -- crisis alerts also during quiet hours
    created_at      TEXT NOT NULL,
    enrolled_at     TEXT,
    removed_at      TEXT
);
CREATE INDEX coaches_by_organisation ON coaches (organisation_id, status);

-- Which coach accompanies which participant. A participant may be linked to coaches of several
-- organisations (a tandem); each organisation sees only what the participant allowed it.
CREATE TABLE coach_links (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    coach_id       INTEGER NOT NULL REFERENCES coaches(id),
    linked_at      TEXT NOT NULL,
    PRIMARY KEY (participant_id, coach_id)
);
CREATE INDEX coach_links_by_coach ON coach_links (coach_id);

-- An invitation from a coach's /invite is bound to that coach (and so to the organisation).
ALTER TABLE invitations ADD COLUMN coach_id INTEGER REFERENCES coaches(id);

-- Sharing is consented per organisation: NULL for the scopes that concern only the participant.
ALTER TABLE consents ADD COLUMN organisation_id INTEGER REFERENCES organisations(id);
CREATE INDEX consents_by_organisation ON consents (participant_id, organisation_id, scope, id);

-- One row per signal and coach: 'waiting' for the digest (or the end of quiet hours), 'sent', or
-- 'dropped' when consent was withdrawn before it went out.
CREATE TABLE signal_deliveries (
    id             INTEGER PRIMARY KEY,
    signal_id      INTEGER NOT NULL REFERENCES signals(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    coach_id       INTEGER NOT NULL REFERENCES coaches(id),
    urgent         INTEGER NOT NULL CHECK (urgent IN (0, 1)),
    status         TEXT NOT NULL CHECK (status IN ('waiting', 'sent', 'dropped')),
    created_at     TEXT NOT NULL,
    sent_at        TEXT,
    UNIQUE (signal_id, coach_id)
);
CREATE INDEX signal_deliveries_waiting ON signal_deliveries (coach_id, status, urgent);

-- "Seen" / "I will get in touch" on a signal, visible to the coach's team (same organisation).
CREATE TABLE signal_acks (
    signal_id      INTEGER NOT NULL REFERENCES signals(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    coach_id       INTEGER NOT NULL REFERENCES coaches(id),
    action         TEXT NOT NULL CHECK (action IN ('seen', 'contact')),
    at             TEXT NOT NULL,
    PRIMARY KEY (signal_id, coach_id)
);

-- Webhooks go through the same outbox. Their lane (chat_id) is minus the organisation id: Telegram
-- private chats are positive, so lanes never collide, and per-lane order and pacing apply unchanged.
-- `about_participant_id` lets a withdrawal (or erasure) take back what is still waiting about someone.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'telegram' CHECK (kind IN ('telegram', 'webhook'));
ALTER TABLE outbox ADD COLUMN target INTEGER;    -- webhook: the organisation id
ALTER TABLE outbox ADD COLUMN about_participant_id INTEGER REFERENCES participants(id) ON DELETE CASCADE;
CREATE INDEX outbox_about ON outbox (about_participant_id, status);

-- Due rows for coaches (the daily digest, urgent alerts held over quiet hours): a row belongs to exactly
-- one participant or one coach. SQLite cannot relax NOT NULL in place, so the table is rebuilt.
CREATE TABLE due_new (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER REFERENCES participants(id) ON DELETE CASCADE,
    coach_id       INTEGER REFERENCES coaches(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    key            TEXT NOT NULL,
    due_at         TEXT NOT NULL,
    grace_until    TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'done', 'expired', 'cancelled')),
    payload        TEXT NOT NULL DEFAULT '{}',
    created_at     TEXT NOT NULL,
    settled_at     TEXT,
    CHECK ((participant_id IS NULL) != (coach_id IS NULL)),
    UNIQUE (participant_id, key),
    UNIQUE (coach_id, key)
);
INSERT INTO due_new (id, participant_id, kind, key, due_at, grace_until, status, payload, created_at, settled_at)
    SELECT id, participant_id, kind, key, due_at, grace_until, status, payload, created_at, settled_at FROM due;
DROP TABLE due;
ALTER TABLE due_new RENAME TO due;
CREATE INDEX due_pending ON due (status, due_at);
CREATE INDEX due_by_participant ON due (participant_id, status);
CREATE INDEX due_by_coach ON due (coach_id, status);

-- The audit log: every coach read of a case and every signal delivery. Append-only (the triggers refuse
-- UPDATE and DELETE), and each entry carries the SHA-256 of the one before it, so `companion audit verify`
-- finds an edited, deleted or reordered entry. It names the participant by pseudonym only, never by id,
-- so erasure leaves it standing with nothing but the pseudonym.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    action       TEXT NOT NULL,                 -- case_read, caseload_read, signal_delivered, ...
    pseudonym    TEXT,                          -- the participant it is about
    coach_id     INTEGER,                       -- no foreign key: the log outlives every other row
    coach_name   TEXT,
    organisation TEXT,
    detail       TEXT NOT NULL DEFAULT '{}',    -- JSON, summary fields only (a signal kind, a channel)
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_by_pseudonym ON audit_log (pseudonym, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- What an invitation was used for: joining (NULL, as before) or connecting someone who already takes part
-- with a coach ('link'). The evaluation counts only the first as "enrolled"; invitations survive erasure.
ALTER TABLE invitations ADD COLUMN used_for TEXT CHECK (used_for IS NULL OR used_for = 'link');
