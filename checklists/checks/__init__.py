"""Automated checks, each a small function registered by name (see registry.py); importing this
package registers them all."""

from checklists.checks import (
    business_rules,
    double_booking,
    email_delivery,
    monitoring,
    service,
    ses,
    testing,
)
from checklists.checks.registry import CHECKS, NEEDS, CheckFunction, check

__all__ = [
    "CHECKS",
    "NEEDS",
    "CheckFunction",
    "business_rules",
    "check",
    "double_booking",
    "email_delivery",
    "monitoring",
    "service",
    "ses",
    "testing",
]
