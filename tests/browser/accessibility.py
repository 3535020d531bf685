"""Our own small accessibility check, run inside the page by Chromium (a11y_check.js says what
it checks): labels and names, landmarks, one h1, the page language, image alternatives,
positive tabindex and text contrast from the computed styles."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHECK_SCRIPT = (Path(__file__).with_name("a11y_check.js")).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Violation:
    rule: str
    selector: str
    detail: str
    page: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.page}: {self.selector}: {self.detail}"


def accessibility_violations(page: Page, *, signed_in: bool) -> list[Violation]:
    """What the check finds wrong on the page as it is now. A signed-in page must also carry
    the main navigation (the sign-in page has nothing to navigate to)."""
    found = page.evaluate(CHECK_SCRIPT, {"requireNav": signed_in})
    return [Violation(item["rule"], item["selector"], item["detail"], page.url) for item in found]


def describe(violations: list[Violation]) -> str:
    return "\n".join(f"  {violation}" for violation in violations)
