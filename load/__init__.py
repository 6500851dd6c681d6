"""Load scenarios (Locust) that race bookings, audit the recorded history and gate latency.

`load/common/` holds what every scenario shares; `race.py` and `mix.py` are the locustfiles;
`python -m load run ...` runs one against a target (or a local reference stack) and judges it.
"""
