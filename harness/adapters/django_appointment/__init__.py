"""django-appointment (PyPI `django-appointment`, 3.12): its adapter, and a local stack of it
(`python -m harness.adapters.django_appointment stack`)."""

from harness.adapters.django_appointment.adapter import DjangoAppointment

__all__ = ["DjangoAppointment"]
