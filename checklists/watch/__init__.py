"""After launch: `python -m checklists watch`, the seed's success metrics measured over a period
and a canary that books like a client (docs/watch.md)."""
