"""Example adapters to copy into a repository of your own (docs/adapters/index.md)."""
