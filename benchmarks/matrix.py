"""Benchmark of the skill-gap matrix at the scale of a national administration.

    .venv/bin/python benchmarks/matrix.py                                    # 10,000 officers
    .venv/bin/python benchmarks/matrix.py --officers 1000 --attempts 100000  # a quick run

Generates a workforce in bulk (INSERT … executemany, not the ORM): an administration, three
regions and their offices, job positions with required levels, officers, graded quiz attempts
and their evidence. Then measures, in one run, and prints one JSON line with every figure, the
ratios, the targets and whether each is met:

- the full rebuild of current levels from evidence (`rebuild_current_levels`, committed),
  against the plain aggregate over the same evidence (best level per officer and competency),
  computed in the database alone and fetched, and against the cost of merely writing that
  aggregate into a copy of current_levels (the floor of any rebuild);
- the whole-administration roll-up read from current levels (the matrix service), against the
  same roll-up recomputed from the evidence (in SQL) and from the attempts (their results read
  again and put through the pure rules); the three must agree;
- one office's matrix page as HR and one officer's own profile page, through the Flask test
  client (signed in once; median of --repeat requests), with the queries each ran; and the
  whole administration's roll-up page;
- one incremental update: one graded attempt's evidence recorded and committed (median of 300).

Attempts → evidence: each attempt is one graded Attempt row on one course's quiz (a course per
five competencies) and carries 1–4 of that course's competencies; its results demonstrate a
level 0–4 in each, and each competency carried is one Evidence row (officer, competency, that
level, the attempt's time). Attempts are spread over the five years before the run, mostly on
the competencies the officer's position requires; officers improve over the years.

The database is a temporary SQLite file (WAL, as the embedded default) removed at the end, or
`--database postgresql://…`: an empty database whose tables the run creates and drops.
Wall-clock figures depend on what else the machine runs: the load average is in the output.
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
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Select,
    Table,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    union_all,
)

from competencies.models import (
    Competency,
    CurrentLevel,
    Evidence,
    Framework,
    PositionRequirement,
    competency_principles,
)
from competencies.rules import (
    DEFAULT_MIN_QUESTIONS,
    EvidencePoint,
    demonstrated_levels,
    level_from_evidence,
)
from competencies.services import matrix, matrix_queries
from competencies.services.evidence import record_attempt_evidence
from competencies.services.levels import (
    current_levels_from_evidence,
    rebuild_current_levels,
)
from config import TestingConfig
from courses.events import AttemptGraded
from courses.learning.models import Attempt, Course, CourseItem, Module, ModuleCompetency, Principle
from courses.learning.results import results_from_json
from lms import create_app
from lms.accounts.models import User, UserRole
from lms.accounts.passwords import hash_password
from lms.extensions import db
from lms.organisation.models import JobPosition, OrgUnit
from lms.timeutil import utcnow

PASSWORD = "Bench-Matrix-2024"  # noqa: S105 (a throw-away database)
CHUNK = 20_000
YEARS = 5
COMPETENCIES_PER_COURSE = 5
POSITION_IDS = list(range(1, 13))
P_IDS = list(range(1, 15))  # the reform principles
HR_EMAIL = "hr@bench.example"
TABLES_WITH_GIVEN_IDS = (
    "org_units",
    "principles",
    "frameworks",
    "competencies",
    "job_positions",
    "courses",
    "modules",
    "course_items",
    "users",
    "attempts",
)
OFFICERS_PER_OFFICE = 160
# (code, policy, validity in months): the rebuild meets every policy.
FRAMEWORKS = (
    ("BENCH-HI", "highest", None),
    ("BENCH-LA", "latest", None),
    ("BENCH-VA", "highest_valid", 24),
)
INCREMENTAL_UPDATES = 300
ATTEMPTS_TO_EVIDENCE = (
    "each attempt is one graded Attempt row on one course's quiz, carrying 1-4 of the course's "
    "5 competencies (85% of attempts aim at a competency the officer's position requires); its "
    "results hold 1-4 questions per competency carried, and each competency carried is one "
    "Evidence row with the level those results demonstrate (0-4) at the attempt's time"
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

    office_ids: list[int]
    officers_of_office: dict[int, list[int]]
    position_of: dict[int, int]  # officer -> position
    required: dict[int, list[int]]  # position -> competencies
    courses_of: dict[int, list[tuple[int, list[int]]]]  # competency -> (course, its competencies)
    competency_codes: dict[int, str]
    hr_email: str
    counts: dict[str, int] = field(default_factory=dict)


def insert_rows(table, rows: list[dict[str, Any]]) -> None:
    """Bulk INSERT (executemany), a chunk at a time."""
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])


def organisation(officers: int) -> tuple[list[dict[str, Any]], list[int]]:
    """The administration (id 1), three regions, offices of about 160 officers."""
    per_region = max(1, round(officers / 3 / OFFICERS_PER_OFFICE))
    units = [unit_row(1, "ADM", "Bench Customs Administration", "administration", None, "/1/")]
    offices = []
    for region in range(1, 4):
        region_id = len(units) + 1
        units.append(unit_row(region_id, f"R{region}", f"Region {region}", "region", 1, "/1/"))
        for office in range(1, per_region + 1):
            office_id = len(units) + 1
            units.append(
                unit_row(
                    office_id,
                    f"R{region}-O{office:03d}",
                    f"Office {region}.{office}",
                    "office",
                    region_id,
                    f"/1/{region_id}/",
                )
            )
            offices.append(office_id)
    return units, offices


def unit_row(
    unit_id: int, code: str, name: str, kind: str, parent_id: int | None, parent_path: str
) -> dict[str, Any]:
    path = parent_path if parent_id is None else f"{parent_path}{unit_id}/"
    return {
        "id": unit_id,
        "code": code,
        "name": name,
        "kind": kind,
        "parent_id": parent_id,
        "path": path,
        "depth": path.count("/") - 2,
    }


def generate(args: argparse.Namespace, rng: random.Random) -> Workforce:
    """The whole workforce, in bulk; commits."""
    now = utcnow()
    units, office_ids = organisation(args.officers)
    for unit in units:  # one at a time: each names its parent, inserted before it
        db.session.execute(insert(OrgUnit), [unit])

    # Principles; one framework per policy; competencies linked to one or two principles.
    insert_rows(
        Principle,
        [{"id": n, "code": f"BP{n:02d}", "name": f"Principle {n}", "position": n} for n in P_IDS],
    )
    insert_rows(
        Framework,
        [
            {
                "id": n,
                "code": code,
                "name": f"Framework {code}",
                "level_policy": policy,
                "validity_months": validity,
                "position": n,
            }
            for n, (code, policy, validity) in enumerate(FRAMEWORKS, start=1)
        ],
    )
    competency_ids = list(range(1, args.competencies + 1))
    codes = {n: f"BC{n:03d}" for n in competency_ids}
    insert_rows(
        Competency,
        [
            {
                "id": n,
                "framework_id": (n - 1) % len(FRAMEWORKS) + 1,
                "code": codes[n],
                "name": f"Competency {n}",
                "path": f"/{n}/",
                "position": n,
            }
            for n in competency_ids
        ],
    )
    links = {(n, (n - 1) % len(P_IDS) + 1) for n in competency_ids}
    links |= {(n, rng.choice(P_IDS)) for n in competency_ids if rng.random() < 0.4}
    insert_rows(
        competency_principles,
        [{"competency_id": c, "principle_id": p} for c, p in sorted(links)],
    )

    # Positions, each requiring about a quarter of the competencies.
    insert_rows(
        JobPosition,
        [{"id": p, "code": f"POS{p:02d}", "title": f"Position {p}"} for p in POSITION_IDS],
    )
    required = {
        p: sorted(rng.sample(competency_ids, max(1, args.competencies // 4 + rng.randint(-3, 3))))
        for p in POSITION_IDS
    }
    requirements = [
        {
            "position_id": p,
            "competency_id": c,
            "required_level": rng.choice([1, 2, 2, 3, 3, 4]),
            "mandatory": rng.random() < 0.7,
        }
        for p in POSITION_IDS
        for c in required[p]
    ]
    insert_rows(PositionRequirement, requirements)

    # Courses, each with one module building five competencies and one quiz (item id = course
    # id), so the profile can offer the courses that close a gap.
    courses_of: dict[int, list[tuple[int, list[int]]]] = {}
    course_ids = []
    for n, start in enumerate(range(0, len(competency_ids), COMPETENCIES_PER_COURSE), start=1):
        built = competency_ids[start : start + COMPETENCIES_PER_COURSE]
        course_ids.append(n)
        for competency_id in built:
            courses_of.setdefault(competency_id, []).append((n, built))
    insert_rows(
        Course,
        [
            {
                "id": n,
                "code": f"BCRS{n:03d}",
                "title": f"Course {n}",
                "status": "published",
                "training_unit_id": 1,
            }
            for n in course_ids
        ],
    )
    insert_rows(Module, [{"id": n, "course_id": n, "title": f"Module {n}"} for n in course_ids])
    insert_rows(
        ModuleCompetency,
        [
            {"module_id": n, "competency_code": codes[c]}
            for c, offered in courses_of.items()
            for n, _ in offered
        ],
    )
    insert_rows(
        CourseItem,
        [
            {"id": n, "module_id": n, "course_id": n, "kind": "quiz", "title": f"Quiz {n}"}
            for n in course_ids
        ],
    )

    # Officers spread over the offices, and HR for the whole administration.
    password_hash = hash_password(PASSWORD, fast=True)
    officer_ids = list(range(1, args.officers + 1))
    office_of = {u: office_ids[(u - 1) % len(office_ids)] for u in officer_ids}
    position_of = {u: rng.choice(POSITION_IDS) for u in officer_ids}
    ability = {u: rng.betavariate(2.5, 2.5) for u in officer_ids}
    hr_id = args.officers + 1
    users = [
        {
            "id": u,
            "email": f"officer{u}@bench.example",
            "full_name": f"Officer {u:05d}",
            "service_number": f"B{u:06d}",
            "unit_id": office_of[u],
            "position_id": position_of[u],
            "password_hash": password_hash,
        }
        for u in officer_ids
    ]
    users.append(
        {
            "id": hr_id,
            "email": HR_EMAIL,
            "full_name": "Bench HR",
            "service_number": "BHR0001",
            "unit_id": 1,
            "password_hash": password_hash,
        }
    )
    insert_rows(User, users)
    insert_rows(
        UserRole,
        [{"user_id": u, "role": "officer"} for u in officer_ids]
        + [{"user_id": hr_id, "role": "hr"}],
    )
    db.session.commit()

    # Attempts and their evidence, oldest first, a chunk at a time.
    start = now - timedelta(days=365 * YEARS)
    span = (now - timedelta(hours=1) - start).total_seconds()
    numbers: dict[tuple[int, int], int] = {}
    evidence_rows = 0
    for first in range(0, args.attempts, CHUNK):
        size = min(CHUNK, args.attempts - first)
        attempts, evidence = [], []
        for n, offset in enumerate(sorted(rng.random() for _ in range(size))):
            attempt_id = first + n + 1
            at = start + timedelta(seconds=(first + offset * size) / args.attempts * span)
            user_id = rng.choice(officer_ids)
            wanted = required[position_of[user_id]]
            target = rng.choice(wanted) if rng.random() < 0.85 else rng.choice(competency_ids)
            course_id, built = rng.choice(courses_of[target])
            carried = rng.sample(built, min(len(built), rng.randint(1, 4)))
            if target not in carried:
                carried[0] = target
            # Officers improve over the years; the level on each attempt varies around that.
            skill = ability[user_id] * 4 + (at - start).days / 900
            levels = {c: max(0, min(4, int(skill + rng.gauss(0, 0.9)))) for c in carried}
            results = question_results({codes[c]: level for c, level in levels.items()})
            score = 100.0 * sum(r["fraction"] for r in results) / len(results)
            numbers[(course_id, user_id)] = number = numbers.get((course_id, user_id), 0) + 1
            attempts.append(
                {
                    "id": attempt_id,
                    "item_id": course_id,
                    "course_id": course_id,
                    "user_id": user_id,
                    "number": number,
                    "status": "graded",
                    "started_at": at - timedelta(minutes=20),
                    "submitted_at": at,
                    "score": score,
                    "passed": score >= 70,
                    "results": results,
                }
            )
            evidence.extend(
                {
                    "user_id": user_id,
                    "competency_id": c,
                    "level": level,
                    "source": "quiz",
                    "attempt_id": attempt_id,
                    "created_at": at,
                }
                for c, level in levels.items()
            )
        insert_rows(Attempt, attempts)
        insert_rows(Evidence, evidence)
        db.session.commit()
        evidence_rows += len(evidence)
    prepare_for_queries()

    return Workforce(
        office_ids=office_ids,
        officers_of_office={
            office: [u for u in officer_ids if office_of[u] == office] for office in office_ids
        },
        position_of=position_of,
        required=required,
        courses_of=courses_of,
        competency_codes=codes,
        hr_email=HR_EMAIL,
        counts={
            "officers": args.officers,
            "org_units": len(units),
            "offices": len(office_ids),
            "positions": len(POSITION_IDS),
            "position_requirements": len(requirements),
            "competencies": args.competencies,
            "frameworks": len(FRAMEWORKS),
            "courses": len(course_ids),
            "attempts": args.attempts,
            "evidence_rows": evidence_rows,
        },
    )


def question_results(levels: dict[str, int]) -> list[dict[str, Any]]:
    """An attempt's per-question results (as grading stores them) that demonstrate exactly
    `levels` by rules.demonstrated_levels with the default N: N questions of each level up to
    the level right, N of the next level wrong (up to L: 100%; up to L + 1: at most 75%)."""
    results: list[dict[str, Any]] = []
    for code, level in levels.items():
        for question_level in range(1, min(level + 1, 4) + 1):
            for _ in range(DEFAULT_MIN_QUESTIONS):
                results.append(
                    {
                        "key": f"q{len(results) + 1}",
                        "fraction": 1.0 if question_level <= level else 0.0,
                        "competency_code": code,
                        "level": question_level,
                    }
                )
    return results


def prepare_for_queries() -> None:
    """On PostgreSQL, sequences moved past the ids given and statistics for the planner (as
    autovacuum would gather). SQLite is left as the app leaves it, without ANALYZE."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in TABLES_WITH_GIVEN_IDS:
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT MAX(id) FROM {table}))"
            )
        )
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


