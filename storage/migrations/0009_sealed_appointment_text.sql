-- Free text at rest is encrypted: an appointment's place and note are now stored sealed (Fernet, see
-- storage/sealing.py) in two new BLOB columns. The old TEXT columns `place` and `note` are legacy: they
-- may still hold plain text written before this migration, which `companion keys rotate` seals into the
-- new columns and then clears. Nothing new is ever written to them.
ALTER TABLE appointments ADD COLUMN place_sealed BLOB;  -- the place or address, sealed; NULL if none
ALTER TABLE appointments ADD COLUMN note_sealed BLOB;   -- the short note, sealed; NULL if none
