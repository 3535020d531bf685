"""Every officer page runs the same number of SQL queries for a course of 3 items as for one
of 60 (issue 3, done-when 6): no lazy loads in loops."""

from __future__ import annotations

import dataclasses

from courses.learning.models import Attempt
from tests.conftest import csrf_token_from
from tests.courses.conftest import SINGLE, answers_for, attempt_id_from


def bank_of(size: int):
    return tuple(
        dataclasses.replace(SINGLE, text=f"Question number {n} about the Convention")
        for n in range(1, size + 1)
    )


def walk(client, db, count_queries, built, lessons: tuple[int, int]) -> dict[str, int]:
    """The officer's path through a course; the SQL statements each request ran."""
    counts: dict[str, int] = {}

    def measure(name: str, method: str, url: str, data: dict | None = None) -> str:
        with count_queries() as counted:
            response = client.open(url, method=method, data=data)
        assert response.status_code in (200, 302), (name, response.status_code)
        counts[name] = counted.count
        return response

    course_id = built.course.id
    lesson_urls = [f"/courses/{course_id}/items/{built.items[i].id}" for i in lessons]
    quiz_url = f"/courses/{course_id}/items/{built.quiz.id}"
    measure("first lesson seen (enrols)", "GET", lesson_urls[0])
    measure("another lesson", "GET", lesson_urls[1])
    measure("lesson seen again", "GET", lesson_urls[1])
    measure("outline", "GET", f"/courses/{course_id}")
    token = csrf_token_from(measure("quiz page", "GET", quiz_url).get_data(as_text=True))
    attempt_id = attempt_id_from(
        measure("start", "POST", f"{quiz_url}/attempts", {"csrf_token": token})
    )
    measure("attempt page", "GET", f"/attempts/{attempt_id}")
    measure("quiz page with an attempt", "GET", quiz_url)
    form = answers_for(db.session.get(Attempt, attempt_id).snapshot, right=False)
    measure("submit", "POST", f"/attempts/{attempt_id}/submit", {**form, "csrf_token": token})
    measure("result", "GET", f"/attempts/{attempt_id}/result")
    measure("my learning", "GET", "/my/learning")
    measure("catalogue", "GET", "/courses")
    measure("catalogue by principle", "GET", "/courses?principle=P-INT")
    return counts


def test_pages_cost_the_same_for_3_items_as_for_60(
    client, db, login_as, officer, create_course, count_queries
):
    small = create_course(lessons=2, bank=bank_of(3), title="Small course")
    login_as(officer)
    with_small = walk(client, db, count_queries, small, (0, 1))

    large = create_course(lessons=59, per_module=10, bank=bank_of(60), title="Large course")
    for _ in range(3):
        create_course(lessons=4, principles=("P-INT", "P-TRA"))
    assert (len(small.items), len(large.items)) == (3, 60)
    with_large = walk(client, db, count_queries, large, (30, 58))

    assert with_large == with_small
    assert len(db.session.get(Attempt, 2).snapshot) == 60  # the large quiz drew its 60
