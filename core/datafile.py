"""Reading the YAML data files under ``data/`` with clear errors.

A wrong entry is reported as ``<file>: <section>[<index>] (<slug>): <field>: <problem>`` and
the loaders validate every section before writing anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError


class DataError(Exception):
    """A data file cannot be loaded; the message names the file, the entry and the field."""


class Strict(BaseModel):
    """Base for data-file schemas: unknown fields are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise DataError(f"{path}: expected a mapping of sections at the top level")
    return doc


def parse_entries(source: str, doc: dict[str, Any], section: str, schema: type[M]) -> list[M]:
    """Validate every entry of a list section; the first problem is reported precisely."""
    raw = doc.get(section) or []
    if not isinstance(raw, list):
        raise DataError(f"{source}: {section}: expected a list of entries")
    return [parse_entry(source, f"{section}[{i}]", item, schema) for i, item in enumerate(raw)]


def parse_entry(source: str, where: str, item: Any, schema: type[M]) -> M:
    try:
        return schema.model_validate(item)
    except ValidationError as exc:
        name = item.get("slug") or item.get("name") if isinstance(item, dict) else None
        entry = f"{where} ({name})" if name else where
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(entry)"
        raise DataError(f"{source}: {entry}: field '{field}': {first['msg']}") from None
