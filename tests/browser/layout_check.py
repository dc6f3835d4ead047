"""Phone first: every page the browser tests check, seen at 375 px and 1280 px.

``axe_check`` hands each page here once per address and language. The page is
saved as a full-page screenshot at both widths into ``var/screenshots/`` (or
``SELVHJELP_SCREENSHOT_DIR``; ``.ci/run`` prints where), and at phone width
it must have:

- no horizontal overflow (the page no wider than the screen; a table may
  scroll sideways inside its own frame);
- no visible text smaller than 12 px;
- no word broken across two lines without a hyphen («Selvhjelpsgrupp / er»,
  «18.00– / 20.00»). Addresses and e-mail addresses may break anywhere.

Once per address, not per step: a story that comes back to a page does not
pay for it again, which keeps the browser run short.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

BASE_DIR = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = Path(os.environ.get("SELVHJELP_SCREENSHOT_DIR", BASE_DIR / "var" / "screenshots"))
PHONE = {"width": 375, "height": 800}
DESKTOP_WIDTH = 1280
MIN_FONT_PX = 12

# Runs in the page at phone width; returns a list of problems in words.
LAYOUT_SCRIPT = r"""
(minFont) => {
  const problems = [];
  const root = document.documentElement;
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    else if (el.classList.length) name += "." + [...el.classList].slice(0, 2).join(".");
    return name;
  };
  if (root.scrollWidth > root.clientWidth + 1) {
    const wide = [...document.body.querySelectorAll("*")]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
      .filter((el) => !el.closest(".table-wrap, .ds-sr-only"))
      .slice(0, 3)
      .map(describe);
    problems.push(
      `the page is ${root.scrollWidth} px wide on a ${root.clientWidth} px screen` +
        (wide.length ? ` (${wide.join(", ")})` : "")
    );
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const small = new Map();
  const broken = [];
  const range = document.createRange();
  const lines = (rects) =>
    new Set([...rects].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent;
    if (!text.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest("script, style, noscript, title, desc, .ds-sr-only, .table-wrap")) {
      continue;
    }
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minFont && !small.has(el)) small.set(el, `${describe(el)} (${size} px)`);
    range.selectNodeContents(node);
    if (lines(range.getClientRects()) < 2) continue;
    for (const match of text.matchAll(/\S+/g)) {
      const word = match[0];
      if (word.length < 4 || /[-\u00ad/@]/.test(word)) continue;
      range.setStart(node, match.index);
      range.setEnd(node, match.index + word.length);
      if (lines(range.getClientRects()) > 1) broken.push(`«${word}» in ${describe(el)}`);
    }
  }
  const some = (items) => [...items].slice(0, 5).join(", ");
  if (small.size) problems.push(`text smaller than ${minFont} px: ${some(small.values())}`);
  if (broken.length) problems.push(`words broken without a hyphen: ${some(broken)}`);
  return problems;
}
"""


def _file_name(url: str, lang: str) -> str:
    parts = urlsplit(url)
    path = parts.path.strip("/") or "home"
    if parts.query:
        path += "-" + parts.query
    name = re.sub(r"[^\w.-]+", "_", path)[:150]
    return f"{name}.{lang or 'x'}"


class LayoutCheck:
    """Screenshots and the phone checks, once per address and language."""

    def __init__(self, directory: Path = SCREENSHOT_DIR) -> None:
        self.directory = directory
        self.seen: set[tuple[str, str]] = set()
        self.seconds = 0.0  # what the screenshots and checks cost the run
        self.directory.mkdir(parents=True, exist_ok=True)
        for old in self.directory.glob("*.png"):
            old.unlink()

    def check(self, page: Page) -> list[str]:
        """Save both screenshots of ``page`` and return its problems on a phone."""
        lang = page.evaluate("document.documentElement.lang")
        key = (page.url, lang)
        if key in self.seen:
            return []
        self.seen.add(key)
        name = _file_name(page.url, lang)
        viewport = page.viewport_size or {"width": DESKTOP_WIDTH, "height": 900}
        started = time.monotonic()
        try:
            page.set_viewport_size({"width": DESKTOP_WIDTH, "height": viewport["height"]})
            page.screenshot(path=self.directory / f"{name}.1280.png", full_page=True)
            page.set_viewport_size(PHONE)
            page.screenshot(path=self.directory / f"{name}.375.png", full_page=True)
            problems: list[str] = page.evaluate(LAYOUT_SCRIPT, MIN_FONT_PX)
        finally:
            page.set_viewport_size(viewport)
            self.seconds += time.monotonic() - started
        return problems
