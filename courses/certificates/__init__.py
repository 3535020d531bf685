"""The certificates room: requests, PDF, signed credentials, the register, expiry."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach the certificate pages (mine, holders, public verification) and tables."""
    from courses.certificates import models  # noqa: F401  (registers the tables)
    from courses.certificates.views import blueprint

    app.register_blueprint(blueprint)
