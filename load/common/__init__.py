"""What the load scenarios share: the operation history, its audit, gates, reports, wiring."""
