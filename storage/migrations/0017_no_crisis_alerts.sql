-- Issue 14: showing the crisis card no longer tells any coach, and the question that allowed it ("crisis alerts
-- for your coach", scope 'crisis') is no longer asked or offered in /privacy. Signals of that kind could then
-- not be withdrawn by anyone, so they go. The consent rows stay: they are the participant's own decisions.
DELETE FROM signals WHERE kind = 'crisis_help_used';
