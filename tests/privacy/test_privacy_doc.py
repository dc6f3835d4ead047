"""``docs/privacy.md`` documents every field of every model.

The "Field by field" part of the document has one ``### `app_label.Model` ``
heading per model, each followed by a table whose first column names the
fields. This test fails when a model or a field exists without a row (or a row
names something that is gone), so the document keeps up with the models.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

DOC = Path(settings.BASE_DIR) / "docs" / "privacy.md"
HEADING = re.compile(r"^### `(?P<label>[\w.]+)`\s*$")
ROW = re.compile(r"^\|\s*`(?P<field>\w+)`\s*\|")


def documented() -> dict[str, set[str]]:
    models: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if heading := HEADING.match(line):
            current = models.setdefault(heading["label"], set())
        elif line.startswith("## "):
            current = None
        elif current is not None and (row := ROW.match(line)):
            current.add(row["field"])
    return models


def field_names(model) -> set[str]:
    return {
        f.name
        for f in model._meta.get_fields()
        if f.concrete or (f.many_to_many and not f.auto_created)
    }


def test_every_model_is_documented():
    doc = documented()
    models = {m._meta.label for m in apps.get_models()}
    assert sorted(models - set(doc)) == [], "models missing from docs/privacy.md"
    assert sorted(set(doc) - models) == [], "docs/privacy.md documents models that are gone"


def test_every_field_is_documented():
    doc = documented()
    problems = []
    for model in apps.get_models():
        label = model._meta.label
        fields = field_names(model)
        rows = doc.get(label, set())
        problems += [f"{label}.{name}: not in docs/privacy.md" for name in sorted(fields - rows)]
        problems += [f"{label}.{name}: documented but gone" for name in sorted(rows - fields)]
    assert problems == []


def test_the_parser_reads_the_document():
    doc = documented()
    assert {"email", "display_name", "phone"} <= doc["accounts.User"]
    assert len(doc) >= 30


def test_retention_settings_match_the_document():
    text = DOC.read_text(encoding="utf-8")
    in_doc = set(re.findall(r"`(SELVHJELP_RETAIN_\w+)`", text))
    in_settings = {name for name in dir(settings) if name.startswith("SELVHJELP_RETAIN_")}
    assert in_doc == in_settings
    assert "privacy.tasks.purge" in text
