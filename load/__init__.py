"""Load scenarios (Locust) that race bookings, audit the recorded history and gate latency.

By role: `scenarios/` (the locustfiles race and mix, and the client calls they record),
`checker/` (the history and its audit), `reports/` (gates and the summary), `wiring/` (Locust
options, context, shapes, the verdict), `nemesis/` (faults injected during a
run), `benchmark/` (bench and the capacity search). `run.py` is `python -m load run ...`,
which runs one scenario against a target (or a local reference stack) and judges it;
`launch.py` starts the Locust process of a run (shared by run, nemesis and benchmark).
"""
