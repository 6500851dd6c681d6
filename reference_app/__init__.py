"""Reference booking & scheduling service: the yardstick the harness verifies."""

__version__ = "0.1.0"
