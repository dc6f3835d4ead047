"""Static files with hashed names, their URLs worked out once per name.

Whitenoise's ``CompressedManifestStaticFilesStorage`` looks every URL up in
the manifest and splits, joins and unquotes it again: about 40 µs for each
``{% static %}``, and a page has six. The manifest is read when the process
starts and does not change while it runs, so the answer for a name does not
either; this keeps it. With ``DEBUG`` on, or ``force``, it asks the storage
each time, as before.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: Any, force: bool = False) -> str:
        if force or settings.DEBUG:
            return str(super().url(name, force))
        known = self._urls.get(name)
        if known is None:
            known = self._urls[name] = str(super().url(name))
        return known
