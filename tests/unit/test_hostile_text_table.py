"""The hostile-text table (harness/hostile_text.py) covers every text the service stores: a str
field added to a request body, or a text column added by a migration, without a row (or a
stated reason it needs none) fails here. Each row gets payloads its field accepts."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from pathlib import Path

import msgspec
import psycopg

import reference_app
from harness.hostile_text import (
    FIELDS,
    NOT_STORED_REQUEST_FIELDS,
    OTHER_TEXT_COLUMNS,
    PAYLOAD_CLASSES,
    PAYLOADS,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "e2e" / "hostile-text.md"


def _has_str(annotation: object) -> bool:
    """str, Annotated[str, ...], str | None, Optional[Annotated[str, ...]]."""
    if annotation is str:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _has_str(typing.get_args(annotation)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return any(_has_str(arg) for arg in typing.get_args(annotation))
    return False


def request_structs() -> dict[str, type[msgspec.Struct]]:
    """Every request body Struct of the service: the ones that forbid unknown fields."""
    found: dict[str, type[msgspec.Struct]] = {}
    for module_info in pkgutil.walk_packages(reference_app.__path__, "reference_app."):
        if module_info.name.endswith(("__main__", "local_stack", "local_aws_server")):
            continue
        module = importlib.import_module(module_info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, msgspec.Struct)
                and obj.__module__ == module.__name__
                and obj.__struct_config__.forbid_unknown_fields
            ):
                found[name] = obj
    return found


def request_text_fields() -> set[str]:
    fields = set()
    for name, struct in request_structs().items():
        hints = typing.get_type_hints(struct, include_extras=True)
        fields |= {f"{name}.{field}" for field in struct.__struct_fields__ if _has_str(hints[field])}
    return fields


def test_every_text_field_of_a_request_body_has_a_row() -> None:
    fields = request_text_fields()
    assert "ContactIn.name" in fields and "CreateService.description" in fields  # the walk finds them
    covered = {f for row in FIELDS for f in row.request_fields} | set(NOT_STORED_REQUEST_FIELDS)
    missing = sorted(fields - covered)
    assert not missing, f"text fields with no row in harness/hostile_text.py FIELDS: {missing}"
    stale = sorted(covered - fields)
    assert not stale, f"rows naming request fields that no longer exist: {stale}"


def test_every_text_column_has_a_row(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying') "
            "AND table_name <> 'schema_migrations'"
        ).fetchall()
    columns = {f"{table}.{column}" for table, column in rows}
    assert "services.description" in columns
    covered = {c for row in FIELDS for c in row.columns} | set(OTHER_TEXT_COLUMNS)
    missing = sorted(columns - covered)
    assert not missing, f"text columns with no row in harness/hostile_text.py: {missing}"
    stale = sorted(covered - columns)
    assert not stale, f"rows naming columns the database does not have: {stale}"


def test_each_field_gets_markup_it_accepts() -> None:
    for row in FIELDS:
        accepted = row.payloads()
        assert accepted, f"{row.name} accepts none of the payloads"
        assert all(row.accepts(v.text) for v in row.values("t0")), row.name
        kinds = {p.kind for p in accepted}
        if row.name == "contact.phone":
            # The pattern allows digits and + ( ) - . only: markup is refused (422), rightly.
            assert kinds == {"plain"}, kinds
        else:
            assert "script" in kinds or "email local part" in kinds, f"{row.name} gets no markup: {kinds}"
    assert {p.kind for p in PAYLOADS} == set(PAYLOAD_CLASSES)


def test_the_docs_page_names_every_field_and_payload_class() -> None:
    text = DOC.read_text(encoding="utf-8")
    for row in FIELDS:
        assert f"`{row.name}`" in text, f"docs/e2e/hostile-text.md does not name {row.name}"
        for column in row.columns:
            assert column in text, f"docs/e2e/hostile-text.md does not name the column {column}"
    for kind in PAYLOAD_CLASSES:
        assert kind in text, f"docs/e2e/hostile-text.md does not name the payload class {kind!r}"
