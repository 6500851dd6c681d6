"""Locust wiring: options, the run context sent to workers, the base user, the load shapes,
the table-driven LoadTestShape, and the one verdict given when Locust quits."""
