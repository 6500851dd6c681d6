"""What the harness suites share: the target they verify and a client for its API."""
