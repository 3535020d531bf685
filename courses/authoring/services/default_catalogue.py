"""The default catalogue shipped in courses/catalogue (one course folder per reform principle):
reference data loaded by `flask catalogue load` in any installation, and by the demo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from courses.authoring.services import publishing
from courses.authoring.services.course_format import CourseFileErrors
from courses.authoring.services.course_import import (
    course_code_of,
    course_folders,
    import_courses,
)
from courses.learning.models import Course
from courses.learning.services.principles import ensure_principles
from lms.extensions import db

CATALOGUE = Path(__file__).resolve().parents[2] / "catalogue"


@dataclass(frozen=True)
class CatalogueLoad:
    imported: tuple[Course, ...]
    skipped: tuple[str, ...]  # codes of the catalogue's courses already in the database
    warnings: tuple[str, ...] = ()  # publishing.publication_warnings of the imported courses

    def report(self) -> str:
        lines = [f"Imported {c.code}: {c.title} ({c.status})" for c in self.imported]
        if self.skipped:
            lines.append(
                f"Skipped {len(self.skipped)} course(s) whose code exists: "
                + ", ".join(self.skipped)
            )
        if not self.imported:
            lines.append("Nothing to import: the catalogue was already loaded.")
        lines.extend(f"Warning: {warning}" for warning in self.warnings)
        return "\n".join(lines)


def load_catalogue(
    training_unit_id: int, *, publish: bool = False, path: Path = CATALOGUE
) -> CatalogueLoad:
    """Import the catalogue's courses whose code is not used yet, owned by the training unit.

    All or nothing: raises CourseFileErrors listing every problem of every course (unknown
    competency codes among them), and the caller rolls back. A course whose code exists is
    skipped, whatever its content: it may have been edited since. The caller commits."""
    ensure_principles()
    existing = {code.upper() for code in db.session.scalars(select(Course.code))}
    problems: list[str] = []
    wanted, skipped = [], []
    for folder in course_folders(path):
        try:
            code = course_code_of(folder)
        except CourseFileErrors as error:
            problems.extend(error.problems)
            continue
        (skipped if code.upper() in existing else wanted).append((folder, code))
    if problems:
        raise CourseFileErrors(problems)
    imported = import_courses(
        [folder for folder, _ in wanted], training_unit_id=training_unit_id, publish=publish
    )
    warnings = tuple(
        f"{course.code}: {warning}"
        for course in imported
        for warning in publishing.publication_warnings(course)
    )
    return CatalogueLoad(tuple(imported), tuple(code for _, code in skipped), warnings)
