"""Benchmark: one quiz's item analysis over 100,000 graded attempts.

    .venv/bin/python benchmarks/item_analysis.py                    # 100,000 attempts
    .venv/bin/python benchmarks/item_analysis.py --attempts 5000    # a quick run

Builds, in a temporary SQLite file (removed at the end), a published course whose quiz draws 20
of a bank of 40 questions (single choice, multiple response, true or false, numeric, short
text; 4 per level and type), and writes the graded attempts in bulk (INSERT … executemany, not
the ORM): officers of varying ability answer questions of varying difficulty, each attempt
frozen by the app's own `freeze_question` (eight shuffles per question, reused) and graded by
its own `grade_answers`. Then times `compute_item_analysis` (the Celery job's work: the streamed
read, the figures, the stored rows) and its commit, and prints one JSON line: attempts,
questions, seconds (wall and CPU), peak resident memory before and after the computation, and
the load average (wall-clock time depends on what else the machine runs).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from config import TestingConfig
from courses.authoring.services import authored_courses, publishing, quizzes, structure
from courses.authoring.services.questions import QuestionInput, save_question
from courses.learning.models import Attempt, CourseItem, Question
from courses.learning.questiontypes import question_type
from courses.learning.services.attempts import freeze_question, grade_answers
from courses.learning.services.item_analysis import compute_item_analysis
from courses.learning.services.principles import ensure_principles
from lms import create_app
from lms.accounts.models import User
from lms.extensions import db
from lms.organisation.models import OrgUnit
from lms.timeutil import utcnow

ATTEMPTS_PER_OFFICER = 4
DRAWN_PER_LEVEL = 5
LEVELS = (1, 2, 3, 4)
SHUFFLES = 8
CHUNK = 2_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260601)
    return parser.parse_args(argv)


def bank() -> list[QuestionInput]:
    """40 questions: per level, two of each type."""
    entries = []
    for level in LEVELS:
        for n in range(1, 3):
            tag = f"L{level}-{n}"
            entries += [
                QuestionInput(
                    qtype="single_choice",
                    text=f"Which article of the **Convention** covers case {tag}?",
                    level=level,
                    competency_code="P-STD",
                    data={
                        "choices": [
                            {"id": f"c{i}", "text": f"Article {i}", "fraction": float(i == 1)}
                            for i in range(1, 5)
                        ]
                    },
                ),
                QuestionInput(
                    qtype="multiple_response",
                    text=f"Which principles apply to case {tag}?",
                    level=level,
                    competency_code="P-TRA",
                    data={
                        "choices": [
                            {"id": "c1", "text": "Transparency", "fraction": 0.5},
                            {"id": "c2", "text": "Predictability", "fraction": 0.5},
                            {"id": "c3", "text": "Maximum intervention", "fraction": -1.0},
                        ]
                    },
                ),
                QuestionInput(
                    qtype="true_false",
                    text=f"Case {tag} must be published.",
                    level=level,
                    data={"answer": n == 1},
                ),
                QuestionInput(
                    qtype="numeric",
                    text=f"How many days does case {tag} allow?",
                    level=level,
                    data={"answers": [{"value": 30 + level, "tolerance": 0, "fraction": 1.0}]},
                ),
                QuestionInput(
                    qtype="short_text",
                    text=f"Name the nomenclature of case {tag}.",
                    level=level,
                    data={"answers": [{"text": "Harmonized System", "fraction": 1.0}]},
                ),
            ]
    return entries


def build_quiz() -> tuple[CourseItem, list[Question]]:
    ensure_principles()
    unit = OrgUnit(code="ADM", name="Bench Administration", kind="training_centre", path="/1/")
    db.session.add(unit)
    db.session.flush()
    course = authored_courses.create_course(
        authored_courses.CourseDetails("IA-BENCH", "Item analysis bench", ""),
        training_unit_id=unit.id,
    )
    module = structure.add_module(course, "Module 1", ["P-INT"], [])
    quiz = quizzes.add_quiz(
        module,
        "Final assessment",
        quizzes.QuizSettings(
            attempts_allowed=0,
            draw_mode="per_level",
            draw_per_level={str(level): DRAWN_PER_LEVEL for level in LEVELS},
        ),
    )
    questions = [save_question(course, None, entry) for entry in bank()]
    db.session.refresh(course)
    publishing.set_status(course, "published")
    db.session.commit()
    return quiz, questions


def officers(count: int, unit_id: int) -> list[int]:
    rows = [
        {
            "unit_id": unit_id,
            "email": f"bench{n}@customs.example",
            "full_name": f"Bench Officer {n:06d}",
            "service_number": f"B-{n:06d}",
            "active": True,
            "must_change_password": False,
            "password_hash": "!",
        }
        for n in range(1, count + 1)
    ]
    for start in range(0, len(rows), 10_000):
        db.session.execute(insert(User), rows[start : start + 10_000])
    db.session.commit()
    return list(db.session.scalars(text("SELECT id FROM users ORDER BY id")))


def generate(quiz: CourseItem, questions: list[Question], count: int, rng: random.Random) -> None:
    """`count` graded attempts, written a chunk at a time."""
    frozen = {q.id: [freeze_question(q, "", rng, True) for _ in range(SHUFFLES)] for q in questions}
    by_level = {level: [q for q in questions if q.level == level] for level in LEVELS}
    difficulty = {q.id: rng.gauss(q.level - 2.5, 0.8) for q in questions}
    people = officers(math.ceil(count / ATTEMPTS_PER_OFFICER), unit_id=1)
    ability = {person: rng.gauss(0, 1) for person in people}
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for index in range(count):
        person = people[index // ATTEMPTS_PER_OFFICER]
        drawn = [q for level in LEVELS for q in rng.sample(by_level[level], DRAWN_PER_LEVEL)]
        rng.shuffle(drawn)
        snapshot, form = [], {}
        for position, question in enumerate(drawn, start=1):
            entry = dict(rng.choice(frozen[question.id]), key=f"q{position}")
            snapshot.append(entry)
            chance = 1 / (1 + math.exp(difficulty[question.id] - ability[person]))
            kind = question_type(question.qtype)
            form[f"answer-q{position}"] = kind.sample_answer(
                entry["frozen"], rng.random() < chance, rng
            )
        answers, results, score = grade_answers(snapshot, form)
        rows.append(
            {
                "item_id": quiz.id,
                "course_id": quiz.course_id,
                "user_id": person,
                "number": index % ATTEMPTS_PER_OFFICER + 1,
                "status": "graded",
                "started_at": now,
                "submitted_at": now,
                "snapshot": snapshot,
                "answers": answers,
                "results": [result.as_json() for result in results],
                "score": score,
                "passed": score >= 70,
                "pass_mark": 70,
                "kind": "assessment",
            }
        )
        if len(rows) == CHUNK:
            db.session.execute(insert(Attempt), rows)
            db.session.commit()
            rows = []
    if rows:
        db.session.execute(insert(Attempt), rows)
        db.session.commit()


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-items-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(folder)})
    try:
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            quiz, questions = build_quiz()
            generate(quiz, questions, args.attempts, random.Random(args.seed))
            generation = time.perf_counter() - started
            item_id = quiz.id
            db.session.remove()
            gc.collect()
            database_mb = round((folder / "bench.sqlite3").stat().st_size / 2**20, 1)
            rss_before = peak_rss_mb()
            load_before = os.getloadavg()[0]
            wall, cpu = time.perf_counter(), time.process_time()
            analysis = compute_item_analysis(item_id)
            db.session.commit()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            report = {
                "benchmark": "item_analysis",
                "database": f"sqlite {db.session.scalar(text('SELECT sqlite_version()'))}",
                "python": sys.version.split()[0],
                "nproc": os.cpu_count(),
                "attempts": analysis.attempts,
                "questions_in_bank": len(analysis.questions),
                "questions_per_attempt": DRAWN_PER_LEVEL * len(LEVELS),
                "database_mb": database_mb,
                "generation_s": round(generation, 1),
                "seconds": round(wall, 2),
                "cpu_seconds": round(cpu, 2),
                "peak_rss_mb_before": rss_before,
                "peak_rss_mb_after": peak_rss_mb(),
                "load_average_before": load_before,
                "load_average_after": os.getloadavg()[0],
                "flags": sorted({flag for q in analysis.questions for flag in q.flags}),
            }
            db.session.remove()
            db.engine.dispose()
        print(json.dumps(report))
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
