"""What the verifiers share: the target they verify, a client for its API, its mailbox, the
overbooking sweep and the git commit of a checkout."""
