"""The suite's database (tests/databases.py): the run's own, empty at each test's start, ids
from 1 as in a new database, and rows another thread commits are seen."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from config import TestingConfig
from lms import create_app
from lms.extensions import db as _db
from lms.organisation.models import OrgUnit


@pytest.mark.parametrize("turn", [1, 2])  # the second turn sees nothing of the first
def test_each_test_starts_on_an_empty_database_of_the_run(turn, app, request, create_unit):
    assert _db.engine.dialect.name == request.config.getoption("--database")
    for table in _db.metadata.sorted_tables:
        assert _db.session.scalar(select(func.count()).select_from(table)) == 0, table.name
    assert create_unit(f"TURN-{turn}").id == 1


def test_a_shared_database_shows_other_threads_commits(shared_empty_database, tmp_path):
    app = create_app(
        TestingConfig,
        {"SQLALCHEMY_DATABASE_URI": shared_empty_database, "INSTANCE_PATH": str(tmp_path)},
    )
    with app.app_context():
        _db.create_all()

        def add_unit() -> None:
            with app.app_context():
                _db.session.add(OrgUnit(code="T", name="Thread", kind="office", path="/1/"))
                _db.session.commit()

        worker = threading.Thread(target=add_unit)
        worker.start()
        worker.join(10)
        assert _db.session.scalar(select(OrgUnit.name)) == "Thread"
        _db.session.remove()
        _db.engine.dispose()
