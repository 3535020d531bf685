"""The file an officer hands in with a task: a PDF or an image, its type read from its bytes
(never from its name), refused when it is anything else."""

from __future__ import annotations

from courses.learning.services.uploads import sniff_image_type
from lms.errors import ValidationError

MAX_FILE_BYTES = 6 * 1024 * 1024  # under the request limit (MAX_CONTENT_LENGTH, 8 MB)
PDF = "application/pdf"
ACCEPTED = (PDF, "image/png", "image/jpeg")
EXTENSIONS = {PDF: "pdf", "image/png": "png", "image/jpeg": "jpg"}


def sniff_file_type(data: bytes) -> str | None:
    """PDF when the file starts as one and has its end-of-file marker; otherwise the image type
    its first bytes declare (PNG and JPEG only); None for anything else."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return PDF
    content_type = sniff_image_type(data)
    return content_type if content_type in ACCEPTED else None


def checked_file(data: bytes) -> str:
    """The file's type, or a ValidationError saying what is accepted."""
    if not data:
        raise ValidationError("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            f"The file is {len(data) // 1024} KB; a file may be at most "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB."
        )
    content_type = sniff_file_type(data)
    if content_type is None:
        raise ValidationError(
            "Only a PDF or a PNG or JPEG image can be handed in (checked from the file's "
            "content, not its name). Save or print your document as PDF and upload that."
        )
    return content_type
