"""The team inbox: every signal delivered to an organisation is an item its team works on.

States: open -> taken (in progress, by whom; a colleague may take it over) -> closed with an outcome
category (`storage.inbox.Outcome`: contacted, not_reached, referred, not_needed) and an optional follow-up
day. No free-text notes about participants. An item whose scope the participant withdrew is `withdrawn`
at once and shown to nobody; every read checks the consent again (fail closed).

Typed API for the Telegram commands and the web case view (all take the open transaction `tx`):

- `access.may_see_case(tx, coach, participant_id)`: the coach's team (same organisation) has the case.
- `items.open_items(tx, coach) -> list[ItemView]`: the team's open and taken items the coach may see,
  escalated first. `items.closed_items(tx, coach)` likewise for closed ones.
- `items.take(tx, item_id, coach, now) -> ItemView | None`, `items.close(tx, item_id, coach, outcome,
  follow_up, now) -> ItemView | None`: None when the coach may not (any more); audited, posted to the
  organisation's webhook.
- `items.add_for_signal(tx, signal, urgent, now)`: the hook in `alerts.route_signal`.
- `items.withdraw_scope(tx, participant_id, organisation_id, now)`: the hook of a withdrawal.
- `escalation.escalate_due(tx, now) -> list[Item]`: urgent items nobody took within the organisation's
  time (working minutes, `escalation.working_deadline`) go to the whole team; safe to call from any
  periodic job (the due rows of kind `escalation.ESCALATE` call it too).
- `assignment.hand_over(tx, participant_id, from_coach, to_coach, now) -> bool`: the case moves to a
  colleague; both coaches and the participant are told.
"""
