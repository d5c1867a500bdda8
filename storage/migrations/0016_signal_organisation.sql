-- A signal meant for one organisation only: the contact request from the crisis card names the organisation
-- the participant tapped ("Please contact me (Suchtberatung Nord)"), and no other organisation receives it,
-- even one that may receive the kind. NULL (every signal stored before, and every other kind): each linked
-- organisation that may receive the kind, as before.
ALTER TABLE signals ADD COLUMN organisation_id INTEGER REFERENCES organisations(id) ON DELETE CASCADE;
