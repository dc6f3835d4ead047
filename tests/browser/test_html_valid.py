"""Every distinct page the browser tests received is valid HTML.

This test runs right after the last browser test (``conftest.py`` moves it
there) and hands the pages they saved to the Nu HTML Checker. It is a
browser test itself, so ``-m 'not browser'`` leaves it out with them.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import browser_run
from tests.browser.html_check import REQUIRED_LANGUAGES, REQUIRED_ROLES
from tests.nu_checker import describe_errors, run_checker

pytestmark = pytest.mark.browser


def test_every_page_the_browser_tests_saw_is_valid_html(pytestconfig):
    run = browser_run(pytestconfig)
    if run.tests_ran == 0:
        pytest.skip("no browser test ran in this session, so no page to check")
    capture = run.capture
    served = [kind for kind in capture.pages if kind.source == "served"] if capture else []
    if capture is None or not served:
        pytest.fail(f"{run.tests_ran} browser tests ran but not one page was saved", pytrace=False)

    errors = [m for m in run_checker(capture.folder) if m.is_error]
    run.summary = f"Nu HTML Checker: {len(capture.pages)} pages, {len(errors)} errors"
    problems = []
    if errors:
        by_file = {saved.kind.filename: saved for saved in capture.pages.values()}

        def where(filename: str) -> str:
            saved = by_file.get(filename)
            if saved is None:
                return filename
            kind = saved.kind
            return f"{kind.method} {saved.path} as {kind.role} in {kind.lang} ({kind.source})"

        problems.append(
            f"{run.summary} (files in {capture.folder}):\n{describe_errors(errors, where)}"
        )
    if run.complete:
        seen = {(kind.role, kind.lang) for kind in capture.pages}
        missing = [
            f"{role} in {lang}"
            for role in REQUIRED_ROLES
            for lang in REQUIRED_LANGUAGES
            if (role, lang) not in seen
        ]
        if missing:
            problems.append(
                f"No page seen as {', '.join(missing)}: the browser tests must visit"
                " the pages of every role in every language (see test_page_tour.py)"
            )
    if capture.problems:
        problems.append("Pages that could not be saved:\n" + "\n".join(capture.problems))
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)
