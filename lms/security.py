"""Security headers on every response, and a refusal of input no database can store."""

from __future__ import annotations

from flask import Flask, Response, abort, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def refuse_nul_characters() -> None:
    """A NUL character in a URL or form field is never legitimate, and PostgreSQL cannot
    store it: answer 400 before any code sees it."""
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value
        for source in (request.args, request.form)
        for key, values in source.lists()
        for value in values
    ):
        abort(400, description="The request contained a NUL character, which is not allowed.")


def register_security_headers(app: Flask) -> None:
    app.before_request(refuse_nul_characters)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        # Only on requests that arrived over https (browsers ignore HSTS over plain http, and
        # promising https on a plain-http listener is wrong). Behind the TLS proxy, the proxy's
        # X-Forwarded-Proto tells it, when TRUSTED_PROXIES says the proxy is there (ProxyFix).
        if app.config.get("HSTS") and request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if "Cache-Control" not in response.headers and response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        return response
