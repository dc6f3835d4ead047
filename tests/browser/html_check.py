"""Valid HTML: the pages the browser tests see, checked by the Nu HTML Checker.

``PageCapture`` listens to every browser context the tests open. Each HTML
document the live server sends (the response body as served) is saved once
per kind of page: URL pattern, the visitor's role, the page's language, the
request method and the status. ``axe_check`` adds the DOM after scripts for
the same page. When a kind of page comes back with more markup (a list with
more rows, a message after an action), the fuller version replaces the first.

The last test of the browser run (``test_html_valid.py``) hands the saved
files to the Nu HTML Checker (``tests/nu_checker.py``) and fails on any error.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http.cookie import parse_cookie
from django.urls import Resolver404, resolve

BASE_DIR = Path(__file__).resolve().parents[2]
# Under var/, which git ignores; a CI system can collect it as an artefact.
HTML_DIR = Path(os.environ.get("SELVHJELP_HTML_CHECK_DIR", BASE_DIR / "var" / "html-check"))
MANIFEST = "pages.json"

# The roles a full browser run must reach, and the languages.
REQUIRED_ROLES = (
    "public",
    "seeker",
    "member",
    "initiator",
    "contact-point",
    "district",
    "national-admin",
)
REQUIRED_LANGUAGES = ("nb", "nn", "en")

HTML_LANG_RE = re.compile(r"<html\b[^>]*\blang=[\"']?([\w-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class PageKind:
    route: str
    role: str
    lang: str
    method: str
    status: int
    source: str  # "served" (response body) or "dom" (after scripts)

    @property
    def filename(self) -> str:
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"\1", self.route).strip("/") or "home"
        route = re.sub(r"[^\w.-]+", "_", route)
        return f"{self.lang}.{self.role}.{route}.{self.method}-{self.status}.{self.source}.html"


@dataclass
class SavedPage:
    kind: PageKind
    path: str  # the path actually visited, for the report
    size: int


def role_of_user(user_id: Any) -> str:
    """The role a page is seen in: the highest the person holds right now."""
    from groups.models import Membership
    from organisations.models import StaffRole

    if user_id is None:
        return "public"
    kinds = set(StaffRole.objects.filter(user_id=user_id).values_list("kind", flat=True))
    for kind, role in (
        (StaffRole.Kind.NATIONAL_ADMIN, "national-admin"),
        (StaffRole.Kind.DISTRICT_STAFF, "district"),
        (StaffRole.Kind.CONTACT_POINT_STAFF, "contact-point"),
        (StaffRole.Kind.INITIATOR, "initiator"),
    ):
        if kind in kinds:
            return role
    roles = set(Membership.objects.active().filter(user_id=user_id).values_list("role", flat=True))
    if Membership.Role.INITIATOR in roles:
        return "initiator"
    if Membership.Role.MEMBER in roles:
        return "member"
    return "seeker"


def user_id_from_cookie_header(header: str | None) -> Any:
    """The logged-in user behind a request's ``Cookie`` header, or None."""
    session_key = parse_cookie(header or "").get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    return store.get(SESSION_KEY)


def route_of(path: str) -> str:
    try:
        return resolve(path).route or path
    except Resolver404:
        return path


class PageCapture:
    """Saves each distinct page the browser tests receive into ``folder``."""

    def __init__(self, folder: Path = HTML_DIR) -> None:
        self.folder = folder
        self.pages: dict[PageKind, SavedPage] = {}
        # The kind and path of the last document each page received, for its DOM.
        self.last_document: dict[Any, tuple[PageKind, str]] = {}
        # Bodies still being read, per browser context.
        self.pending: Counter[Any] = Counter()
        # Documents whose body was gone before it could be read (the test had
        # already moved on), with the kind they would have been saved as.
        self.lost: list[tuple[PageKind, str]] = []
        self._clear()

    def _clear(self) -> None:
        """Remove what an earlier run saved (only the files this class writes)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.html"):
            old.unlink()
        (self.folder / MANIFEST).unlink(missing_ok=True)

    def watch(self, context: Any) -> None:
        """Attach to a new browser context (``browser.on("context", ...)``).

        Playwright runs each listener in a greenlet of its own, so a test can
        go on (and close the context) while a body is still being read.
        Closing the context therefore first lets those reads finish.
        """
        context.on("response", lambda response: self.on_response(context, response))
        close = context.close

        def close_after_saving(**kwargs: Any) -> None:
            self._wait_for_listeners(context)
            close(**kwargs)

        context.close = close_after_saving

    def _wait_for_listeners(self, context: Any) -> None:
        deadline = time.monotonic() + 10
        while self.pending[context] and time.monotonic() < deadline:
            context.cookies()  # any round trip lets the listeners run on

    def on_response(self, context: Any, response: Any) -> None:
        self.pending[context] += 1
        try:
            self._on_response(response)
        finally:
            self.pending[context] -= 1

    def _on_response(self, response: Any) -> None:
        request = response.request
        if request.resource_type != "document" or 300 <= response.status < 400:
            return  # a redirect has no page
        content_type = response.headers.get("content-type", "")
        if not content_type.startswith("text/html"):
            return  # CSV and JSON downloads, the API
        path = urlsplit(response.url).path
        role = role_of_user(user_id_from_cookie_header(request.header_value("cookie")))
        try:
            body = response.body()
        except Exception as exc:  # the page navigated on before the body arrived
            language = (response.headers.get("content-language") or "unknown").lower()
            kind = PageKind(
                route_of(path), role, language, request.method, response.status, "served"
            )
            self.lost.append((kind, f"{request.method} {response.url}: body not available ({exc})"))
            return
        html = body.decode("utf-8", errors="replace")
        kind = PageKind(
            route=route_of(path),
            role=role,
            lang=self._language(html, response.headers.get("content-language")),
            method=request.method,
            status=response.status,
            source="served",
        )
        self.last_document[response.frame.page] = (kind, path)
        self._save(kind, path, html)

    def snapshot_dom(self, page: Any) -> None:
        """Save ``page``'s DOM as scripts left it, beside its served HTML."""
        self._wait_for_listeners(page.context)
        served, path = self.last_document.get(page, (None, ""))
        if served is None or path != urlsplit(page.url).path:
            return  # a document that was not saved (a download, say)
        kind = PageKind(**{**asdict(served), "source": "dom"})
        self._save(kind, path, page.content())

    @property
    def problems(self) -> list[str]:
        """Lost bodies of a kind that no other response gave: pages never checked.

        A test that moves on at once (a click right after ``goto``) can leave
        Chromium without the body of the page it left. That page is checked all
        the same when another visit of the same kind was saved.
        """
        return [message for kind, message in self.lost if kind not in self.pages]

    @staticmethod
    def _language(html: str, header: str | None) -> str:
        match = HTML_LANG_RE.search(html)
        return (match.group(1) if match else header or "unknown").lower()

    def _save(self, kind: PageKind, path: str, html: str) -> None:
        size = len(html)
        saved = self.pages.get(kind)
        if saved is not None and saved.size >= size:
            return
        (self.folder / kind.filename).write_text(html, encoding="utf-8")
        self.pages[kind] = SavedPage(kind=kind, path=path, size=size)
        self._write_manifest()

    def _write_manifest(self) -> None:
        manifest = {
            saved.kind.filename: {**asdict(saved.kind), "path": saved.path}
            for saved in self.pages.values()
        }
        (self.folder / MANIFEST).write_text(
            json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8"
        )
