"""The project's own errors, raised by services, and the pages that show them."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lms.extensions import db


class DomainError(Exception):
    """Base for errors a service raises; the handler maps each subclass to a status."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    status_code = 400


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


def register_error_handlers(app: Flask) -> None:
    def render_error(status: int, title: str, message: str):
        # Drop whatever the failed request left in the session: nothing of it may be committed
        # later, and the page's own queries (the signed-in user) need a usable transaction.
        db.session.rollback()
        return render_template(
            "errors/error.html", status=status, title=title, message=message
        ), status

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        titles = {
            400: _("Request refused"),
            403: _("Not allowed"),
            404: _("Not found"),
            409: _("Conflict"),
        }
        return render_error(
            error.status_code, titles.get(error.status_code, _("Error")), error.message
        )

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        if app.config.get("SESSION_COOKIE_SECURE") and not request.is_secure:
            # The browser never sends a Secure cookie back over http, so every form fails
            # here: say why instead of "reload and try again", which cannot help.
            return render_error(
                400,
                _("Form expired"),
                _(
                    "This platform is being reached over plain http, but its cookies require "
                    "https, so your browser did not send them back and no form can work. "
                    "Reach it through its https address (the TLS proxy), or, for a trial on "
                    "this machine before the proxy exists, start it with LMS_LOCAL_TRIAL=1."
                ),
            )
        return render_error(
            400,
            _("Form expired"),
            _(
                "The form was missing its security token or it had expired. "
                "Go back, reload the page and try again."
            ),
        )

    @app.errorhandler(403)
    def handle_forbidden(error: HTTPException):
        return render_error(
            403, _("Not allowed"), _("Your account does not have access to this page.")
        )

    @app.errorhandler(404)
    def handle_not_found(error: HTTPException):
        return render_error(
            404, _("Page not found"), _("There is no page at %(path)s.", path=request.path)
        )

    @app.errorhandler(429)
    def handle_too_many(error: HTTPException):
        return render_error(
            429,
            _("Too many requests"),
            _("Too many requests from your address. Wait a few minutes and try again."),
        )

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        return render_error(error.code or 500, error.name, error.description or "")

    @app.errorhandler(500)
    def handle_server_error(error: Exception):
        return render_error(
            500,
            _("Something went wrong"),
            _(
                "The platform hit an unexpected error. Nothing you submitted was half-saved: "
                "try again, and tell your administrator if it happens again."
            ),
        )
