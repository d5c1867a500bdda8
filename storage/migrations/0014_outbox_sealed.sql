-- A message waiting in the outbox may show sealed free text opened (an appointment's place in a reminder,
-- /mydata's file). With a key configured, the text and the attachment of every message a conversation
-- queues are stored sealed (Fernet, storage/sealing.py) and opened only in memory to be sent, so neither
-- the row nor its old page images in the write-ahead log or freed pages ever hold them in clear.
ALTER TABLE outbox ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1));
