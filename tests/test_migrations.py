"""`flask db upgrade` builds the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect, text

from config import TestingConfig
from lms import create_app
from lms.extensions import db


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or a fresh database on the test PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lms.sqlite3'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def migrated_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on the empty database, inside an app context, after `flask db upgrade`."""
    app = create_app(
        TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        flask_migrate.upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def model_tables() -> set[str]:
    return set(db.metadata.tables)


def test_upgrade_builds_every_table_from_empty(migrated_app):
    tables = set(inspect(db.engine).get_table_names())
    assert tables == model_tables() | {"alembic_version"}


def test_models_and_migrations_agree(migrated_app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == [], "the models differ from the migrated schema: run `flask db migrate`"


def test_downgrade_to_base_removes_every_table(migrated_app):
    flask_migrate.downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    flask_migrate.upgrade()  # and the way back up still works
    assert set(inspect(db.engine).get_table_names()) == model_tables() | {"alembic_version"}


QUIZ_ROWS = [  # (course, module position, item position, title, old review) -> kind, shows, when
    (1, 0, 2, "Checkpoint: foundations", "after_submit", "checkpoint", "feedback", "immediately"),
    (1, 1, 1, "Final assessment", "after_submit", "assessment", "marks", "immediately"),
    (2, 0, 0, "Module quiz", "score_only", "checkpoint", "score", "immediately"),
    (2, 1, 0, "Course quiz", "after_close", "assessment", "keys", "after_last_attempt"),
    (3, 0, 0, "Checkpoint: the only quiz", "after_close", "checkpoint", "feedback",
     "after_last_attempt"),
]  # fmt: skip


def test_quizzes_become_checkpoints_or_the_final_assessment_keeping_their_attempts(
    migrated_app,
):
    """The last quiz of a course is its assessment (unless titled 'Checkpoint'), the others
    checkpoints; the old review modes map so that no assessment shows its keys while an
    attempt remains; existing attempts stay evidence."""
    flask_migrate.downgrade(revision="c7d1e2f3a4b5")
    now = "2024-01-01 00:00:00"
    with db.engine.begin() as connection:
        run = lambda sql, **values: connection.execute(text(sql), values)  # noqa: E731
        run(
            "INSERT INTO org_units (id, code, name, kind, path, depth) "
            "VALUES (1, 'NTC', 'Centre', 'training_centre', '/1/', 0)"
        )
        run(
            "INSERT INTO users (id, email, full_name, service_number, unit_id, "
            "must_change_password, active, created_at) "
            "VALUES (1, 'o@x.org', 'O', 'S-1', 1, false, true, :now)",
            now=now,
        )
        for course in (1, 2, 3):
            run(
                "INSERT INTO courses (id, code, title, summary, status, training_unit_id, "
                "recertify, created_at, updated_at) VALUES (:id, :code, 'T', '', 'published', "
                "1, false, :now, :now)",
                id=course,
                code=f"C-{course}",
                now=now,
            )
        for n, (course, module_pos, pos, title, old, *_) in enumerate(QUIZ_ROWS, start=1):
            run(
                "INSERT INTO modules (id, course_id, position, title) "
                "VALUES (:id, :course, :pos, 'M')",
                id=n,
                course=course,
                pos=module_pos,
            )
            run(
                "INSERT INTO course_items (id, module_id, course_id, position, kind, title, "
                "required) VALUES (:id, :id, :course, :pos, 'quiz', :title, true)",
                id=n,
                course=course,
                pos=pos,
                title=title,
            )
            run(
                "INSERT INTO quizzes (item_id, pass_mark, attempts_allowed, category, "
                "draw_mode, draw_per_level, shuffle_questions, shuffle_choices, review_mode) "
                "VALUES (:id, 70, 3, '', 'all', '{}', true, true, :old)",
                id=n,
                old=old,
            )
        run(
            "INSERT INTO attempts (id, item_id, course_id, user_id, number, cycle, status, "
            "started_at, snapshot, answers, results, pass_mark, review_mode) VALUES "
            "(1, 1, 1, 1, 1, 1, 'graded', :now, '[]', '{}', '[]', 70, 'after_submit')",
            now=now,
        )
    flask_migrate.upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT kind, review_shows, review_when FROM quizzes ORDER BY item_id")
        ).all()
        attempts = connection.execute(text("SELECT id, kind FROM attempts")).all()
    assert [tuple(row) for row in rows] == [tuple(q[5:]) for q in QUIZ_ROWS]
    assert [tuple(row) for row in attempts] == [(1, "assessment")]


def test_existing_quizzes_keep_their_draw_and_the_new_mode_downgrades_to_every_question(
    migrated_app,
):
    """e1f2a3b4c5d6 adds `draw_count` (empty for every quiz there was) and room for the mode's
    name; going back, a per-competency-level quiz draws every question of its pool."""
    flask_migrate.downgrade(revision="d8e9f0a1b2c3")
    now = "2024-01-01 00:00:00"
    with db.engine.begin() as connection:
        run = lambda sql, **values: connection.execute(text(sql), values)  # noqa: E731
        run(
            "INSERT INTO org_units (id, code, name, kind, path, depth) "
            "VALUES (1, 'NTC', 'Centre', 'training_centre', '/1/', 0)"
        )
        run(
            "INSERT INTO courses (id, code, title, summary, status, training_unit_id, "
            "recertify, created_at, updated_at) VALUES (1, 'C-1', 'T', '', 'draft', 1, false, "
            ":now, :now)",
            now=now,
        )
        run("INSERT INTO modules (id, course_id, position, title) VALUES (1, 1, 0, 'M')")
        for n, mode, levels in ((1, "all", "{}"), (2, "per_level", '{"1": 3}')):
            run(
                "INSERT INTO course_items (id, module_id, course_id, position, kind, title, "
                "required) VALUES (:n, 1, 1, :n, 'quiz', 'Q', true)",
                n=n,
            )
            run(
                "INSERT INTO quizzes (item_id, pass_mark, attempts_allowed, category, draw_mode, "
                "draw_per_level, shuffle_questions, shuffle_choices) "
                "VALUES (:n, 70, 3, '', :mode, :levels, true, true)",
                n=n,
                mode=mode,
                levels=levels,
            )
    flask_migrate.upgrade()
    read = "SELECT item_id, draw_mode, draw_count FROM quizzes ORDER BY item_id"
    with db.engine.begin() as connection:
        assert [tuple(r) for r in connection.execute(text(read))] == [
            (1, "all", None),
            (2, "per_level", None),
        ]
        connection.execute(
            text(
                "UPDATE quizzes SET draw_mode = 'per_competency_level', "
                "draw_count = 3 WHERE item_id = 1"
            )
        )
    flask_migrate.downgrade(revision="d8e9f0a1b2c3")
    with db.engine.connect() as connection:
        modes = connection.execute(text("SELECT item_id, draw_mode FROM quizzes ORDER BY item_id"))
        assert [tuple(r) for r in modes] == [(1, "all"), (2, "per_level")]


def test_existing_competencies_get_empty_descriptors_and_external_ids(migrated_app):
    """a7b8c9d0e1f2 adds level descriptors and an external identifier to every competency there
    was, empty (load-defaults fills the defaults' later); going back drops both."""
    flask_migrate.downgrade(revision="f2a3b4c5d6e7")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO frameworks (id, code, name, description, scale, proficient_level, "
                "level_policy, taxonomy, position, min_questions_per_level) VALUES (1, 'F', 'F', "
                "'', '[\"Aware\", \"Trained\"]', 2, 'highest', '', 1, 3)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO competencies (id, framework_id, code, name, description, path, "
                "depth, position) VALUES (1, 1, 'C-1', 'C', '', '/1/', 0, 1)"
            )
        )
    flask_migrate.upgrade()
    read = "SELECT code, level_descriptors, external_id FROM competencies"
    with db.engine.begin() as connection:
        code, descriptors, external_id = connection.execute(text(read)).one()
        assert (code, external_id) == ("C-1", "")
        assert descriptors in ("{}", {})  # JSON text on SQLite, decoded on PostgreSQL
        connection.execute(
            text("UPDATE competencies SET level_descriptors = '{\"1\": \"x\"}', external_id = 'E'")
        )
    flask_migrate.downgrade(revision="f2a3b4c5d6e7")
    columns = {c["name"] for c in inspect(db.engine).get_columns("competencies")}
    assert "level_descriptors" not in columns and "external_id" not in columns
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT code FROM competencies")).scalar_one() == "C-1"
