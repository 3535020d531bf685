"""Who may author what: trainers edit only their own training unit's courses; nobody else
reaches /author at all; another course's modules, items and questions are not found."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask

from courses.learning.models import Course, Upload
from lms.access import access_rule_of
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import (
    PNG_BYTES,
    content_of,
    count_of,
    make_zip,
    text_of,
    token_from,
)

REFUSED = "Only trainers of the training unit that owns this course can change it."


def authoring_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(method, rule, endpoint) of every authoring route."""
    return sorted(
        (method, rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("authoring.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def url_for_rule(rule: str, endpoint: str, built) -> str:
    """The rule with the ids of `built`'s course, module, item (lesson, quiz or task by
    endpoint), first question and the task's first criterion (`build_course(task=True)`)."""
    task_route = "/tasks/" in rule
    item = built.task if task_route else built.quiz if "quiz" in endpoint else built.lesson
    ids = {
        "course_id": built.course.id,
        "module_id": built.module.id,
        "item_id": item.id,
        "question_id": built.questions[0].id,
        "criterion_id": built.task.task.criteria[0].id if built.task else 0,
    }
    return re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), rule)


def hostile_form() -> dict:
    """A POST that would change something on any authoring route, were it allowed."""
    return {
        "status": "archived",
        "direction": "down",
        "archived": "1",
        "code": "HIJACKED-1",
        "title": "Hijacked",
        "summary": "Hijacked",
        "markdown": "Hijacked",
        "principles": "P-INT",
        "competency_codes": "P-INT",
        "competency_code": "P-INT",
        "qtype": "true_false",
        "text": "Hijacked?",
        "level": "1",
        "tf_answer": "true",
        "pass_mark": "1",
        "attempts_allowed": "0",
        "draw_mode": "all",
        "kind": "assessment",
        "review_shows": "score",
        "review_when": "immediately",
        "instructions": "Hijacked",
        "attachment": "required",
        "max_submissions": "5",
        "level_1": "Hijacked",
        "save": "Save",
    }


def test_the_authoring_routes_are_all_for_trainers_only(app):
    endpoints = {endpoint for _, _, endpoint in authoring_routes(app)}
    assert endpoints == {
        "authoring.courses",
        "authoring.edit_course",
        "authoring.outline",
        "authoring.set_status",
        "authoring.move_module",
        "authoring.move_item",
        "authoring.delete_item",
        "authoring.edit_module",
        "authoring.edit_lesson",
        "authoring.images",
        "authoring.edit_quiz",
        "authoring.quiz_item_analysis",
        "authoring.quiz_item_analysis_csv",
        "authoring.question_bank",
        "authoring.bank_checks_page",
        "authoring.edit_question",
        "authoring.archive_question",
        "authoring.export_bank",
        "authoring.import_bank",
        "authoring.preview",
        "authoring.export",
        "authoring.import_course",
        "authoring.edit_task",
        "authoring.edit_criterion",
        "authoring.move_criterion",
        "authoring.delete_criterion",
        "authoring.task_preview",
    }, "a new authoring route: check that the tests below cover it"
    for endpoint in endpoints:
        assert access_rule_of(endpoint) == frozenset({"trainer"}), endpoint
    # Every route but the list and the import is about one course, checked by ensure_can_edit.
    course_free = {rule for _, rule, _ in authoring_routes(app) if "<int:course_id>" not in rule}
    assert course_free == {"/author/courses", "/author/courses/new", "/author/import"}


def test_another_units_trainer_gets_403_on_every_route_of_the_course_and_nothing_changes(
    app, client, login_as, build_course, rival_trainer
):
    victim = build_course(published=True, task=True)
    before = content_of(victim.course.id)
    courses_before = count_of(Course)
    login_as(rival_trainer)
    token = token_from(client, "/author/courses")
    routes = [r for r in authoring_routes(app) if "<int:course_id>" in r[1]]
    failures = []
    for method, rule, endpoint in routes:
        url = url_for_rule(rule, endpoint, victim)
        if method == "GET":
            response = client.get(url)
        else:
            data = {
                **hostile_form(),
                "csrf_token": token,
                "file": (io.BytesIO(PNG_BYTES), "pixel.png"),
            }
            response = client.post(url, data=data, content_type="multipart/form-data")
        if response.status_code != 403 or REFUSED not in text_of(response):
            failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []
    assert content_of(victim.course.id) == before
    assert count_of(Course) == courses_before and count_of(Upload) == 0
    listing = text_of(client.get("/author/courses"))
    assert victim.course.title not in listing
    assert "Regional Training Office has no courses yet" in listing or "no courses yet" in listing


@pytest.mark.parametrize("roles", [("officer",), ("hr",), ("admin",)])
def test_users_without_the_trainer_role_get_403_on_every_authoring_page(
    roles, app, client, login_as, create_user, build_course
):
    built = build_course(task=True)
    before = content_of(built.course.id)
    login_as(create_user(roles=roles))
    token = token_from(client, "/me")
    failures = []
    for method, rule, endpoint in authoring_routes(app):
        url = url_for_rule(rule, endpoint, built)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={**hostile_form(), "csrf_token": token})
        if response.status_code != 403 or "does not have access" not in text_of(response):
            failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []
    assert content_of(built.course.id) == before
    assert "/author/courses" not in text_of(client.get("/me"))  # no "Authoring" menu item


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, build_course):
    built = build_course()
    response = client.get(f"/author/courses/{built.course.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_ids_of_another_courses_modules_items_and_questions_are_not_found(
    app, trainer_client, build_course, rival_unit
):
    mine = build_course(task=True)
    other_of_mine = build_course(task=True)
    rivals = build_course(unit=rival_unit, task=True)
    token = token_from(trainer_client, "/author/courses")
    routes = [
        r
        for r in authoring_routes(app)
        if "<int:course_id>" in r[1]
        and re.search(r"<int:(module_id|item_id|question_id|criterion_id)>", r[1])
    ]
    assert len(routes) >= 24
    before = content_of(other_of_mine.course.id)
    failures = []
    for foreign in (other_of_mine, rivals):
        for method, rule, endpoint in routes:
            url = url_for_rule(rule, endpoint, foreign).replace(
                f"/courses/{foreign.course.id}/", f"/courses/{mine.course.id}/", 1
            )
            if method == "GET":
                response = trainer_client.get(url)
            else:
                response = trainer_client.post(url, data={**hostile_form(), "csrf_token": token})
            if response.status_code != 404:
                failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []
    assert content_of(other_of_mine.course.id) == before