# --- measuring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Milliseconds of wall-clock time, and of this process's CPU time: SQLite runs inside the
    process, so that is all the work done, and other programs on the machine stretch only the
    wall-clock time."""

    wall: float
    cpu: float


def timed(action: Callable[[], Any]) -> tuple[Timing, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return Timing((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000), result


def median(timings: Iterable[Timing]) -> Timing:
    timings = list(timings)
    return Timing(
        statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings)
    )


def repeated(action: Callable[[], Any], repeat: int) -> Timing:
    return median(timed(action)[0] for _ in range(repeat))


def put(figures: dict[str, Any], name: str, timing: Timing) -> None:
    figures[f"{name}_ms"] = round(timing.wall, 2)
    figures[f"{name}_cpu_ms"] = round(timing.cpu, 2)


@contextmanager
def counting_statements(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# The rebuild and its baselines.


def rebuild() -> int:
    rows = rebuild_current_levels()
    db.session.commit()
    return rows


def best_level_per_pair() -> Select:
    """The plain aggregate: the best level of each officer in each competency. Grouped in the
    order of the covering index, so that it too reads the index alone, as the rebuild does."""
    return select(
        Evidence.user_id, Evidence.competency_id, func.max(Evidence.level).label("best")
    ).group_by(Evidence.competency_id, Evidence.user_id)


def aggregate_in_database() -> int:
    """The aggregate computed by the database, nothing sent back but its size."""
    best = best_level_per_pair().subquery()
    pairs, _total = db.session.execute(select(func.count(), func.sum(best.c.best))).one()
    return pairs


def aggregate_fetched() -> int:
    """The aggregate as any query runs: its rows returned to the caller."""
    return len(db.session.execute(best_level_per_pair()).all())


def write_floor() -> Timing:
    """What writing the levels alone costs: the plain aggregate INSERTed into a table like
    current_levels (same keys, indexes, foreign keys and storage) and committed. Any rebuild
    does at least this."""
    copy = Table(
        "bench_levels_copy",
        db.metadata,
        Column("user_id", ForeignKey("users.id"), primary_key=True),
        Column("competency_id", ForeignKey("competencies.id"), primary_key=True),
        Column("level", Integer, nullable=False),
        Column("achieved_at", DateTime, nullable=False),
        Column("expires_at", DateTime),
        *(
            Index(f"ix_bench_levels_copy_{n}", *index.columns.keys())
            for n, index in enumerate(CurrentLevel.__table__.indexes)
        ),
        **CurrentLevel.__table__.kwargs,
    )
    try:
        copy.create(db.session.connection())
        db.session.commit()
        return timed(lambda: write_copy(copy))[0]
    finally:
        copy.drop(db.session.connection())
        db.session.commit()
        db.metadata.remove(copy)


def write_copy(copy) -> None:
    best = (
        select(
            Evidence.user_id,
            Evidence.competency_id,
            func.max(Evidence.level),
            func.max(Evidence.created_at),
        )
        .group_by(Evidence.competency_id, Evidence.user_id)
        .order_by(Evidence.user_id, Evidence.competency_id)  # in key order, as the rebuild
    )
    db.session.execute(
        insert(copy).from_select(["user_id", "competency_id", "level", "achieved_at"], best)
    )
    db.session.commit()


# The whole-administration roll-up, three ways.


def administration() -> OrgUnit:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)))


def rolled_up_totals(
    stats: dict[tuple[int, int], matrix.PostStats], root: OrgUnit
) -> dict[int, matrix.PostStats]:
    """What the roll-up page does with the stats: rolled up the tree, totalled per competency."""
    units = matrix_queries.units_within(root)
    matrix.roll_up(stats, units, units[0])
    return matrix.totals_by_competency(stats)


def rollup_from_current_levels() -> dict[int, matrix.PostStats]:
    """What the roll-up page computes for the whole administration: post stats per unit and
    competency from current levels, rolled up the tree, totalled per competency."""
    root = administration()
    stats = matrix_queries.requirement_stats(matrix.MatrixFilter(unit=root))
    return rolled_up_totals(stats, root)


def rollup_from_evidence(now: datetime) -> dict[int, matrix.PostStats]:
    """The same totals without current levels, every level derived from all the evidence
    again: the rebuild's own SQL (the fastest recomputation there is) in place of the table,
    through the matrix service's own GROUP BY."""
    frameworks = db.session.scalars(select(Framework)).all()
    levels = union_all(*(current_levels_from_evidence(f, now) for f in frameworks)).subquery()
    root = administration()
    stats = matrix_queries.requirement_stats(matrix.MatrixFilter(unit=root), levels)
    return rolled_up_totals(stats, root)


