-- Answers to what a person just did (a tap, a command) go out before scheduled messages: during a big
-- fan-out of check-in prompts a tap is answered within a second, not after the whole queue.
ALTER TABLE outbox ADD COLUMN answer INTEGER NOT NULL DEFAULT 0 CHECK (answer IN (0, 1));
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (status, answer DESC, not_before, id);
