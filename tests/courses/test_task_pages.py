"""The trainer's task pages: adding a task from the outline, its settings, the rubric editor,
the preview as officers will see it; bad input is marked and nothing is saved."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from courses.learning.models import Course, CourseItem
from courses.marking.models import RubricCriterion, Submission, Task
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import (
    TASK_INSTRUCTIONS,
    VALUATION_CRITERION,
    content_of,
    submit,
    text_of,
    token_from,
)

TASK_FIELDS = {
    "title": "Task: a reasoned valuation decision",
    "required": "y",
    "instructions": TASK_INSTRUCTIONS,
    "attachment": "optional",
    "blind_marking": "y",
    "max_submissions": "2",
}
CRITERION_FIELDS = {
    "title": "Chooses and applies the right valuation method",
    "competency_code": "ops-val",
    "level_1": "",
    "level_2": "Names the transaction value method but leaves gaps the reader must fill.",
    "level_3": "Examines whether the relationship influenced the price, and reaches the value.",
    "level_4": "",
}


def task_url(built) -> str:
    return f"/author/courses/{built.course.id}/tasks/{built.task.id}"


def test_a_trainer_adds_a_task_builds_its_rubric_and_publishes_the_course(
    db, trainer_client, build_course
):
    built = build_course()
    outline = f"/author/courses/{built.course.id}"
    page = text_of(trainer_client.get(outline))
    new_task = f"{outline}/modules/{built.module.id}/tasks/new"
    assert f'href="{new_task}"' in page and "Add a task" in page

    created = submit(trainer_client, new_task, TASK_FIELDS)
    assert created.status_code == 302, text_of(created)
    item = db.session.scalar(select(CourseItem).where(CourseItem.kind == "task"))
    assert created.headers["Location"] == f"{outline}/tasks/{item.id}#rubric"
    task_page = text_of(trainer_client.get(f"{outline}/tasks/{item.id}"))
    assert "Task “Task: a reasoned valuation decision” saved." in task_page
    assert "No criteria yet." in task_page
    # Not publishable yet: the outline says which task lacks what.
    assert (
        "Task &#39;Task: a reasoned valuation decision&#39; has no rubric: give it 1 to 8 "
        "criteria." in text_of(trainer_client.get(outline))
    )

    criteria = f"{outline}/tasks/{item.id}/criteria"
    form_page = text_of(trainer_client.get(f"{criteria}/new"))
    # The module's competency is offered, with its name.
    assert '<datalist id="competency-suggestions">' in form_page
    assert '<option value="P-ACC">Accountability</option>' in form_page
    saved = submit(trainer_client, f"{criteria}/new", CRITERION_FIELDS)
    assert saved.status_code == 302, text_of(saved)
    row = db.session.scalar(select(RubricCriterion))
    assert (row.competency_code, row.levels) == ("OPS-VAL", [2, 3])
    assert saved.headers["Location"] == f"{outline}/tasks/{item.id}#criterion-{row.id}"

    task_page = text_of(trainer_client.get(f"{outline}/tasks/{item.id}"))
    assert "Chooses and applies the right valuation method" in task_page
    assert "<td>2, 3</td>" in task_page

    outline_page = text_of(trainer_client.get(outline))
    assert f'href="{outline}/tasks/{item.id}"' in outline_page
    assert "Task (marked by a trainer)" in outline_page and "1 criterion" in outline_page
    published = submit(trainer_client, f"{outline}/status", {"status": "published"}, page=outline)
    assert published.status_code == 302, text_of(published)
    assert db.session.get(Course, built.course.id).status == "published"


def test_the_settings_form_shows_the_saved_task_and_saves_changes(db, trainer_client, build_course):
    built = build_course(task=True)
    page = text_of(trainer_client.get(task_url(built)))
    assert '<option selected value="optional">' in page
    assert 'name="blind_marking" type="checkbox" value="y"' in page and "checked" in page
    assert "## The case" in page

    fields = TASK_FIELDS | {"attachment": "required", "max_submissions": "5"}
    del fields["blind_marking"]  # an unticked box is not sent
    response = submit(trainer_client, task_url(built), fields)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#item-{built.task.id}")
    task = db.session.get(Task, built.task.id)
    assert (task.attachment, task.blind_marking, task.max_submissions) == ("required", False, 5)


def test_bad_settings_are_marked_and_nothing_is_saved(db, trainer_client, build_course):
    built = build_course(task=True)
    before = content_of(built.course.id)
    response = submit(
        trainer_client,
        task_url(built),
        {"title": "", "instructions": "x", "attachment": "video", "max_submissions": "9"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "The task was not saved." in page
    assert "This field is required." in page  # the title
    assert "Not a valid choice." in page  # the file rule
    assert "Number must be between 1 and 5." in page
    assert content_of(built.course.id) == before


def test_bad_criteria_are_marked_and_nothing_is_saved(db, trainer_client, build_course):
    built = build_course(task=True)
    before = content_of(built.course.id)
    new = f"{task_url(built)}/criteria/new"
    cases = [
        ({"competency_code": "ops val"}, "A competency code is capital letters"),
        ({"competency_code": "OPS-XYZ"}, "No framework holds the competency code(s) OPS-XYZ"),
        ({"level_2": "", "level_3": "  "}, "Describe at least one level"),
        ({"level_4": "x" * 1001}, "Field cannot be longer than 1000 characters."),
        ({"title": "t" * 201}, "Field cannot be longer than 200 characters."),
    ]
    for change, message in cases:
        response = submit(trainer_client, new, CRITERION_FIELDS | change)
        assert response.status_code == 400, change
        page = text_of(response)
        assert "The criterion was not saved." in page and message in page, change
    assert content_of(built.course.id) == before


def test_editing_moving_and_deleting_criteria_through_the_page(db, trainer_client, build_course):
    built = build_course(task=True)
    first, second = built.task.task.criteria
    first_id, second_id = first.id, second.id
    edit = f"{task_url(built)}/criteria/{first_id}"
    page = text_of(trainer_client.get(edit))
    assert VALUATION_CRITERION.descriptors["4"] in page and 'value="OPS-VAL"' in page

    response = submit(trainer_client, edit, CRITERION_FIELDS | {"title": "Values the goods"})
    assert response.status_code == 302
    assert db.session.get(RubricCriterion, first_id).descriptors == {
        "2": CRITERION_FIELDS["level_2"],
        "3": CRITERION_FIELDS["level_3"],
    }

    moved = submit(trainer_client, f"{edit}/move", {"direction": "down"}, page=task_url(built))
    assert moved.status_code == 302
    db.session.expire_all()
    assert [c.id for c in db.session.get(Task, built.task.id).criteria] == [second_id, first_id]
    refused = submit(trainer_client, f"{edit}/move", {}, page=task_url(built))
    assert refused.status_code == 400

    deleted = submit(trainer_client, f"{edit}/delete", page=task_url(built))
    assert deleted.status_code == 302
    page = text_of(trainer_client.get(task_url(built)))
    assert "Criterion “Values the goods” deleted." in page
    assert [c.id for c in db.session.get(Task, built.task.id).criteria] == [second_id]


def test_after_a_submission_the_rubric_shows_fixed_and_changes_are_refused(
    db, trainer_client, build_course, author_officer
):
    built = build_course(task=True)
    db.session.add(
        Submission(task_id=built.task.id, user_id=author_officer.id, label="Q3W4E5", text="x")
    )
    db.session.commit()
    before = content_of(built.course.id)
    page = text_of(trainer_client.get(task_url(built)))
    assert "its rubric is fixed" in page
    assert "Add a criterion" not in page and "/delete" not in page

    criterion_id = built.task.task.criteria[0].id
    edit = f"{task_url(built)}/criteria/{criterion_id}"
    refused = submit(trainer_client, edit, CRITERION_FIELDS)
    assert refused.status_code == 400
    assert "Officers have handed in answers to this task, so its rubric is fixed" in text_of(
        refused
    )
    deleted = submit(trainer_client, f"{edit}/delete", page=task_url(built))
    assert deleted.status_code == 302
    assert "its rubric is fixed" in text_of(trainer_client.get(deleted.headers["Location"]))
    assert content_of(built.course.id) == before

    # The settings stay editable.
    response = submit(trainer_client, task_url(built), TASK_FIELDS | {"title": "Renamed"})
    assert response.status_code == 302
    assert db.session.get(CourseItem, built.task.id).title == "Renamed"


def test_moving_and_deleting_a_task_from_the_outline(db, trainer_client, build_course):
    built = build_course(task=True)
    outline, task_id = f"/author/courses/{built.course.id}", built.task.id
    moved = submit(
        trainer_client, f"{outline}/items/{task_id}/move", {"direction": "up"}, page=outline
    )
    assert moved.headers["Location"] == f"{outline}#item-{task_id}"
    titles = [item[0] for item in content_of(built.course.id)["modules"][0]["items"]]
    assert titles == ["Why appeals matter", "Task: a reasoned valuation decision", "Check yourself"]
    response = submit(trainer_client, f"{outline}/items/{task_id}/delete", page=outline)
    assert response.status_code == 302
    assert "“Task: a reasoned valuation decision” deleted." in text_of(
        trainer_client.get(response.headers["Location"])
    )
    assert db.session.get(CourseItem, task_id) is None
    assert db.session.scalar(select(RubricCriterion.id)) is None


def test_the_preview_shows_what_officers_read_and_the_rubric(db, trainer_client, build_course):
    built = build_course(task=True)
    preview = text_of(trainer_client.get(f"{task_url(built)}/preview"))
    assert "<h2>What to hand in</h2>" in preview  # the instructions, rendered
    assert "A written answer; you may add a file: a PDF, or a PNG or JPEG image." in preview
    assert "You may hand in up to 2 times" in preview
    assert "Marking is blind" in preview
    row = re.search(r"<th scope=\"row\">Chooses and applies.*?</tr>", preview, re.S).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert "Not given at this level" in cells[0]  # level 1 has no descriptor
    assert cells[1:] == [VALUATION_CRITERION.descriptors[level] for level in ("2", "3", "4")]

    course_preview = text_of(trainer_client.get(f"/author/courses/{built.course.id}/preview"))
    assert "Task (marked by a trainer) · required" in course_preview
    assert "<h2>What to hand in</h2>" in course_preview


def test_a_lesson_id_on_the_task_pages_is_not_found(trainer_client, build_course):
    built = build_course(task=True)
    course = f"/author/courses/{built.course.id}"
    assert trainer_client.get(f"{course}/tasks/{built.lesson.id}").status_code == 404
    assert trainer_client.get(f"{course}/lessons/{built.task.id}").status_code == 404
    other = build_course(task=True)
    foreign = other.task.task.criteria[0].id
    assert trainer_client.get(f"{task_url(built)}/criteria/{foreign}").status_code == 404


def test_a_course_zip_carries_its_task_through_export_and_import(db, trainer_client, build_course):
    built = build_course(task=True)
    original = content_of(built.course.id)
    data = trainer_client.get(f"/author/courses/{built.course.id}/export").get_data()
    course = db.session.get(Course, built.course.id)
    course.code = "AU-OLD"  # codes are unique: the original steps aside for its copy
    db.session.commit()

    token = token_from(trainer_client, "/author/import")
    imported = trainer_client.post(
        "/author/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), "AU-001.zip")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302, text_of(imported)
    copy = db.session.scalar(select(Course).where(Course.code == "AU-001"))
    assert content_of(copy.id)["modules"] == original["modules"]