def rollup_from_attempts(now: datetime) -> dict[int, matrix.PostStats]:
    """The same totals as a system without evidence or current levels would get them: every
    graded attempt's results read again, the levels each demonstrates, each officer's level
    by the framework's rule (the pure rules of competencies/rules.py), then the posts."""
    rule_of = {
        code: (competency_id, policy, validity, proficient)
        for code, competency_id, policy, validity, proficient in db.session.execute(
            select(
                Competency.code,
                Competency.id,
                Framework.level_policy,
                Framework.validity_months,
                Framework.proficient_level,
            ).join(Framework, Framework.id == Competency.framework_id)
        )
    }
    points: dict[tuple[int, int], list[EvidencePoint]] = defaultdict(list)
    for user_id, at, results in db.session.execute(
        select(Attempt.user_id, Attempt.submitted_at, Attempt.results)
        .where(Attempt.status == "graded")
        .order_by(Attempt.id)
        .execution_options(yield_per=CHUNK)
    ):
        for code, level in demonstrated_levels(results_from_json(results)).items():
            if code in rule_of:
                points[(user_id, rule_of[code][0])].append(EvidencePoint(level, at))
    policy_of = {competency_id: rule for competency_id, *rule in rule_of.values()}
    levels = {}
    for (user_id, competency_id), found in points.items():
        policy, validity, _ = policy_of[competency_id]
        state = level_from_evidence(found, policy, validity, now)
        levels[(user_id, competency_id)] = state.level

    required: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for position_id, competency_id, level in db.session.execute(
        select(
            PositionRequirement.position_id,
            PositionRequirement.competency_id,
            PositionRequirement.required_level,
        )
    ):
        required[position_id].append((competency_id, level))
    root = administration()
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for user_id, unit_id, position_id in db.session.execute(
        select(User.id, User.unit_id, User.position_id).where(
            matrix_queries.officer_condition(matrix.MatrixFilter(unit=root))
        )
    ):
        for competency_id, needed in required.get(position_id, ()):
            level = levels.get((user_id, competency_id), 0)
            count = counts[(unit_id, competency_id)]
            count[0] += 1
            count[1] += level >= needed
            count[2] += max(0, needed - level)
            count[3] += level >= policy_of[competency_id][2]
    stats = {key: matrix.PostStats(*count) for key, count in counts.items()}
    return rolled_up_totals(stats, root)


