"""Only the reference adapter (harness/adapters/: reference.py, reference_paths.py and the
reference client beside them) builds the reference API's paths:
every other verifier speaks to a booking system through its adapter, so it can verify a system
that is not the reference.

A module "builds" a path when one of its string literals (an f-string's literal parts
included, docstrings not) starts with a route of the reference API: `"/services/"`,
`f"{url}/health"`, `"/auth/login"`. Exempt: the adapters (each names its own system's paths,
which may look alike), the reference service itself and its own tests.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Routes of the reference API (its pages, /book and /schedule, belong to the page contract).
REFERENCE_ROUTE = re.compile(r"^/(services|jobs|auth|admin|health|metrics)(?=$|[/?{])")
EXEMPT = (
    "harness/adapters/",  # each adapter names its own system's paths
    "reference_app/",  # the reference service
    "tests/integration/",  # the reference service's own tests
    "tests/pages/",
    "tests/unit/test_reference_paths.py",  # this test's own examples
)
SKIPPED_FOLDERS = {".git", ".nox", ".venv", "site", "artifacts", "node_modules", "__pycache__"}


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the nodes that are docstrings (they describe, they do not build)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def reference_paths_in(source: str) -> list[str]:
    """The string literals of the source that start with a reference API route."""
    tree = ast.parse(source)
    skip = docstrings(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and REFERENCE_ROUTE.match(node.value)
    ]


def python_files() -> list[str]:
    """Every Python file of the checkout, never descending into the skipped folders (the
    sessions' virtualenvs under .nox alone hold about a hundred thousand files)."""
    files = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_FOLDERS]
        relative = Path(folder).relative_to(ROOT)
        files += [(relative / name).as_posix() for name in names if name.endswith(".py")]
    return sorted(files)


def modules_building_reference_paths() -> dict[str, list[str]]:
    found = {}
    for name in python_files():
        if name.startswith(EXEMPT):
            continue
        paths = reference_paths_in((ROOT / name).read_text(encoding="utf-8"))
        if paths:
            found[name] = paths
    return found


def test_the_finder_sees_built_paths_and_not_descriptions() -> None:
    source = '''
"""POST /services/{id}/book is described here, not built."""
def book(url, sid):
    """GET /jobs too."""
    message = "GET /health answered"
    return f"{url}/services/{sid}/book", "/auth/login", url + "/jobs?start=1", "/booking-page"
'''
    assert sorted(reference_paths_in(source)) == ["/auth/login", "/jobs?start=1", "/services/"]


def test_the_reference_adapter_builds_reference_paths() -> None:
    """Else the scan below would look for something that is spelled another way."""
    assert reference_paths_in((ROOT / "harness/adapters/reference_paths.py").read_text())


def test_no_module_but_the_reference_adapter_builds_a_reference_api_path() -> None:
    found = modules_building_reference_paths()
    assert not found, (
        "these modules build reference API paths; speak through the adapter (harness/adapters) "
        f"instead: {found}"
    )
