-- Appointment proposals made by coaches (issue 16): whoever proposed and their team learn the answer
-- (waiting, confirmed, declined, changed with the new time). Only the kind and the times are kept, no place
-- or note; the row goes with the participant (erasure) and with the connection to the organisation.
CREATE TABLE appointment_proposals (
    id              INTEGER PRIMARY KEY,
    appointment_id  INTEGER,                      -- the appointment (deleted when declined: the row stays)
    participant_id  INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    coach_id        INTEGER NOT NULL REFERENCES coaches(id),
    kind            TEXT NOT NULL,
    starts_at       TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('waiting', 'confirmed', 'declined', 'changed')),
    new_starts_at   TEXT,
    answered_at     TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX proposals_by_appointment ON appointment_proposals (appointment_id);
CREATE INDEX proposals_by_organisation ON appointment_proposals (organisation_id, participant_id);

-- An item closed with a follow-up day comes back into the team inbox on that day, marked "follow-up".
ALTER TABLE inbox_items ADD COLUMN followed_up_at TEXT;
