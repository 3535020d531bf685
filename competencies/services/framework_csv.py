"""Importing and exporting competency frameworks as Moodle competency-framework CSV files
(the format: competencies.services.moodle_csv).

Import is all or nothing: the file is checked whole, every problem is reported with its line
(the header being line 1), and nothing is written unless there are none. A framework whose
code already exists is refused, not updated: replacing a tree that evidence and position
requirements point at is an edit to make on the platform, one competency at a time.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from competencies.models import Competency, Framework
from competencies.services.competency_tree import competency_tree
from competencies.services.frameworks import add_competency
from competencies.services.moodle_csv import CompetencyRow, FrameworkRow, write_framework_csv
from competencies.services.moodle_csv_reading import Directory, FrameworkFile, check_framework_csv
from courses.learning.services.principles import PRINCIPLES, ensure_principles
from lms.audit.services import AuditAction, record_audit
from lms.errors import ValidationError
from lms.extensions import db


def framework_directory() -> Directory:
    """What the platform holds that a file must not clash with (one query per kind)."""
    return Directory(
        framework_codes=frozenset(db.session.scalars(select(Framework.code))),
        competency_frameworks=dict(
            db.session.execute(
                select(Competency.code, Framework.code).join(
                    Framework, Competency.framework_id == Framework.id
                )
            ).all()
        ),
        principle_codes=frozenset(fact.code for fact in PRINCIPLES),
    )


def check_framework_import(text: str) -> FrameworkFile:
    """Every problem with a file, against the platform as it is now; writes nothing."""
    return check_framework_csv(text, framework_directory())


def import_framework(text: str, *, actor_id: int | None) -> Framework:
    """Create the framework a file describes, with its whole tree; all or nothing.

    Raises ValidationError naming the first problems when the file has any;
    `check_framework_import` lists them all.
    """
    checked = check_framework_import(text)
    if not checked.ok or checked.framework is None:
        shown = "; ".join(f"line {e.line}: {e.message}" for e in checked.errors[:5])
        more = f" (and {len(checked.errors) - 5} more)" if len(checked.errors) > 5 else ""
        raise ValidationError(f"Nothing was imported. {shown}{more}")
    fact = checked.framework
    principles = {p.code: p for p in ensure_principles()}
    framework = Framework(
        code=fact.code,
        name=fact.name,
        description=fact.description,
        scale=list(fact.scale),
        proficient_level=fact.proficient_level,
        level_policy=fact.level_policy,
        validity_months=fact.validity_months,
        min_questions_per_level=fact.min_questions_per_level,
        taxonomy=fact.taxonomy,
        position=(db.session.scalar(select(func.max(Framework.position))) or 0) + 1,
    )
    db.session.add(framework)
    db.session.flush()
    children: dict[str, list[CompetencyRow]] = {}
    for row in checked.competencies:
        children.setdefault(row.parent_code, []).append(row)

    def create(parent_code: str, parent: Competency | None) -> None:
        for position, row in enumerate(children.get(parent_code, []), start=1):
            competency = add_competency(
                framework.id,
                row.code,
                row.name,
                row.description,
                position,
                [principles[code] for code in row.principle_codes],
                parent,
            )
            competency.external_id = row.external_id
            competency.level_descriptors = dict(row.level_descriptors)
            create(row.code, competency)

    create("", None)
    db.session.flush()
    record_audit(
        AuditAction.FRAMEWORK_IMPORTED,
        actor_id=actor_id,
        target_type="framework",
        target_id=framework.id,
        summary=f"Imported framework {framework.code} with {len(checked.competencies)} "
        "competencies from CSV",
        after={
            "code": framework.code,
            "name": framework.name,
            "competencies": len(checked.competencies),
        },
    )
    return framework


def framework_rows(framework: Framework) -> tuple[FrameworkRow, list[CompetencyRow]]:
    """A framework and its tree as plain rows, parents first, numbered as the file's lines
    (when no text spans lines)."""
    tree = competency_tree(framework)
    codes = {competency.id: competency.code for competency in tree}
    return (
        FrameworkRow(
            2,
            framework.code,
            framework.name,
            framework.description,
            tuple(framework.scale),
            framework.proficient_level,
            framework.level_policy,
            framework.validity_months,
            framework.taxonomy,
            framework.min_questions_per_level,
        ),
        [
            CompetencyRow(
                line,
                competency.code,
                competency.name,
                competency.description,
                codes.get(competency.parent_id, "") if competency.parent_id else "",
                tuple(p.code for p in competency.principles),
                competency.external_id,
                dict(competency.level_descriptors or {}),
            )
            for line, competency in enumerate(tree, start=3)
        ],
    )


def export_framework_csv(framework: Framework) -> str:
    """The framework as a Moodle competency-framework CSV (UTF-8 text, CRLF line ends)."""
    return write_framework_csv(*framework_rows(framework))


def export_filename(framework: Framework) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", framework.code).strip("-") or "framework"
    return f"competency-framework-{safe}.csv"
