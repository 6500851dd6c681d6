"""The nemesis: faults injected into a local stack during a load run (a killed server, a
restarted database, an SES outage, dropped connections), then undone, and what they must not break."""
