"""The history of a load run and its checker: recorded operations, how each answer is classified,
the final state, and the audit that judges the history against it (overbooking sweep included)."""
