"""Moved: the reference API's client is harness/adapters/reference_client.py. This name stays
for the modules that still import it from here (load/), until they speak through the adapter."""

from harness.adapters.reference_client import ACTIONS_WITH_REASON, BookingApi

__all__ = ["ACTIONS_WITH_REASON", "BookingApi"]
