"""Benchmark of the skill-gap matrix at the scale of a national administration.

    .venv/bin/python benchmarks/matrix.py                                  # 10,000 officers
    .venv/bin/python benchmarks/matrix.py --officers 1000 --attempts 100000   # a quick run

Generates a workforce in bulk (INSERT … executemany, not the ORM): an administration, three
regions and their offices, job positions with required levels, officers, graded quiz attempts
and their evidence, then measures in one run and prints one JSON line:

- the full rebuild of current levels from evidence (`rebuild_current_levels`), against a plain
  SQL aggregate over the same evidence (what the database itself needs to read it once);
- the whole-administration roll-up read from current levels (the matrix service), against the
  same roll-up recomputed from evidence;
- one office's matrix page and one officer's profile page through the Flask test client;
- one incremental update: one attempt's evidence appended (levels moved) and committed.

Attempts → evidence: each attempt is one graded Attempt row on one of the quizzes (one course
per five competencies), and carries 1–4 of that course's competencies; each carried competency
is one Evidence row (officer, competency, level demonstrated 0–4, the attempt's time).
Attempts are spread over the five years before the run, mostly on the competencies the
officer's position requires.

The database is a temporary SQLite file (WAL, as the embedded default) removed at the end, or
`--database postgresql://…`: an empty database whose tables the run creates and drops.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, insert, inspect, select, text  # noqa: E402

from competencies.models import (  # noqa: E402
    Competency,
    CurrentLevel,
    Evidence,
    Framework,
    PositionRequirement,
    competency_principles,
)
from competencies.services import matrix  # noqa: E402
from competencies.services.evidence import record_attempt_evidence  # noqa: E402
from competencies.services.levels import (  # noqa: E402
    current_levels_from_evidence,
    rebuild_current_levels,
)
from config import TestingConfig  # noqa: E402
from courses.models import Attempt, Course, CourseItem, Module, ModuleCompetency, Principle  # noqa: E402
from lms import create_app  # noqa: E402
from lms.accounts.models import User, UserRole  # noqa: E402
from lms.accounts.passwords import hash_password  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.organisation.models import JobPosition, OrgUnit  # noqa: E402
from lms.timeutil import utcnow  # noqa: E402

PASSWORD = "Bench-Matrix-2024"  # noqa: S105 (a throw-away database)
CHUNK = 20_000
YEARS = 5
COMPETENCIES_PER_COURSE = 5
POSITIONS = 12
OFFICERS_PER_OFFICE = 160
# (code, policy, validity in months): the rebuild meets every policy.
FRAMEWORKS = (
    ("BENCH-HI", "highest", None),
    ("BENCH-LA", "latest", None),
    ("BENCH-VA", "highest_valid", 24),
)
TARGETS = {
    "rebuild_vs_aggregate_max": 2.0,
    "rollup_speedup_min": 20.0,
    "unit_matrix_page_ms_max": 100.0,
    "profile_page_ms_max": 100.0,
    "incremental_update_ms_max": 5.0,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--officers", type=int, default=10_000, help="up to 60,000")
    parser.add_argument("--competencies", type=int, default=60)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument(
        "--database", help="an empty PostgreSQL database URL (default: a temporary SQLite file)"
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=15, help="requests per page (median)")
    args = parser.parse_args(argv)
    if not 1 <= args.officers <= 60_000:
        parser.error("--officers must be 1 to 60,000")
    if args.competencies < len(FRAMEWORKS):
        parser.error(f"--competencies must be at least {len(FRAMEWORKS)}")
    if args.attempts < 1:
        parser.error("--attempts must be at least 1")
    return args


# --- generation ----------------------------------------------------------------------------------


@dataclass
class Workforce:
    """What the measurements need to know about the generated data."""

    root_id: int
    office_ids: list[int]
    officers_of_office: dict[int, list[int]]
    position_of: dict[int, int]
    required: dict[int, list[int]]  # position id -> competency ids
    courses_of: dict[int, list[tuple[int, int, list[int]]]]  # competency -> (course, quiz, comps)
    competency_codes: dict[int, str]
    hr_email: str
    counts: dict[str, int] = field(default_factory=dict)


def insert_rows(table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])


def generate(args: argparse.Namespace, rng: random.Random) -> Workforce:
    """The whole workforce, in bulk; commits."""
    now = utcnow()
    password_hash = hash_password(PASSWORD, fast=True)

    # Organisation: the administration, three regions, offices of about 160 officers.
    offices_per_region = max(1, round(args.officers / 3 / OFFICERS_PER_OFFICE))
    units = [{"id": 1, "code": "ADM", "name": "Bench Customs Administration",
              "kind": "administration", "path": "/1/", "depth": 0}]  # fmt: skip
    office_ids = []
    next_id = 2
    for region in range(3):
        region_id = next_id
        next_id += 1
        units.append({"id": region_id, "code": f"R{region + 1}", "name": f"Region {region + 1}",
                      "kind": "region", "parent_id": 1, "path": f"/1/{region_id}/", "depth": 1})  # fmt: skip
        for office in range(offices_per_region):
            units.append({"id": next_id, "code": f"R{region + 1}-O{office + 1:03d}",
                          "name": f"Office {region + 1}.{office + 1}", "kind": "office",
                          "parent_id": region_id, "path": f"/1/{region_id}/{next_id}/",
                          "depth": 2})  # fmt: skip
            office_ids.append(next_id)
            next_id += 1
    # One statement per row: a unit names its parent, inserted just before it.
    for unit in units:
        db.session.execute(insert(OrgUnit), [unit])

    # Principles, frameworks (one per policy), competencies linked to one or two principles.
    db.session.execute(
        insert(Principle),
        [{"id": n, "code": f"BP{n:02d}", "name": f"Principle {n}", "position": n}
         for n in range(1, 15)],  # fmt: skip
    )
    db.session.execute(
        insert(Framework),
        [{"id": n, "code": code, "name": f"Framework {code}", "level_policy": policy,
          "validity_months": validity, "position": n, "scale": ["Aware", "Trained",
          "Advanced", "Expert"], "proficient_level": 2}
         for n, (code, policy, validity) in enumerate(FRAMEWORKS, start=1)],  # fmt: skip
    )
    competencies = []
    codes = {}
    for n in range(1, args.competencies + 1):
        framework_id = (n - 1) % len(FRAMEWORKS) + 1
        codes[n] = f"BC{n:03d}"
        competencies.append({"id": n, "framework_id": framework_id, "code": codes[n],
                             "name": f"Competency {n}", "path": f"/{n}/", "position": n})  # fmt: skip
    insert_rows(Competency, competencies)
    links = set()
    for n in range(1, args.competencies + 1):
        links.add((n, (n - 1) % 14 + 1))
        if rng.random() < 0.4:
            links.add((n, rng.randint(1, 14)))
    db.session.execute(
        insert(competency_principles),
        [{"competency_id": c, "principle_id": p} for c, p in sorted(links)],
    )

    # Positions, each requiring about a quarter of the competencies.
    required: dict[int, list[int]] = {}
    requirements = []
    db.session.execute(
        insert(JobPosition),
        [{"id": p, "code": f"POS{p:02d}", "title": f"Position {p}"}
         for p in range(1, POSITIONS + 1)],  # fmt: skip
    )
    for position_id in range(1, POSITIONS + 1):
        count = max(1, min(args.competencies, args.competencies // 4 + rng.randint(-3, 3)))
        required[position_id] = sorted(rng.sample(range(1, args.competencies + 1), count))
        for competency_id in required[position_id]:
            requirements.append({"position_id": position_id, "competency_id": competency_id,
                                 "required_level": rng.choice([1, 2, 2, 3, 3, 4]),
                                 "mandatory": rng.random() < 0.7})  # fmt: skip
    insert_rows(PositionRequirement, requirements)

    # Courses: one per five competencies, each one module building them and one quiz.
    courses_of: dict[int, list[tuple[int, int, list[int]]]] = {}
    all_ids = list(range(1, args.competencies + 1))
    course_rows, module_rows, module_links, item_rows = [], [], [], []
    for n, start in enumerate(range(0, len(all_ids), COMPETENCIES_PER_COURSE), start=1):
        built = all_ids[start : start + COMPETENCIES_PER_COURSE]
        course_rows.append({"id": n, "code": f"BCRS{n:03d}", "title": f"Course {n}",
                            "status": "published", "training_unit_id": 1})  # fmt: skip
        module_rows.append({"id": n, "course_id": n, "title": f"Module {n}"})
        module_links.extend({"module_id": n, "competency_code": codes[c]} for c in built)
        item_rows.append({"id": n, "module_id": n, "course_id": n, "kind": "quiz",
                          "title": f"Quiz {n}"})  # fmt: skip
        for competency_id in built:
            courses_of.setdefault(competency_id, []).append((n, n, built))
    for table, rows in ((Course, course_rows), (Module, module_rows),
                        (ModuleCompetency, module_links), (CourseItem, item_rows)):  # fmt: skip
        insert_rows(table, rows)

    # Officers, HR for the whole administration.
    users, roles = [], []
    officers_of_office: dict[int, list[int]] = {office: [] for office in office_ids}
    position_of: dict[int, int] = {}
    ability: dict[int, float] = {}
    for user_id in range(1, args.officers + 1):
        office = office_ids[(user_id - 1) % len(office_ids)]
        position_of[user_id] = rng.randint(1, POSITIONS)
        ability[user_id] = rng.betavariate(2.5, 2.5)
        officers_of_office[office].append(user_id)
        users.append({"id": user_id, "email": f"officer{user_id}@bench.example",
                      "full_name": f"Officer {user_id:05d}", "service_number": f"B{user_id:06d}",
                      "unit_id": office, "position_id": position_of[user_id],
                      "password_hash": password_hash, "created_at": now})  # fmt: skip
        roles.append({"user_id": user_id, "role": "officer"})
    hr_id = args.officers + 1
    hr_email = "hr@bench.example"
    users.append({"id": hr_id, "email": hr_email, "full_name": "Bench HR",
                  "service_number": "BHR0001", "unit_id": 1, "password_hash": password_hash,
                  "created_at": now})  # fmt: skip
    roles.append({"user_id": hr_id, "role": "hr"})
    insert_rows(User, users)
    insert_rows(UserRole, roles)
    db.session.commit()

    # Attempts and their evidence, oldest first, a chunk at a time.
    start_time = now - timedelta(days=365 * YEARS)
    span = (now - timedelta(hours=1) - start_time).total_seconds()
    numbers: dict[tuple[int, int], int] = {}
    evidence_id = 0
    evidence_rows_total = 0
    for chunk_start in range(0, args.attempts, CHUNK):
        size = min(CHUNK, args.attempts - chunk_start)
        offsets = sorted(rng.random() for _ in range(size))
        attempts, evidence = [], []
        for n, offset in enumerate(offsets):
            attempt_id = chunk_start + n + 1
            user_id = rng.randint(1, args.officers)
            wanted = required[position_of[user_id]]
            target = rng.choice(wanted) if rng.random() < 0.85 else rng.choice(all_ids)
            course_id, item_id, built = rng.choice(courses_of[target])
            carried = rng.sample(built, min(len(built), rng.randint(1, 4)))
            if target not in carried:
                carried[0] = target
            at = start_time + timedelta(seconds=(chunk_start + offset * size) / args.attempts
                                        * span)  # fmt: skip
            number = numbers.get((item_id, user_id), 0) + 1
            numbers[(item_id, user_id)] = number
            levels = []
            for competency_id in carried:
                skill = ability[user_id] * 4 + rng.gauss(0, 0.9) + (at - start_time).days / 900
                levels.append((competency_id, max(0, min(4, int(skill)))))
            score = 100.0 * sum(level for _, level in levels) / (4 * len(levels))
            attempts.append({"id": attempt_id, "item_id": item_id, "course_id": course_id,
                             "user_id": user_id, "number": number, "status": "graded",
                             "started_at": at - timedelta(minutes=20), "submitted_at": at,
                             "score": score, "passed": score >= 70, "snapshot": [],
                             "answers": {}, "results": []})  # fmt: skip
            for competency_id, level in levels:
                evidence_id += 1
                evidence.append({"id": evidence_id, "user_id": user_id,
                                 "competency_id": competency_id, "level": level,
                                 "source": "quiz", "attempt_id": attempt_id, "note": "",
                                 "created_at": at})  # fmt: skip
        db.session.execute(insert(Attempt), attempts)
        db.session.execute(insert(Evidence), evidence)
        db.session.commit()
        evidence_rows_total += len(evidence)
    if db.engine.dialect.name == "postgresql":
        # Ids were given explicitly: move the sequences on, and let the planner see the data.
        for table in ("org_units", "principles", "frameworks", "competencies", "job_positions",
                      "courses", "modules", "course_items", "users", "attempts", "evidence"):  # fmt: skip
            db.session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                     f"(SELECT MAX(id) FROM {table}))")  # fmt: skip
            )
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()

    return Workforce(
        root_id=1,
        office_ids=office_ids,
        officers_of_office=officers_of_office,
        position_of=position_of,
        required=required,
        courses_of=courses_of,
        competency_codes=codes,
        hr_email=hr_email,
        counts={
            "org_units": len(units),
            "offices": len(office_ids),
            "positions": POSITIONS,
            "position_requirements": len(requirements),
            "officers": args.officers,
            "competencies": args.competencies,
            "frameworks": len(FRAMEWORKS),
            "courses": len(course_rows),
            "attempts": args.attempts,
            "evidence_rows": evidence_rows_total,
        },
    )


# --- measuring -----------------------------------------------------------------------------------


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


def median_ms(action: Callable[[], Any], repeat: int) -> float:
    return statistics.median(timed(action)[0] for _ in range(repeat))


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def plain_aggregate() -> tuple[int, int]:
    """The baseline: the best level per (officer, competency) over all evidence, computed by
    the database (counted, not fetched, so Python's share is nil)."""
    best = (
        select(Evidence.user_id, Evidence.competency_id, func.max(Evidence.level).label("best"))
        .group_by(Evidence.user_id, Evidence.competency_id)
        .subquery()
    )
    pairs, total = db.session.execute(select(func.count(), func.sum(best.c.best))).one()
    return pairs, total


def rollup_from_current_levels(root: OrgUnit) -> dict[int, matrix.PostStats]:
    """What the roll-up page reads: post stats per unit and competency, summed up the tree."""
    units = matrix.units_within(root)
    stats = matrix.requirement_stats(matrix.MatrixFilter(unit=root))
    matrix.roll_up(stats, units, units[0])
    return matrix.totals_by_competency(stats)


def rollup_from_evidence() -> dict[int, matrix.PostStats]:
    """The same totals when levels are not kept: every officer's level derived from all the
    evidence again (in SQL, the rebuild's own query), then joined to the posts."""
    levels = current_levels_from_evidence().subquery()
    level = func.coalesce(levels.c.level, 0)
    required = PositionRequirement.required_level
    rows = db.session.execute(
        select(
            PositionRequirement.competency_id,
            func.count(),
            func.sum(func.iif(level >= required, 1, 0)) if False else func.sum(
                (level >= required).cast(db.Integer)
            ),
        )
    )
    return rows  # replaced below


def main(argv: list[str] | None = None) -> int:
    raise NotImplementedError


if __name__ == "__main__":
    raise SystemExit(main())
