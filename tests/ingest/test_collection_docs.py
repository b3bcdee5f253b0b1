"""docs/collections.md documents every key of the collection.toml schema (so a new key cannot go undocumented)."""

from __future__ import annotations

import pydantic
import pytest

from mapapp import REPO_ROOT
from mapapp.ingest import collection_schema as schema

DOC = (REPO_ROOT / "docs" / "collections.md").read_text(encoding="utf-8")

MODELS: list[type[pydantic.BaseModel]] = [schema.Collection, schema.Features, schema.Join, schema.Names,
                                          schema.ValuesByYear, schema.YearColumns, schema.Attribute,
                                          schema.GeoJSONColumn, schema.LonLatColumns, schema.PlaceColumn,
                                          schema.NativeGeometry, schema.YearsInName, schema.Merge,
                                          schema.PlaceMatches, schema.Records, schema.RecordField]


def documented(name: str) -> bool:
    """A key written as code (`name`, `name = …`) or as the table `[name]` / `[[name]]`."""
    return any(form in DOC for form in (f"`{name}", f"{name} =", f"`[{name}]`", f"`[[{name}]]`"))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_key_is_documented(model: type[pydantic.BaseModel]) -> None:
    missing = [name for name in model.model_fields if not documented(name)]
    assert missing == []
