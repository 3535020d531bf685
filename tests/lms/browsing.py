"""Acting like a browser in view tests: forms carry the CSRF token of the client's session."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_token_from


def csrf_token_for(browser: FlaskClient) -> str:
    """A valid CSRF token for this client's session, taken from a page it can see."""
    page = browser.get("/login", follow_redirects=True)
    return csrf_token_from(page.get_data(as_text=True))


def submit(browser: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any):
    """POST a form with the session's CSRF token, as the page's own form would."""
    payload = {"csrf_token": csrf_token_for(browser), **(data or {})}
    return browser.post(url, data=payload, **kwargs)


def text_of(response: TestResponse) -> str:
    return response.get_data(as_text=True)
