"""The finance domain (FIN-01..05): fee schedules and quotes, fee snapshots of shipments, the
prepayment ledger and credit control, two-way statements with partners and stations, disputes,
bank transfers. Part of the ``courier`` app (app label ``courier``)."""
