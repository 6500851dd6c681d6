"""Stateful property tests of the booking system: lifecycle, capacity, and the booking rules."""
