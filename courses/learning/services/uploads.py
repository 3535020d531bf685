"""Images for lessons: the type is read from the bytes, never trusted from the name."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import defer

from courses.learning.models import Course, Upload
from lms.database import get_or_raise
from lms.errors import ValidationError
from lms.extensions import db

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


def sniff_image_type(data: bytes) -> str | None:
    """The image type its first bytes declare, or None (SVG, HTML and others are refused)."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    if len(data) > 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _looks_like_markup(data: bytes) -> bool:
    """SVG, HTML or XML text (what a browser might run scripts from)."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") or b"<svg" in head or b"<html" in head or b"<script" in head


def safe_filename(name: str, content_type: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", name.rsplit(".", 1)[0]).strip("-")[:60] or "image"
    return f"{stem}.{EXTENSIONS[content_type]}"


def store_upload(course: Course, uploaded_by_id: int, filename: str, data: bytes) -> Upload:
    if not data:
        raise ValidationError("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The file is {len(data) // 1024} KB; images may be at most "
            f"{MAX_UPLOAD_BYTES // 1024} KB."
        )
    content_type = sniff_image_type(data)
    if content_type is None and _looks_like_markup(data):
        raise ValidationError(
            "SVG images and HTML files are refused, whatever their name: they can carry "
            "scripts. Save the picture as PNG or JPEG and upload that."
        )
    if content_type is None:
        raise ValidationError(
            "Only PNG, JPEG, GIF and WebP images can be uploaded (checked "
            "from the file's content, not its name)."
        )
    upload = Upload(
        course_id=course.id,
        uploaded_by_id=uploaded_by_id,
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        size=len(data),
        data=data,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def get_upload(upload_id: int) -> Upload:
    return get_or_raise(Upload, upload_id, "No such image.")


def uploads_of(course: Course) -> list[Upload]:
    """A course's images, newest first, without their bytes."""
    return list(
        db.session.scalars(
            select(Upload)
            .where(Upload.course_id == course.id)
            .options(defer(Upload.data))
            .order_by(Upload.id.desc())
        )
    )
