"""The organisation tree (administration → region → office) and job positions."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db


class UnitKind(enum.StrEnum):
    ADMINISTRATION = "administration"
    REGION = "region"
    OFFICE = "office"
    PORT = "port"
    BORDER_POST = "border_post"
    TRAINING_CENTRE = "training_centre"
    DIRECTORATE = "directorate"


class OrgUnit(db.Model):
    """A unit of the administration. `path` holds the ids from the root ("/1/4/9/") so a
    whole subtree is one indexed prefix query."""

    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default=UnitKind.OFFICE.value)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    path: Mapped[str] = mapped_column(String(512), index=True, default="/")
    depth: Mapped[int] = mapped_column(default=0)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code}>"


class JobPosition(db.Model):
    __tablename__ = "job_positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<JobPosition {self.code}>"
