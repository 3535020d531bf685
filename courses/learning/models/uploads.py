"""Images uploaded by authors for their lessons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.markdown import UPLOADS_PREFIX
from lms.timeutil import utcnow


class Upload(db.Model):
    """An image, its type checked from its bytes. Served only as that image type."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def path(self) -> str:
        """The path lessons use to show it (`![text](path)`; lms.markdown allows only these)."""
        return f"{UPLOADS_PREFIX}{self.id}/{self.filename}"
