"""Static URLs come from the manifest once per name, and as the manifest says."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.test import override_settings

from core.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    manifest = {"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=str(tmp_path), base_url="/static/")


@override_settings(DEBUG=False)
def test_a_url_is_the_hashed_name_and_is_looked_up_once(storage, monkeypatch):
    lookups = []
    real = ManifestFilesMixin.stored_name

    def counted(self, name):
        lookups.append(name)
        return real(self, name)

    monkeypatch.setattr(ManifestFilesMixin, "stored_name", counted)
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert lookups == ["css/site.css"]


@override_settings(DEBUG=False)
def test_a_name_missing_from_the_manifest_still_fails_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("js/gone.js")


@override_settings(DEBUG=True)
def test_with_debug_on_the_plain_name_is_used(storage):
    assert storage.url("css/site.css") == "/static/css/site.css"
