"""The layout stays acyclic: no import circle between load's packages (scenarios, checker,
reports, wiring, nemesis, benchmark and the root modules), nor between any two of its modules.
Imports are read from the source with `ast`, those inside functions included: a circle hidden
behind a deferred import is still a circle."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The modules of `known` that the file imports, wherever the import statement is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from pkg import name` names a module when pkg.name is one.
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def module_graph(package: str) -> dict[str, set[str]]:
    files = {module_name(path): path for path in (ROOT / package).rglob("*.py")}
    known = set(files)
    return {name: imports_of(path, known) - {name} for name, path in files.items()}


def group_of(module: str) -> str:
    """load.checker.audit -> load.checker; a root module (load.run, load.__main__) is its own group."""
    parts = module.split(".")
    if len(parts) <= 2:
        return module
    return ".".join(parts[:2])


def package_graph(modules: Mapping[str, set[str]]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, imported in modules.items():
        edges = graph.setdefault(group_of(module), set())
        edges.update(group_of(other) for other in imported)
    for group, edges in graph.items():
        edges.discard(group)
    # A package's __init__ (e.g. load) imports nothing here; importing load.x implies load itself.
    return graph


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One import circle as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_circle_and_accepts_a_chain() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_a_deferred_import_counts(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text("def later():\n    from load.run import cmd_run\n    import load.checker.audit\n")
    assert imports_of(source, {"load.run", "load.checker.audit"}) == {"load.run", "load.checker.audit"}


def test_no_import_circle_between_loads_packages() -> None:
    graph = package_graph(module_graph("load"))
    assert {"load.scenarios", "load.checker", "load.reports", "load.wiring", "load.nemesis"} <= set(graph)
    assert find_cycle(graph) is None


def test_no_import_circle_between_loads_modules() -> None:
    assert find_cycle(module_graph("load")) is None


def test_no_import_circle_between_the_reference_services_packages() -> None:
    graph = package_graph(module_graph("reference_app"))
    assert {"reference_app.http", "reference_app.local", "reference_app.operations"} <= set(graph)
    assert find_cycle(module_graph("reference_app")) is None
