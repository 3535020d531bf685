"""Curricula: ordered lists of published courses, each required or optional."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.learning.models.catalogue import Course, Principle
from lms.extensions import db
from lms.organisation.models import OrgUnit
from lms.timeutil import utcnow

curriculum_principles = Table(
    "curriculum_principles",
    db.metadata,
    Column(
        "curriculum_id", Integer, ForeignKey("curricula.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("principle_id", Integer, ForeignKey("principles.id"), primary_key=True),
)


class Curriculum(db.Model):
    """A training unit's curriculum; only that unit's trainers change it."""

    __tablename__ = "curricula"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    training_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    training_unit: Mapped[OrgUnit] = relationship()
    entries: Mapped[list[CurriculumCourse]] = relationship(
        back_populates="curriculum",
        order_by="CurriculumCourse.position",
        cascade="all, delete-orphan",
    )
    principles: Mapped[list[Principle]] = relationship(
        secondary=curriculum_principles, order_by="Principle.position"
    )
    competency_links: Mapped[list[CurriculumCompetency]] = relationship(
        cascade="all, delete-orphan", order_by="CurriculumCompetency.competency_code"
    )

    @property
    def competency_codes(self) -> list[str]:
        return [link.competency_code for link in self.competency_links]

    @property
    def required_course_ids(self) -> list[int]:
        return [entry.course_id for entry in self.entries if entry.required]


class CurriculumCourse(db.Model):
    """A course in a curriculum, at its place in the order."""

    __tablename__ = "curriculum_courses"

    curriculum_id: Mapped[int] = mapped_column(
        ForeignKey("curricula.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(Boolean, default=True)

    curriculum: Mapped[Curriculum] = relationship(back_populates="entries")
    course: Mapped[Course] = relationship()


class CurriculumCompetency(db.Model):
    """A competency the curriculum covers, by code (resolved by the competencies package)."""

    __tablename__ = "curriculum_competencies"

    curriculum_id: Mapped[int] = mapped_column(
        ForeignKey("curricula.id", ondelete="CASCADE"), primary_key=True
    )
    competency_code: Mapped[str] = mapped_column(String(32), primary_key=True)
