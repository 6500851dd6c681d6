"""The fuzz test catches a server that drifted from its schema: run against the variant whose
POST /admin/services refuses durations the schema still offers, its per-operation test (every
check; the schema's examples and the coverage phase's boundary values, which include the
documented maximum) fails, naming the refusal. The random fuzzing may find it too, and the
stateful test's few linked sequences need not reach that value: neither is required to."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reference_app.faults import KNOWN_FAULTS

pytestmark = [pytest.mark.slow, pytest.mark.processes]

ROOT = Path(__file__).resolve().parents[2]
DRIFT = "schema_drift_duration_cap"


def test_the_fuzz_run_fails_on_a_server_stricter_than_its_schema(database_url: str) -> None:
    # The same run on the real server is test_openapi_fuzz itself, which passes.
    assert DRIFT in KNOWN_FAULTS
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BOOKING_FUZZ_FAULTS": DRIFT,
        # The drift is in POST /admin/services: fuzzing that path (its list and create) is enough.
        "BOOKING_FUZZ_PATHS": "^/admin/services$",
        # The schema's examples and its boundary values (the coverage phase tries the documented
        # maximum duration, which the drifted server refuses): deterministic, no random search.
        "BOOKING_FUZZ_PHASES": "examples,coverage",
    }
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--no-header"]
    # The per-operation test only: the stateful one is not required to reach the value (above).
    command += ["tests/integration/test_openapi_fuzz.py::test_openapi_conformance"]
    drifted = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    report = drifted.stdout[-4000:]
    assert drifted.returncode == 1, report
    assert "POST /admin/services" in drifted.stdout, report
    assert "the schema calls this request valid" in drifted.stdout, report
    assert "durationMinutes is too long" in drifted.stdout, report
    assert "FAILED tests/integration/test_openapi_fuzz.py::test_openapi_conformance" in drifted.stdout, report
