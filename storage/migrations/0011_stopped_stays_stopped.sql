-- A planned message carries the consent scope it needs ('checkins' for a check-in prompt or a reminder);
-- at sending it is dropped unless its participant is active and that scope is granted. NULL: an answer to
-- what the person just did, which needs no scope.
ALTER TABLE outbox ADD COLUMN scope TEXT;

-- A 403 on the goodbye after /stop used to mark the person unreachable, and their next message made them
-- active again with every consent withdrawn. Whoever has the check-in consent withdrawn has stopped.
UPDATE participants SET
    status = 'stopped',
    status_at = (
        SELECT at FROM consents WHERE consents.participant_id = participants.id
        AND consents.scope = 'checkins' AND consents.organisation_id IS NULL ORDER BY consents.id DESC LIMIT 1
    )
WHERE status != 'stopped' AND (
    SELECT granted FROM consents WHERE consents.participant_id = participants.id
    AND consents.scope = 'checkins' AND consents.organisation_id IS NULL ORDER BY consents.id DESC LIMIT 1
) = 0;
DELETE FROM due WHERE status = 'pending' AND participant_id IN (SELECT id FROM participants WHERE status = 'stopped');
