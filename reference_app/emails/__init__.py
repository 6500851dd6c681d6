"""Email notifications: queued in the event's transaction, delivered later by the sender."""
