"""One local django-appointment for every test of the package (its own virtualenv, PostgreSQL,
gunicorn with two workers): starting it takes tens of seconds, so the files share it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.adapters.django_appointment.stack import AppStack, django_appointment_stack
from reference_app.local.postgres_provider import ProvidedPostgres


@pytest.fixture(scope="package")
def app(tmp_path_factory: pytest.TempPathFactory, pg_server: ProvidedPostgres) -> Iterator[AppStack]:
    logs = tmp_path_factory.mktemp("django-appointment-logs")
    with django_appointment_stack(log_dir=logs, postgres_url=pg_server.url) as stack:
        yield stack
