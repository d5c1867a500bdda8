-- Issue 18: counts for the programme report of what is not kept otherwise: appointment reminders sent and
-- answered, and pauses begun. Counts only: per organisation (organisation_id; 0 for people accompanied by
-- none, then per region, '' for none), UTC month and kind. No participant, no appointment: nothing here is
-- about one person, so export and erasure leave it, and the report hides small counts as every other count.
CREATE TABLE report_counts (
    organisation_id INTEGER NOT NULL DEFAULT 0,
    region TEXT NOT NULL DEFAULT '',
    month TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reminder_sent', 'reminder_answered', 'pause_begun')),
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (organisation_id, region, month, kind)
) WITHOUT ROWID;
