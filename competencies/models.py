"""Competency frameworks, evidence, current levels and position requirements."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from competencies.rules import demonstration_rule
from courses.learning.models import Principle
from lms.database import bytewise
from lms.extensions import db
from lms.timeutil import utcnow

DEFAULT_SCALE = ("Aware", "Trained", "Advanced", "Expert")


class LevelPolicy(enum.StrEnum):
    HIGHEST = "highest"  # the best level ever demonstrated
    LATEST = "latest"  # the most recent evidence decides
    HIGHEST_VALID = "highest_valid"  # the best level within the validity period (old lapses)


class EvidenceSource(enum.StrEnum):
    QUIZ = "quiz"
    MANUAL = "manual"
    TASK = "task"  # a trainer-marked task, judged against its rubric
    MAPPED = "mapped"  # a retired competency's level, carried to its successor on upgrade


class Framework(db.Model):
    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Level names, lowest first: level 1 is scale[0].
    scale: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_SCALE))
    # Levels at or above this count as proficient.
    proficient_level: Mapped[int] = mapped_column(default=2)
    level_policy: Mapped[str] = mapped_column(String(16), default=LevelPolicy.HIGHEST.value)
    validity_months: Mapped[int | None] = mapped_column()
    taxonomy: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    # A quiz evidences level L only with at least this many questions of the competency at L
    # (rules.demonstrations); 1 to 20.
    min_questions_per_level: Mapped[int] = mapped_column(default=3, server_default="3")
    # Retired by an edition of the model: kept for its history, listed nowhere.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)

    competencies: Mapped[list[Competency]] = relationship(
        back_populates="framework",
        order_by=lambda: bytewise(Competency.path),  # tree order on any collation
        cascade="all, delete-orphan",
    )

    def level_name(self, level: int) -> str:
        return self.scale[level - 1] if 1 <= level <= len(self.scale) else "—"

    @property
    def demonstration_rule(self) -> str:
        """How a quiz evidences a level in this framework, in words (with its N)."""
        return demonstration_rule(self.min_questions_per_level)


competency_principles = Table(
    "competency_principles",
    db.metadata,
    Column(
        "competency_id",
        Integer,
        ForeignKey("competencies.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("principle_id", Integer, ForeignKey("principles.id"), primary_key=True),
)


class Competency(db.Model):
    """A competency in a framework's tree; `code` is unique across frameworks because course
    modules and questions name competencies by code."""

    __tablename__ = "competencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("frameworks.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("competencies.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[str] = mapped_column(String(512), default="/", index=True)
    depth: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    # What an officer at each level can do, keyed by the level as text ("1" … "4"); a level
    # not written is absent (competencies/descriptors.py holds the defaults' texts).
    level_descriptors: Mapped[dict[str, str]] = mapped_column(
        JSON, default=dict, server_default="{}"
    )
    # The competency's reference in an outside framework (a PICARD area, an EU framework
    # code); "" when it has none.
    external_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Retired by an edition of the model (competency_successions names its successor): its
    # evidence stays, but no position, matrix, gap profile, profile or export shows it.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)

    framework: Mapped[Framework] = relationship(back_populates="competencies")
    parent: Mapped[Competency | None] = relationship(remote_side=[id])
    principles: Mapped[list[Principle]] = relationship(
        secondary=competency_principles, order_by="Principle.position"
    )

    def descriptor(self, level: int) -> str:
        """What an officer at `level` can do, in this competency ("" when not written)."""
        return (self.level_descriptors or {}).get(str(level), "")


class Evidence(db.Model):
    """One piece of evidence of a level: a graded quiz attempt or a trainer's rating.
    Append-only: the ORM refuses to change or delete it."""

    __tablename__ = "evidence"
    __table_args__ = (
        Index("ix_evidence_user_competency", "user_id", "competency_id"),
        # Covers the rebuild: each framework's GROUP BY reads this index alone, never the
        # table (services/levels.py). Also serves every lookup by competency.
        Index(
            "ix_evidence_competency_user_time", "competency_id", "user_id", "created_at", "level"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"))
    level: Mapped[int] = mapped_column()  # 0: attempted, no level demonstrated
    source: Mapped[str] = mapped_column(String(16))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"), index=True)
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    # Quiz evidence: the rule as applied and the questions that made the level (see
    # services/evidence.py `evidence_basis`); None for ratings and rows recorded before it.
    basis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    competency: Mapped[Competency] = relationship()
    rated_by = relationship("User", foreign_keys=[rated_by_id])


class EvidenceImmutable(RuntimeError):
    """Raised when code tries to change or remove evidence."""


@event.listens_for(Evidence, "before_update")
@event.listens_for(Evidence, "before_delete")
def _refuse_change(mapper, connection, target: Evidence) -> None:
    raise EvidenceImmutable("evidence is append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    # update(Evidence) and delete(Evidence) skip the mapper events above.
    if state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) == Evidence.__tablename__:
            raise EvidenceImmutable("evidence is append-only")


class CurrentLevel(db.Model):
    """An officer's level per competency, kept by the evidence service in the same transaction
    as the evidence: the matrix reads this table and never re-scans attempts."""

    __tablename__ = "current_levels"
    # Every read goes through the primary key (user_id, competency_id): the matrix joins on it,
    # the profile reads one officer's rows. On SQLite the rows live in that key's own B-tree
    # (one lookup per post instead of two); other databases ignore the option. No index by
    # competency: no query used one, and keeping it took a third of the rebuild's time.
    __table_args__ = ({"sqlite_with_rowid": False},)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), primary_key=True)
    level: Mapped[int] = mapped_column(default=0)
    achieved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # For frameworks whose evidence lapses: when this level stops counting.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)


class PositionRequirement(db.Model):
    """The level a job position requires in a competency."""

    __tablename__ = "position_requirements"

    position_id: Mapped[int] = mapped_column(
        ForeignKey("job_positions.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    required_level: Mapped[int] = mapped_column()
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)

    competency: Mapped[Competency] = relationship()


class CompetencySuccession(db.Model):
    """A retired competency and the one that carries on for it, as an upgrade applied it: the
    officers' levels carried, the requirements, module and question tags and rubric criteria
    moved. By code: the history outlives any row."""

    __tablename__ = "competency_successions"

    id: Mapped[int] = mapped_column(primary_key=True)
    retired_code: Mapped[str] = mapped_column(String(32), unique=True)
    successor_code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    levels_carried: Mapped[int] = mapped_column(default=0)
    requirements_moved: Mapped[int] = mapped_column(default=0)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
