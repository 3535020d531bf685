"""Security headers on every response: every route as every role (pages, files, exports,
images, JSON, redirects and error pages), and HSTS in production on https requests only.

tests/lms/test_security.py checks the full header set on a page and an error page (run here
too); tests/lms/test_config.py that the production app sends HSTS.
"""

from __future__ import annotations

from flask import Flask

from config import ProductionConfig
from lms import create_app
from tests.lms.signing_keys import rsa_key_pem
from tests.lms.test_config import (  # noqa: F401  (run here too)
    test_production_cookies_are_secure_and_https_responses_carry_hsts,
)
from tests.lms.test_security import (  # noqa: F401  (run here too, with its fixtures)
    admin,
    admin_browser,
    test_security_headers_on_pages_and_errors,
)
from tests.security.conftest import Cast
from tests.security.helpers import ROUTES, browser_as, token_of

PRODUCTION_SECRETS = {
    "SECRET_KEY": "production-test-secret",
    "REDIS_URL": "redis://127.0.0.1:6399/0",  # never contacted by these requests
    "CREDENTIAL_SIGNING_KEY": rsa_key_pem(),
    "PUBLIC_BASE_URL": "https://lms.example",
    "RATELIMIT_ENABLED": False,
}


def policy(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as {directive: [sources]}."""
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [word.lower() for word in words[1:]]
    return directives


def header_problems(response) -> list[str]:
    problems = []
    csp = policy(response.headers.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src"))
    if scripts is None:
        problems.append("no script-src or default-src")
    elif {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(scripts):
        problems.append(f"script sources {scripts}")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors {csp.get('frame-ancestors')}")
    if csp.get("object-src", csp.get("default-src")) not in (["'none'"], ["'self'"]):
        problems.append(f"object-src {csp.get('object-src')}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    return problems


def test_every_response_of_every_route_carries_the_headers(app, cast: Cast, login_as):
    world = cast.world
    failures = []
    for role, user in {"anonymous": None, **world.users}.items():
        browser = browser_as(app, login_as, user)
        token = token_of(browser, "/login")
        for (method, _rule), (url, _statuses) in sorted(ROUTES.items()):
            if (method, url) == ("POST", "/logout"):
                continue
            if method == "GET":
                response = browser.get(world.url(url))
            else:
                response = browser.post(world.url(url), data={"csrf_token": token})
            response.close()
            problems = header_problems(response)
            if problems:
                failures.append((role, method, url, response.status_code, problems))
    for odd in ("/no-such-page", "/admin/users/99999999", "/static/missing.css"):
        problems = header_problems(app.test_client().get(odd))
        if problems:
            failures.append(("anonymous", "GET", odd, problems))
    assert failures == []


def production_app(tmp_path) -> Flask:
    return create_app(
        ProductionConfig,
        {
            **PRODUCTION_SECRETS,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/lms.sqlite3",
        },
    )


def test_production_sends_hsts_on_pages_redirects_and_errors(tmp_path):
    browser = production_app(tmp_path).test_client()
    for url in ("/login", "/healthz", "/no-such-page", "/me"):
        response = browser.get(url, base_url="https://lms.example")
        response.close()
        hsts = response.headers.get("Strict-Transport-Security", "")
        assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 31536000
        assert header_problems(response) == [], url


def test_behind_a_trusted_proxy_https_is_read_from_the_proxy_header(tmp_path):
    """With TRUSTED_PROXIES=1 the TLS proxy's X-Forwarded-Proto says the request came over
    https, so HSTS is sent; without it the same header is a client's claim, and ignored."""
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    trusted = create_app(
        ProductionConfig,
        {
            **PRODUCTION_SECRETS,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/lms.sqlite3",
            "TRUSTED_PROXIES": 1,
        },
    )
    response = trusted.test_client().get(
        "/healthz", base_url="http://127.0.0.1:8000", headers=forwarded
    )
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    response = (
        production_app(tmp_path)
        .test_client()
        .get("/healthz", base_url="http://127.0.0.1:8000", headers=forwarded)
    )
    assert "Strict-Transport-Security" not in response.headers


def test_production_sends_no_hsts_over_plain_http(tmp_path):
    """A plain-http listener (gunicorn reached directly, a trial before the proxy) must not
    promise https: HSTS follows request.is_secure (a trusted proxy's X-Forwarded-Proto is
    needed for that behind the proxy)."""
    browser = production_app(tmp_path).test_client()
    for url in ("/login", "/healthz", "/no-such-page"):
        response = browser.get(url, base_url="http://lms.example")
        response.close()
        assert "Strict-Transport-Security" not in response.headers, url
        assert response.headers["X-Frame-Options"] == "DENY"
