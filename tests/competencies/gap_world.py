"""Builders for the skill-gap tests (profile, matrix, requirements): an administration with two
regions, a position with required levels, officers, HR scoped to one region, a published
course whose quiz questions carry a competency, and bulk officers for query counting.

Plain functions, not fixtures: tests/competencies/conftest.py wraps `build_world` as the
`world` fixture, and the test modules wrap what else they need.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from typing import Any

from sqlalchemy import event, insert, select

from competencies.models import Competency, CurrentLevel, PositionRequirement
from competencies.services.frameworks import ensure_default_frameworks
from courses.authoring.services import authored_courses, publishing, quizzes, structure
from courses.authoring.services.questions import QuestionInput, save_question
from courses.learning.models import CourseItem
from courses.learning.services import attempts
from lms.accounts.models import User, UserRole
from lms.extensions import db
from lms.organisation.models import JobPosition, OrgUnit

# What the clearance position requires in the tests: code -> (level, mandatory).
REQUIRED = {"P-STD": (2, True), "P-INT": (2, True), "OPS-TAR": (3, False)}


@dataclass
class World:
    root: OrgUnit
    north: OrgUnit
    north_office: OrgUnit
    south: OrgUnit
    south_office: OrgUnit
    training: OrgUnit
    position: JobPosition
    competencies: dict[str, Competency]
    admin: User
    hr_north: User
    trainer: User
    officer: User  # in the north office
    south_officer: User


def build_world(create_unit, create_user, create_position, root_unit) -> World:
    ensure_default_frameworks()
    db.session.commit()
    competencies = {c.code: c for c in db.session.scalars(select(Competency))}
    north = create_unit("R-NORTH", name="Northern Region", parent=root_unit, kind="region")
    north_office = create_unit("O-NPORT", name="North Port", parent=north)
    south = create_unit("R-SOUTH", name="Southern Region", parent=root_unit, kind="region")
    south_office = create_unit("O-SBORDER", name="South Border Post", parent=south)
    training = create_unit(
        "NTC", name="National Training Centre", parent=root_unit, kind="training_centre"
    )
    position = create_position("OFF-CLR", "Customs officer (clearance)")
    for code, (level, mandatory) in REQUIRED.items():
        db.session.add(
            PositionRequirement(
                position_id=position.id,
                competency_id=competencies[code].id,
                required_level=level,
                mandatory=mandatory,
            )
        )
    db.session.commit()
    return World(
        root=root_unit,
        north=north,
        north_office=north_office,
        south=south,
        south_office=south_office,
        training=training,
        position=position,
        competencies=competencies,
        admin=create_user("admin@customs.example", roles=("admin",), full_name="Ada Admin"),
        hr_north=create_user(
            "hr.north@customs.example", roles=("hr",), unit=north, full_name="Hana North HR"
        ),
        trainer=create_user(
            "trainer@customs.example",
            roles=("trainer",),
            unit=training,
            full_name="Tariq Trainer",
        ),
        officer=create_user(
            "amina@customs.example",
            unit=north_office,
            position=position,
            full_name="Amina Northport",
        ),
        south_officer=create_user(
            "sipho@customs.example",
            unit=south_office,
            position=position,
            full_name="Sipho Southborder",
        ),
    )


def choice_question(text: str, level: int, competency_code: str) -> QuestionInput:
    return QuestionInput(
        qtype="single_choice",
        text=text,
        level=level,
        competency_code=competency_code,
        data={
            "choices": [
                {"id": "right", "text": "The right answer", "fraction": 1.0},
                {"id": "wrong", "text": "A wrong answer", "fraction": 0},
            ]
        },
    )


def publish_course(
    training_unit: OrgUnit,
    *,
    code: str,
    title: str,
    competency_code: str,
    principle: str = "P-STD",
    published: bool = True,
) -> CourseItem:
    """A course whose only module builds `competency_code`, with a quiz of three level-1 and
    three level-2 questions on it (the framework's N, so answering right evidences level 2);
    returns the quiz item."""
    course = authored_courses.create_course(
        authored_courses.CourseDetails(code, title, "For the gap tests."),
        training_unit_id=training_unit.id,
    )
    module = structure.add_module(course, "Module 1", [principle], [competency_code])
    structure.add_lesson(module, "Why it matters", "Standards make clearance predictable.")
    quiz = quizzes.add_quiz(
        module,
        f"{title} check",
        quizzes.QuizSettings(time_limit_minutes=None, attempts_allowed=0),
    )
    for topic in ("nomenclature", "origin rule", "tariff heading"):
        save_question(course, None, choice_question(f"Which {topic}?", 1, competency_code))
    for topic in ("valuation method", "transaction value", "adjustment"):
        save_question(course, None, choice_question(f"Which {topic}?", 2, competency_code))
    if published:
        db.session.refresh(course)
        publishing.set_status(course, "published")
    db.session.commit()
    return quiz


def take_quiz(user: User, quiz: CourseItem, *, right: bool = True) -> None:
    """Start and submit an attempt, answering every question right (or wrong); commits."""
    attempt = attempts.start_attempt(user.id, quiz)
    wanted = "right" if right else "wrong"
    form = {
        f"answer-{entry['key']}": [
            choice["id"] for choice in entry["frozen"]["choices"] if choice["bank_id"] == wanted
        ]
        for entry in attempt.snapshot
    }
    attempts.submit_attempt(user.id, attempt.id, form)
    db.session.commit()


def add_officers(
    count: int,
    *,
    unit: OrgUnit,
    position: JobPosition,
    levels: dict[int, int],
    prefix: str,
) -> list[int]:
    """Insert `count` officers in bulk with a current level per competency id; their ids."""
    users = [
        {
            "email": f"{prefix}{n}@bulk.example",
            "full_name": f"Bulk {prefix} {n:05d}",
            "service_number": f"{prefix}-{n:05d}",
            "unit_id": unit.id,
            "position_id": position.id,
        }
        for n in range(count)
    ]
    db.session.execute(insert(User), users)
    ids = list(
        db.session.scalars(
            select(User.id).where(User.email.like(f"{prefix}%@bulk.example")).order_by(User.id)
        )
    )
    db.session.execute(insert(UserRole), [{"user_id": i, "role": "officer"} for i in ids])
    rows = [
        {"user_id": i, "competency_id": competency_id, "level": (level + n) % 4}
        for n, i in enumerate(ids)
        for competency_id, level in levels.items()
    ]
    if rows:
        db.session.execute(insert(CurrentLevel), rows)
    db.session.commit()
    return ids


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def counting_queries() -> Iterator[QueryCounter]:
    """with counting_queries() as counted: ...; counted.count is the SQL statements run."""
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)


def row_of(html: str, name: str) -> str:
    """The table row (<tr>…</tr>) whose text includes `name`."""
    for row in re.findall(r"<tr[ >].*?</tr>", html, flags=re.DOTALL):
        if name in row:
            return row
    raise AssertionError(f"no table row mentions {name!r}")


def text_of(html: str) -> str:
    """The page's text with tags dropped, entities decoded and spaces squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def get_ok(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


Builder = Callable[..., Any]


def set_level(user: User, code: str, level: int, world: World) -> None:
    """Give `user` a current level in the competency `code`, committed."""
    db.session.execute(
        insert(CurrentLevel),
        [{"user_id": user.id, "competency_id": world.competencies[code].id, "level": level}],
    )
    db.session.commit()
