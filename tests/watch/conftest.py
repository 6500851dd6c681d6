"""A local reference stack per test module (one server, the email sender, moto), described as a
target file, and the watch run in-process on it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checklists.__main__ import main
from harness.target import Target
from reference_app.local.stack import local_stack


@pytest.fixture(scope="module")
def stack(log_dir: Path) -> Iterator[Target]:
    # Mail polled often, so the week's emails and SES's bounce settle in a second or two.
    with local_stack(servers=1, env={"EMAIL_POLL_SECONDS": "0.2"}, log_dir=log_dir / "watch") as info:
        yield Target.from_json(info.target_json(), local=True)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("watch")


def write_target(path: Path, target: Target, **changes: Any) -> Path:
    path.write_text(json.dumps({**target.to_json(), **changes}))
    return path


class WatchRun:
    def __init__(self, folder: Path, target_file: Path) -> None:
        self.folder, self.target_file, self.runs = folder, target_file, 0

    def __call__(self, *args: str) -> tuple[int, dict[str, Any], Path]:
        """Exit code, the JSON report, and the report folder of one watch."""
        self.runs += 1
        report_dir = self.folder / f"report-{self.runs}"
        code = main(
            [
                "watch",
                "--target-file",
                str(self.target_file),
                "--state-dir",
                str(self.folder / "state"),
                "--report-dir",
                str(report_dir),
                *args,
            ]
        )
        return code, json.loads((report_dir / "watch.json").read_text()), report_dir
