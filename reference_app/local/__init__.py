"""The local stack: PostgreSQL (provider), the moto stand-in for AWS and its SES simulator, demo
data, and the stack of server processes that `python -m reference_app stack` and the tests start."""
