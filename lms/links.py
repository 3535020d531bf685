"""Absolute links to the platform's pages, as the public reaches them (PUBLIC_BASE_URL): for
mails, certificates' QR codes and credentials, which are read outside any request.

Links are built from PUBLIC_BASE_URL, never from the request's host: a job has no request, and
a link in a mail or on a certificate must not depend on which address a request came in by.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

LOOPBACK_NAMES = frozenset({"localhost"})


def absolute_url(base_url: str, path: str) -> str:
    """`path` (beginning with "/") under `base_url` (which may end with "/" or hold a prefix)."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def app_path(endpoint: str, **values: Any) -> str:
    """The path of a page inside the app, built without a request.

    Not url_for: in a job or the CLI it needs SERVER_NAME, and inside a request it adds the
    request's SCRIPT_NAME, which PUBLIC_BASE_URL already holds when the proxy mounts the platform
    under a prefix."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.inject_url_defaults(endpoint, values)
    return app.url_map.bind("localhost", script_name="/").build(endpoint, values)


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of a page: PUBLIC_BASE_URL joined to its path."""
    return absolute_url(current_app.config["PUBLIC_BASE_URL"], app_path(endpoint, **values))


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url_problem(value: str, *, https_required: bool, local_trial: bool) -> str | None:
    """What is wrong with PUBLIC_BASE_URL `value`, or None (pure).

    It needs a scheme and a host. Where https is required (production), an http address is
    accepted only in a local trial, and then only on a loopback address."""
    parts = urlsplit(value)
    example = "https://learning.customs.example"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return (
            f"PUBLIC_BASE_URL={value!r} is not an absolute address: write it with its scheme and "
            f"host, e.g. {example}"
        )
    if parts.query or parts.fragment:
        return f"PUBLIC_BASE_URL={value!r} must not hold a query or a fragment."
    if parts.scheme == "https" or not https_required:
        return None
    if not local_trial:
        return (
            f"PUBLIC_BASE_URL={value!r} must be an https address (e.g. {example}): the public "
            "reaches the platform through the TLS proxy. For a trial on this machine before the "
            "proxy exists, set LMS_LOCAL_TRIAL=1 and a loopback address (http://127.0.0.1:8000)."
        )
    if not is_loopback(parts.hostname):
        return (
            f"PUBLIC_BASE_URL={value!r}: LMS_LOCAL_TRIAL=1 allows http only on a loopback "
            "address (127.0.0.1, ::1 or localhost); anywhere else, use https."
        )
    return None