# One attempt's evidence, and the pages.


def incremental_updates(workforce: Workforce, rng: random.Random, count: int) -> list[Timing]:
    """One graded attempt at a time, as the grading transaction records it: the levels its
    results demonstrate, the competencies looked up, evidence appended, current levels moved,
    committed. The time of each."""
    times = []
    for _ in range(count):
        user_id = rng.choice(list(workforce.position_of))
        target = rng.choice(workforce.required[workforce.position_of[user_id]])
        course_id, built = rng.choice(workforce.courses_of[target])
        carried = rng.sample(built, min(len(built), rng.randint(1, 4)))
        results = question_results(
            {workforce.competency_codes[c]: rng.randint(0, 4) for c in carried}
        )
        graded = AttemptGraded(
            attempt_id=None,  # no attempt row: the evidence is timed alone
            user_id=user_id,
            course_id=course_id,
            item_id=course_id,
            graded_at=utcnow(),
            results=results_from_json(results),
        )
        times.append(timed(lambda graded=graded: grade(graded))[0])
    return times


def grade(graded: AttemptGraded) -> None:
    record_attempt_evidence(graded)
    db.session.commit()


def login(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in as {email}: {response.status_code}")


def page_figures(app, url: str, email: str, repeat: int) -> dict[str, Any]:
    """The median time of `url` through the test client, signed in once, after two warm-up
    requests; with the page's size and the SQL statements it ran. Each request has an app
    context (and a database session) of its own, as on a server."""
    client = app.test_client()
    login(client, email)
    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    with app.app_context():
        engine = db.engine
    with counting_statements(engine) as statements:
        response = client.get(url)
    times = [timed(lambda: client.get(url))[0] for _ in range(repeat)]
    figures = {"url": url}
    put(figures, "median", median(times))
    figures["max_ms"] = round(max(t.wall for t in times), 2)
    return {**figures, "queries": len(statements), "bytes": len(response.get_data())}


def database_bytes() -> int:
    if db.engine.dialect.name == "postgresql":
        return db.session.scalar(text("SELECT pg_database_size(current_database())"))
    path = db.engine.url.database
    return sum(os.path.getsize(p) for p in (path, f"{path}-wal") if os.path.exists(p))


def measure(app, args: argparse.Namespace, workforce: Workforce) -> dict[str, Any]:
    rng = random.Random(args.seed + 1)
    figures: dict[str, Any] = {"load_average_before": os.getloadavg()[0]}
    with app.app_context():
        # The first rebuild fills current levels from the generated evidence; the rebuild is
        # then timed replacing every row, and so is the plain aggregate: medians of three.
        put(figures, "rebuild_first", timed(rebuild)[0])
        rebuilds = []
        for _ in range(3):
            rebuilt_at = utcnow()
            rebuilds.append(timed(rebuild))
        put(figures, "rebuild", median(timing for timing, _ in rebuilds))
        figures["current_levels_rows"] = rebuilds[-1][1]
        put(figures, "aggregate", repeated(aggregate_in_database, 3))
        put(figures, "aggregate_fetched", repeated(aggregate_fetched, 3))
        figures["aggregate_pairs"] = aggregate_in_database()
        put(figures, "write_floor", write_floor())

        with counting_statements(db.engine) as statements:
            from_levels = rollup_from_current_levels()
        figures["rollup_queries"] = len(statements)
        figures["rollup_posts"] = sum(stats.posts for stats in from_levels.values())
        put(figures, "rollup_from_current_levels", repeated(rollup_from_current_levels, 5))
        put(figures, "rollup_from_evidence", repeated(lambda: rollup_from_evidence(rebuilt_at), 3))
        timing, from_attempts = timed(lambda: rollup_from_attempts(rebuilt_at))
        put(figures, "rollup_from_attempts", timing)
        figures["rollup_results_agree"] = (
            from_levels == rollup_from_evidence(rebuilt_at) == from_attempts
        )

    offices = sorted(workforce.office_ids, key=lambda o: len(workforce.officers_of_office[o]))
    office_id = offices[len(offices) // 2]
    officer_id = rng.choice(workforce.officers_of_office[office_id])
    figures["unit_matrix_page"] = page_figures(
        app, f"/matrix?unit={office_id}", HR_EMAIL, args.repeat
    )
    figures["unit_matrix_page"]["officers_in_unit"] = len(workforce.officers_of_office[office_id])
    figures["profile_page"] = page_figures(
        app, "/profile", f"officer{officer_id}@bench.example", args.repeat
    )
    # Not a target: the roll-up page of the whole administration, for HR at the top.
    figures["administration_rollup_page"] = page_figures(app, "/matrix/rollup", HR_EMAIL, 5)

    with app.app_context():
        figures["profile_page"]["evidence_rows"] = db.session.scalar(
            select(func.count()).select_from(Evidence).where(Evidence.user_id == officer_id)
        )
        times = incremental_updates(workforce, rng, INCREMENTAL_UPDATES)
        put(figures, "incremental_update", median(times))
        walls = sorted(t.wall for t in times)
        figures["incremental_update_p95_ms"] = round(walls[int(len(walls) * 0.95)], 2)
        figures["incremental_updates"] = len(times)
        figures["database_bytes"] = database_bytes()
    figures["load_average_after"] = os.getloadavg()[0]
    return figures


def ratios_and_verdicts(figures: dict[str, Any]) -> dict[str, Any]:
    ratios = {
        "rebuild_vs_aggregate": figures["rebuild_ms"] / figures["aggregate_ms"],
        "rebuild_vs_aggregate_fetched": figures["rebuild_ms"] / figures["aggregate_fetched_ms"],
        "write_floor_vs_aggregate": figures["write_floor_ms"] / figures["aggregate_ms"],
        "rollup_speedup_vs_attempts": figures["rollup_from_attempts_ms"]
        / figures["rollup_from_current_levels_ms"],
        "rollup_speedup_vs_evidence": figures["rollup_from_evidence_ms"]
        / figures["rollup_from_current_levels_ms"],
        # The same in CPU time, which a busy machine does not stretch.
        "rebuild_vs_aggregate_cpu": figures["rebuild_cpu_ms"] / figures["aggregate_cpu_ms"],
        "rollup_speedup_vs_attempts_cpu": figures["rollup_from_attempts_cpu_ms"]
        / figures["rollup_from_current_levels_cpu_ms"],
        "rollup_speedup_vs_evidence_cpu": figures["rollup_from_evidence_cpu_ms"]
        / figures["rollup_from_current_levels_cpu_ms"],
    }
    met = {
        "rebuild_vs_aggregate": ratios["rebuild_vs_aggregate"]
        <= TARGETS["rebuild_vs_aggregate_max"],
        "rebuild_vs_aggregate_fetched": ratios["rebuild_vs_aggregate_fetched"]
        <= TARGETS["rebuild_vs_aggregate_max"],
        "rollup_speedup_vs_attempts": ratios["rollup_speedup_vs_attempts"]
        >= TARGETS["rollup_speedup_min"],
        "rollup_speedup_vs_evidence": ratios["rollup_speedup_vs_evidence"]
        >= TARGETS["rollup_speedup_min"],
        "unit_matrix_page": figures["unit_matrix_page"]["median_ms"]
        < TARGETS["unit_matrix_page_ms_max"],
        "profile_page": figures["profile_page"]["median_ms"] < TARGETS["profile_page_ms_max"],
        "incremental_update": figures["incremental_update_ms"]
        < TARGETS["incremental_update_ms_max"],
    }
    return {"ratios": {k: round(v, 2) for k, v in ratios.items()}, "targets": TARGETS, "met": met}


# --- the run -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-matrix-"))
    url = args.database or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = None
    created = False
    try:
        # The testing configuration: cheap password hashes, no rate limit on signing in.
        app = create_app(
            TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(folder)}
        )
        with app.app_context():
            if inspect(db.engine).get_table_names():
                print(f"{args.database} is not empty: give an empty database.", file=sys.stderr)
                return 2
            db.create_all()
            created = True
            generation, workforce = timed(lambda: generate(args, random.Random(args.seed)))
            dialect = db.engine.dialect.name
            version = db.session.scalar(
                text("SELECT sqlite_version()" if dialect == "sqlite" else "SHOW server_version")
            )
        figures = measure(app, args, workforce)
        report = {
            "benchmark": "matrix",
            "database": f"{dialect} {version}",
            "nproc": os.cpu_count(),
            "python": sys.version.split()[0],
            "attempts_to_evidence": ATTEMPTS_TO_EVIDENCE,
            **workforce.counts,
            "generation_s": round(generation.wall / 1000, 1),
            **figures,
            **ratios_and_verdicts(figures),
        }
        print(json.dumps(report))
        return 0
    finally:
        if app is not None:
            with app.app_context():
                db.session.remove()
                if created and args.database:
                    db.drop_all()
                db.engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
