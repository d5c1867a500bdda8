-- Crisis cards first, and a claim that costs the same however long one chat's queue is.
--
-- `crisis`: the crisis card (/sos, the help button, crisis words); it goes before every other message,
-- in its own chat too. `head`: the one message of a chat that may go next (the row under way, else its
-- oldest crisis card, else its oldest unsent message). The claim reads heads only, through a partial
-- index in the order they go out, so a chat with 10,000 rows queued adds one row to read, not 10,000.
-- Triggers keep `head` right whatever inserts, updates or deletes a row, so no code path can forget it.
ALTER TABLE outbox ADD COLUMN crisis INTEGER NOT NULL DEFAULT 0 CHECK (crisis IN (0, 1));
ALTER TABLE outbox ADD COLUMN head INTEGER NOT NULL DEFAULT 0 CHECK (head IN (0, 1));

CREATE INDEX outbox_unsent ON outbox (chat_id, crisis DESC, id) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_head_of ON outbox (chat_id) WHERE head = 1;
DROP INDEX IF EXISTS outbox_pending;
CREATE INDEX outbox_heads ON outbox (crisis DESC, answer DESC, not_before, id)
    WHERE head = 1 AND status = 'pending';

UPDATE outbox SET head = 1 WHERE status IN ('pending', 'sending') AND id = COALESCE(
    (SELECT s.id FROM outbox AS s WHERE s.chat_id = outbox.chat_id AND s.status = 'sending' ORDER BY s.id LIMIT 1),
    (SELECT u.id FROM outbox AS u WHERE u.chat_id = outbox.chat_id AND u.status IN ('pending', 'sending')
        ORDER BY u.crisis DESC, u.id LIMIT 1));

CREATE TRIGGER outbox_head_after_insert AFTER INSERT ON outbox WHEN NEW.status IN ('pending', 'sending')
BEGIN
    UPDATE outbox SET head = 0 WHERE chat_id = NEW.chat_id AND head = 1 AND id IS NOT COALESCE(
        (SELECT id FROM outbox WHERE chat_id = NEW.chat_id AND status = 'sending' ORDER BY id LIMIT 1),
        (SELECT id FROM outbox WHERE chat_id = NEW.chat_id AND status IN ('pending', 'sending')
            ORDER BY crisis DESC, id LIMIT 1));
    UPDATE outbox SET head = 1 WHERE head = 0 AND id = COALESCE(
        (SELECT id FROM outbox WHERE chat_id = NEW.chat_id AND status = 'sending' ORDER BY id LIMIT 1),
        (SELECT id FROM outbox WHERE chat_id = NEW.chat_id AND status IN ('pending', 'sending')
            ORDER BY crisis DESC, id LIMIT 1));
END;

CREATE TRIGGER outbox_head_after_status AFTER UPDATE OF status ON outbox WHEN OLD.status IS NOT NEW.status
BEGIN
    UPDATE outbox SET head = 0 WHERE chat_id = NEW.chat_id AND head = 1 AND id IS NOT COALESCE(
        (SELECT id FROM outbox WHERE chat_id = NEW.chat_id AND status = 'sending' ORDER BY id LIMIT 1),
        (SELECT id FROM outbox WHERE chat_id = NEW.chat_id AND status IN ('pending', 'sending')
            ORDER BY crisis DESC, id LIMIT 1));
    UPDATE outbox SET head = 1 WHERE head = 0 AND id = COALESCE(
        (SELECT id FROM outbox WHERE chat_id = NEW.chat_id AND status = 'sending' ORDER BY id LIMIT 1),
        (SELECT id FROM outbox WHERE chat_id = NEW.chat_id AND status IN ('pending', 'sending')
            ORDER BY crisis DESC, id LIMIT 1));
END;

CREATE TRIGGER outbox_head_after_delete AFTER DELETE ON outbox WHEN OLD.head = 1
BEGIN
    UPDATE outbox SET head = 1 WHERE head = 0 AND id = COALESCE(
        (SELECT id FROM outbox WHERE chat_id = OLD.chat_id AND status = 'sending' ORDER BY id LIMIT 1),
        (SELECT id FROM outbox WHERE chat_id = OLD.chat_id AND status IN ('pending', 'sending')
            ORDER BY crisis DESC, id LIMIT 1));
END;