def test_a_lesson_id_on_the_quiz_page_is_not_found(trainer_client, build_course):
    built = build_course()
    course = f"/author/courses/{built.course.id}"
    assert trainer_client.get(f"{course}/quizzes/{built.lesson.id}").status_code == 404
    assert trainer_client.get(f"{course}/lessons/{built.quiz.id}").status_code == 404
    assert trainer_client.get(f"/author/courses/{built.course.id + 999}").status_code == 404


def test_an_import_lands_in_the_trainers_own_unit(
    db, client, login_as, rival_trainer, build_course
):
    # The rival imports a course zip: it becomes theirs, not the other unit's.
    login_as(rival_trainer)
    files = {
        "R-1/course.json": '{"code": "R-1", "title": "Rival course", "modules": ['
        '{"title": "M", "principles": ["P-INT"], "items": ['
        '{"type": "lesson", "title": "L", "file": "l.md"}]}]}',
        "R-1/l.md": "Text.",
    }
    token = token_from(client, "/author/import")
    response = client.post(
        "/author/import",
        data={"csrf_token": token, "file": (io.BytesIO(make_zip(files)), "r-1.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text_of(response)
    course = db.session.scalar(db.select(Course).where(Course.code == "R-1"))
    assert course.training_unit_id == rival_trainer.unit_id
