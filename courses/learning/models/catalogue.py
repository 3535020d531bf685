"""Courses, their modules and items, lessons, and the reform principles they align to."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.organisation.models import OrgUnit
from lms.timeutil import utcnow


class CourseStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class ItemKind(enum.StrEnum):
    LESSON = "lesson"
    QUIZ = "quiz"
    TASK = "task"  # trainer-marked (courses/marking)


class Principle(db.Model):
    """A reform principle of the Revised Kyoto Convention (reference data)."""

    __tablename__ = "principles"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    anchor: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)


module_principles = Table(
    "module_principles",
    db.metadata,
    Column("module_id", Integer, ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
    Column("principle_id", Integer, ForeignKey("principles.id"), primary_key=True),
)


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=CourseStatus.DRAFT.value, index=True)
    training_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    # Certificates for this course expire after this many months (None: never).
    validity_months: Mapped[int | None] = mapped_column()
    # When a certificate expires, assign the course to its holder again.
    recertify: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)

    training_unit: Mapped[OrgUnit] = relationship()
    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan"
    )

    @property
    def is_published(self) -> bool:
        return self.status == CourseStatus.PUBLISHED


class Module(db.Model):
    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))

    course: Mapped[Course] = relationship(back_populates="modules")
    items: Mapped[list[CourseItem]] = relationship(
        back_populates="module", order_by="CourseItem.position", cascade="all, delete-orphan"
    )
    principles: Mapped[list[Principle]] = relationship(
        secondary=module_principles, order_by="Principle.position"
    )
    competency_links: Mapped[list[ModuleCompetency]] = relationship(
        cascade="all, delete-orphan", order_by="ModuleCompetency.competency_code"
    )

    @property
    def competency_codes(self) -> list[str]:
        return [link.competency_code for link in self.competency_links]


class ModuleCompetency(db.Model):
    """A competency a module builds, named by its code: a plain link the competency model
    (a later package) resolves."""

    __tablename__ = "module_competencies"

    module_id: Mapped[int] = mapped_column(
        ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True
    )
    competency_code: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class CourseItem(db.Model):
    """A lesson or a quiz, in its module's order. Its body lives in Lesson or Quiz."""

    __tablename__ = "course_items"
    __table_args__ = (UniqueConstraint("module_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    # Denormalised from the module so a course's items are one indexed query.
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(default=True)

    module: Mapped[Module] = relationship(back_populates="items")
    lesson: Mapped[Lesson | None] = relationship(
        back_populates="item", cascade="all, delete-orphan", uselist=False
    )
    quiz: Mapped[Quiz | None] = relationship(  # noqa: F821
        back_populates="item", cascade="all, delete-orphan", uselist=False
    )


class Lesson(db.Model):
    """Markdown source and its sanitised HTML, rendered once per revision."""

    __tablename__ = "lessons"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("course_items.id", ondelete="CASCADE"), primary_key=True
    )
    markdown: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    item: Mapped[CourseItem] = relationship(back_populates="lesson")
