"""Every write of the finance domain. Other domains call these (and ``courier.finance.selectors``)
only; the hooks the shipments domain calls are ``fees.shipment_fees_snapshot`` (at creation),
``fees.shipment_fees_reweigh`` (station re-weigh) and ``ledger.credit_hold_active`` (before print).
"""
