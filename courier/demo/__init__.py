"""The ``make demo`` story: one working day of a customer-service team, built through the
domains' own services (so every rule, history row and notification is the real one).

``seed_demo`` (the shell's management command) calls the parts in order; each part is safe to
run again (natural keys: order references, customer e-mails, roster days; a state already
reached is never applied twice), so a second run creates nothing and changes nothing.

- ``clock``: every time is relative to the moment the demo is seeded (Asia/Shanghai), so the
  story is "today" whenever it starts;
- ``people``: one login per role, their employee profiles, the partner and its API key;
- ``team``: the roster pattern, a published five-day roster, a pending swap and leave, a month
  of score events and the open settlement;
- ``parcels``: orders and shipments in every state, their tracking events through the ingestion
  service, the morning sweep, a contact log entry;
- ``cases``: complaints at each stage and a claim;
- ``reports``: today's hotline call records imported and one run of each console report,
  sent to its readers.
Finance has its own part beside its services (``courier.finance.services.demo``).
"""
