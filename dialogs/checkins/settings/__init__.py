"""/settings and the set-up after consent: the check-in times, weekdays, quiet hours, time zone and look-back.

`conversation` is the table of steps; each setting's questions live in the module named after it
(`times`, `weekdays`, `quiet_hours`, `time_zone`, `overview`); `saving` stores a change and plans afresh.
"""
