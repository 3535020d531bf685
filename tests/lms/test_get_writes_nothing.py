"""A GET writes nothing, except where a page says it does.

tests/lms/test_security.py compares every row before and after the GET walk; this test counts
the INSERT, UPDATE and DELETE statements each GET sends, so a write that leaves the rows as they
were (a timestamp touched, a row written then deleted, an UPDATE of nothing) is caught too.
Signing in is a POST and happens before the counting starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import event

from tests.lms.test_access import registered_routes

# The GET pages that write by design, as lms/edge.py and the README say: the learning item page
# records lesson progress and the last item visited. The access tables name their rules in
# `writing_gets`, which the snapshot walk skips.
WRITING_ENDPOINTS = frozenset({"learning.item_page"})
WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@pytest.fixture
def writes(app: Flask, db) -> Iterator[list[str]]:
    """The writing statements sent to the database while the test runs (clear it to restart)."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if WRITE.match(statement):
            sent.append(statement.split("\n", 1)[0][:120])

    event.listen(db.engine, "before_cursor_execute", record)
    yield sent
    event.remove(db.engine, "before_cursor_execute", record)


def test_the_allowed_writers_are_the_tables_writing_gets(app, world):
    endpoints = registered_routes(app)
    listed = {endpoints[("GET", rule)] for table in world.tables for rule in table.writing_gets}
    assert listed == WRITING_ENDPOINTS


@pytest.mark.parametrize("role", ["anonymous", "officer", "trainer", "hr", "admin"])
def test_no_get_writes_outside_the_pages_that_say_so(app, login_as, world, writes, role):
    browser = app.test_client()
    if role != "anonymous":
        login_as(world.users[role], on=browser)
    endpoints = registered_routes(app)
    failures = []
    for table in world.tables:
        for (method, rule), (url, _statuses) in table.routes.items():
            if method != "GET" or endpoints[(method, rule)] in WRITING_ENDPOINTS:
                continue
            writes.clear()
            response = browser.get(world.url(url))
            response.close()
            if writes:
                failures.append((rule, response.status_code, list(writes)))
    assert failures == []
