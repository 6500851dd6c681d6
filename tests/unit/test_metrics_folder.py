"""`serve` names the Prometheus multiprocess folder before prometheus-client is imported: the
library picks memory or files once, at import, and a single worker runs in the serving process
itself, where figures kept in memory would leave /metrics reading an empty folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reference_app import __main__ as cli
from reference_app.operations import metrics

PROBE = """
import sys
from reference_app.__main__ import prepare_metrics_folder
from reference_app.settings import Settings
Settings.from_env()
prepare_metrics_folder()
print("prometheus_client" in sys.modules)
"""


def test_the_folder_is_named_before_prometheus_client_is_imported(tmp_path: Path) -> None:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "figures"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_variable_is_the_one_the_metrics_read() -> None:
    assert cli.MULTIPROC_ENV == metrics.MULTIPROC_ENV
