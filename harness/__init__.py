"""What the verifiers share: the model of a booking system and its adapters, the race through
any adapter, the target they verify, a client for the reference API, its mailbox, the
overbooking sweep and the git commit of a checkout."""
