-- One pseudonym per organisation: the job centre and the addiction service in a tandem know the same person
-- under different pseudonyms, so their records cannot be joined. The internal pseudonym
-- (participants.pseudonym) stays for operators and logs. Unique across organisations; the code that hands
-- them out also keeps them apart from every internal pseudonym and from every one the audit log names.
-- Existing links get theirs from the code on first use (`storage/org_pseudonyms.py`): SQL cannot retry a
-- random pick that collides.
CREATE TABLE organisation_pseudonyms (
    participant_id  INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    pseudonym       TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (participant_id, organisation_id)
);
