"""The run's gates (latency, failures, the audit's verdict) and its summary report."""
