"""One person's way through the app in a browser tab: every page reached is checked the same
way (no error response, no console error such as a Content-Security-Policy refusal, the
accessibility check) and the main steps are saved as full-page screenshots."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urlsplit

from tests.browser.accessibility import Violation, accessibility_violations, describe

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Frame, Page, Response

# Chromium asks every site for a favicon; the platform has none, and that is no error.
IGNORED_PATHS = frozenset({"/favicon.ico"})


def _page_of(url: str) -> str:
    return urldefrag(url).url


class Journey:
    """Wraps the tab of one journey. Call `step()` after every navigation (a click that loads
    a page, a form submit, a reload); `finish()` then fails the test on anything a step found
    and on any page that was reached without being checked."""

    def __init__(self, page: Page, name: str, screenshots: Path, server_logs: Callable[[], str]):
        self.page = page
        self.name = name
        self.folder = screenshots / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.server_logs = server_logs
        self.signed_in = False
        self.screens = 0
        self.navigated: list[str] = []
        self.checked: set[str] = set()
        self.violations: list[Violation] = []
        self.failed_responses: list[str] = []
        self.console_errors: list[str] = []
        page.on("framenavigated", self._navigated)
        page.on("response", self._responded)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"page error: {error}"))

    # --- events (recorded only: the sync API must not be called from a handler) ----------

    def _navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame:
            self.navigated.append(_page_of(frame.url))

    def _responded(self, response: Response) -> None:
        if response.status >= 400 and urlsplit(response.url).path not in IGNORED_PATHS:
            request = response.request
            self.failed_responses.append(f"{response.status} {request.method} {response.url}")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if urlsplit(message.location.get("url", "")).path in IGNORED_PATHS:
            return
        self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    # --- steps ----------------------------------------------------------------------------

    def step(self, title: str, *, screenshot: bool = True) -> Path | None:
        """Check the page now shown; save it as the next numbered screenshot."""
        self.page.wait_for_load_state("load")
        if self.failed_responses:
            raise AssertionError(
                f"{self.name} / {title}: error responses {self.failed_responses}\n"
                f"server and worker logs:\n{self.server_logs()}"
            )
        path = None
        if screenshot:
            self.screens += 1
            slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
            path = self.folder / f"{self.screens:02d}-{slug}.png"
            self.page.screenshot(path=str(path), full_page=True)
        self.violations += accessibility_violations(self.page, signed_in=self.signed_in)
        self.checked.add(_page_of(self.page.url))
        return path

    def finish(self) -> None:
        """Fail on what the steps found: accessibility violations, console errors, pages
        reached but never checked."""
        unchecked = sorted(set(self.navigated) - self.checked - {"about:blank"})
        problems = []
        if self.violations:
            problems.append(f"accessibility violations:\n{describe(self.violations)}")
        if self.console_errors:
            problems.append("console errors:\n  " + "\n  ".join(self.console_errors))
        if unchecked:
            problems.append("pages reached without a check:\n  " + "\n  ".join(unchecked))
        assert not problems, f"{self.name}:\n" + "\n".join(problems)
