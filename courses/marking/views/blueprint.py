"""The marking room's blueprint and what its views share."""

from __future__ import annotations

from flask import Blueprint, Response

from courses.marking.models import SubmissionFile

blueprint = Blueprint("marking", __name__, template_folder="../templates")


def file_response(file: SubmissionFile, name: str) -> Response:
    """A handed-in file, served as the type read from its bytes, as a download, in a sandbox."""
    response = Response(file.data, mimetype=file.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; sandbox; frame-ancestors 'none'"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
