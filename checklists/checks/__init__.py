"""Automated checks, each a small function registered by name (see registry.py); importing this
package registers them all."""

from checklists.checks import email_delivery, monitoring, service, ses, testing
from checklists.checks.registry import CHECKS, CheckFunction, check

__all__ = ["CHECKS", "CheckFunction", "check", "email_delivery", "monitoring", "service", "ses", "testing"]
