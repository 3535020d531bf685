"""The authoring pages' routes and what each role gets from them (see tests/access_table.py).

Only trainers reach /author, and here the trainer walking belongs to the course's training
unit (tests/courses/test_authoring_access.py covers trainers of another unit). A POST carrying
nothing but the CSRF token is refused with the form's errors (400), except the actions that
need no field: deleting an item or a rubric's criterion, and taking a question out of the
archive.
"""

from __future__ import annotations

from courses.authoring.services import authored_courses, quizzes, structure, tasks
from courses.authoring.services.questions import QuestionInput, save_question
from courses.learning.services.principles import ensure_principles
from courses.marking.models import RubricCriterion
from lms.accounts.models import User
from lms.extensions import db
from tests.access_table import RouteTable, statuses

TRAINER = frozenset({"trainer"})
TRAINER_PAGE = statuses(302, 403, 200, 403, 403)
TRAINER_REFUSED = statuses(302, 403, 400, 403, 403)
TRAINER_REDIRECT = statuses(302, 403, 302, 403, 403)
COURSE = "/author/courses/<int:course_id>"


def create_objects(users: dict[str, User]) -> dict[str, int | str]:
    """A draft course of the trainer's unit: a module with a lesson, a quiz, an item to
    delete, a task with a criterion to edit and one to delete, and one question."""
    ensure_principles()
    course = authored_courses.create_course(
        authored_courses.CourseDetails("AUTH-1", "Authoring course", "Every authoring page."),
        training_unit_id=users["trainer"].unit_id,
    )
    module = structure.add_module(course, "Module 1", ["P-INT"], [])
    lesson = structure.add_lesson(module, "Lesson 1", "Integrity **first**.")
    quiz = quizzes.add_quiz(module, "Quiz", quizzes.QuizSettings())
    doomed = structure.add_lesson(module, "To delete", "Going.")
    question = save_question(
        course,
        None,
        QuestionInput(qtype="true_false", text="True?", level=1, data={"answer": True}),
    )
    task = tasks.add_task(
        module, "Task", "Write to the trader **why** the goods were held.", tasks.TaskSettings()
    )
    # Rows of the rubric as stored: the walk's world loads no framework for the service to
    # ask about P-INT.
    criterion = RubricCriterion(
        title="Explains the hold", competency_code="P-INT", descriptors={"2": "Gives the reason."}
    )
    doomed_criterion = RubricCriterion(
        title="Cites the rule", competency_code="P-INT", descriptors={"3": "Names the rule."}
    )
    for position, row in enumerate((criterion, doomed_criterion), start=1):
        row.position = position
        task.task.criteria.append(row)
    db.session.flush()
    return {
        "a_course": course.id,
        "a_module": module.id,
        "a_lesson": lesson.id,
        "a_quiz": quiz.id,
        "a_doomed": doomed.id,
        "a_question": question.id,
        "a_task": task.id,
        "a_criterion": criterion.id,
        "a_doomed_criterion": doomed_criterion.id,
    }


C = "/author/courses/{a_course}"

TABLE = RouteTable(
    routes={
        ("GET", "/author/courses"): ("/author/courses", TRAINER_PAGE),
        ("GET", "/author/courses/new"): ("/author/courses/new", TRAINER_PAGE),
        ("POST", "/author/courses/new"): ("/author/courses/new", TRAINER_REFUSED),
        ("GET", COURSE): (C, TRAINER_PAGE),
        ("GET", f"{COURSE}/details"): (f"{C}/details", TRAINER_PAGE),
        ("POST", f"{COURSE}/details"): (f"{C}/details", TRAINER_REFUSED),
        ("POST", f"{COURSE}/status"): (f"{C}/status", TRAINER_REFUSED),
        ("POST", f"{COURSE}/modules/<int:module_id>/move"): (
            f"{C}/modules/{{a_module}}/move",
            TRAINER_REFUSED,
        ),
        ("POST", f"{COURSE}/items/<int:item_id>/move"): (
            f"{C}/items/{{a_lesson}}/move",
            TRAINER_REFUSED,
        ),
        ("POST", f"{COURSE}/items/<int:item_id>/delete"): (
            f"{C}/items/{{a_doomed}}/delete",
            TRAINER_REDIRECT,
        ),
        ("GET", f"{COURSE}/modules/new"): (f"{C}/modules/new", TRAINER_PAGE),
        ("POST", f"{COURSE}/modules/new"): (f"{C}/modules/new", TRAINER_REFUSED),
        ("GET", f"{COURSE}/modules/<int:module_id>"): (f"{C}/modules/{{a_module}}", TRAINER_PAGE),
        ("POST", f"{COURSE}/modules/<int:module_id>"): (
            f"{C}/modules/{{a_module}}",
            TRAINER_REFUSED,
        ),
        ("GET", f"{COURSE}/modules/<int:module_id>/lessons/new"): (
            f"{C}/modules/{{a_module}}/lessons/new",
            TRAINER_PAGE,
        ),
        ("POST", f"{COURSE}/modules/<int:module_id>/lessons/new"): (
            f"{C}/modules/{{a_module}}/lessons/new",
            TRAINER_REFUSED,
        ),
        ("GET", f"{COURSE}/lessons/<int:item_id>"): (f"{C}/lessons/{{a_lesson}}", TRAINER_PAGE),
        ("POST", f"{COURSE}/lessons/<int:item_id>"): (
            f"{C}/lessons/{{a_lesson}}",
            TRAINER_REFUSED,
        ),
        ("GET", f"{COURSE}/images"): (f"{C}/images", TRAINER_PAGE),
        ("POST", f"{COURSE}/images"): (f"{C}/images", TRAINER_REFUSED),
        ("GET", f"{COURSE}/modules/<int:module_id>/quizzes/new"): (
            f"{C}/modules/{{a_module}}/quizzes/new",
            TRAINER_PAGE,
        ),
        ("POST", f"{COURSE}/modules/<int:module_id>/quizzes/new"): (
            f"{C}/modules/{{a_module}}/quizzes/new",
            TRAINER_REFUSED,
        ),
        ("GET", f"{COURSE}/quizzes/<int:item_id>"): (f"{C}/quizzes/{{a_quiz}}", TRAINER_PAGE),
        ("POST", f"{COURSE}/quizzes/<int:item_id>"): (
            f"{C}/quizzes/{{a_quiz}}",
            TRAINER_REFUSED,
        ),
        ("GET", f"{COURSE}/quizzes/<int:item_id>/analysis"): (
            f"{C}/quizzes/{{a_quiz}}/analysis",
            TRAINER_PAGE,
        ),
        ("GET", f"{COURSE}/quizzes/<int:item_id>/analysis.csv"): (
            f"{C}/quizzes/{{a_quiz}}/analysis.csv",
            TRAINER_PAGE,
        ),
        ("GET", f"{COURSE}/modules/<int:module_id>/tasks/new"): (
            f"{C}/modules/{{a_module}}/tasks/new",
            TRAINER_PAGE,
        ),
        ("POST", f"{COURSE}/modules/<int:module_id>/tasks/new"): (
            f"{C}/modules/{{a_module}}/tasks/new",
            TRAINER_REFUSED,
        ),
        ("GET", f"{COURSE}/tasks/<int:item_id>"): (f"{C}/tasks/{{a_task}}", TRAINER_PAGE),
        ("POST", f"{COURSE}/tasks/<int:item_id>"): (f"{C}/tasks/{{a_task}}", TRAINER_REFUSED),
        ("GET", f"{COURSE}/tasks/<int:item_id>/preview"): (
            f"{C}/tasks/{{a_task}}/preview",
            TRAINER_PAGE,
        ),
        ("GET", f"{COURSE}/tasks/<int:item_id>/criteria/new"): (
            f"{C}/tasks/{{a_task}}/criteria/new",
            TRAINER_PAGE,
        ),
        ("POST", f"{COURSE}/tasks/<int:item_id>/criteria/new"): (
            f"{C}/tasks/{{a_task}}/criteria/new",
            TRAINER_REFUSED,
        ),
        ("GET", f"{COURSE}/tasks/<int:item_id>/criteria/<int:criterion_id>"): (
            f"{C}/tasks/{{a_task}}/criteria/{{a_criterion}}",
            TRAINER_PAGE,
        ),
        ("POST", f"{COURSE}/tasks/<int:item_id>/criteria/<int:criterion_id>"): (
            f"{C}/tasks/{{a_task}}/criteria/{{a_criterion}}",
            TRAINER_REFUSED,
        ),
        ("POST", f"{COURSE}/tasks/<int:item_id>/criteria/<int:criterion_id>/move"): (
            f"{C}/tasks/{{a_task}}/criteria/{{a_criterion}}/move",
            TRAINER_REFUSED,
        ),
        ("POST", f"{COURSE}/tasks/<int:item_id>/criteria/<int:criterion_id>/delete"): (
            f"{C}/tasks/{{a_task}}/criteria/{{a_doomed_criterion}}/delete",
            TRAINER_REDIRECT,
        ),
        ("GET", f"{COURSE}/questions"): (f"{C}/questions", TRAINER_PAGE),
        ("GET", f"{COURSE}/questions/checks"): (f"{C}/questions/checks", TRAINER_PAGE),
        ("GET", f"{COURSE}/questions/new"): (f"{C}/questions/new", TRAINER_PAGE),
        ("POST", f"{COURSE}/questions/new"): (f"{C}/questions/new", TRAINER_REFUSED),
        ("GET", f"{COURSE}/questions/<int:question_id>"): (
            f"{C}/questions/{{a_question}}",
            TRAINER_PAGE,
        ),
        ("POST", f"{COURSE}/questions/<int:question_id>"): (
            f"{C}/questions/{{a_question}}",
            TRAINER_REFUSED,
        ),
        ("GET", f"{COURSE}/questions.gift"): (f"{C}/questions.gift", TRAINER_PAGE),
        ("POST", f"{COURSE}/questions/import"): (f"{C}/questions/import", TRAINER_REFUSED),
        ("POST", f"{COURSE}/questions/<int:question_id>/archive"): (
            f"{C}/questions/{{a_question}}/archive",
            TRAINER_REDIRECT,
        ),
        ("GET", f"{COURSE}/preview"): (f"{C}/preview", TRAINER_PAGE),
        ("GET", f"{COURSE}/export"): (f"{C}/export", TRAINER_PAGE),
        ("GET", "/author/import"): ("/author/import", TRAINER_PAGE),
        ("POST", "/author/import"): ("/author/import", TRAINER_REFUSED),
    },
    endpoint_rules={
        "authoring.courses": TRAINER,
        "authoring.edit_course": TRAINER,
        "authoring.outline": TRAINER,
        "authoring.set_status": TRAINER,
        "authoring.move_module": TRAINER,
        "authoring.move_item": TRAINER,
        "authoring.delete_item": TRAINER,
        "authoring.edit_module": TRAINER,
        "authoring.edit_lesson": TRAINER,
        "authoring.images": TRAINER,
        "authoring.edit_quiz": TRAINER,
        "authoring.quiz_item_analysis": TRAINER,
        "authoring.quiz_item_analysis_csv": TRAINER,
        "authoring.question_bank": TRAINER,
        "authoring.bank_checks_page": TRAINER,
        "authoring.edit_question": TRAINER,
        "authoring.archive_question": TRAINER,
        "authoring.export_bank": TRAINER,
        "authoring.import_bank": TRAINER,
        "authoring.preview": TRAINER,
        "authoring.export": TRAINER,
        "authoring.import_course": TRAINER,
        "authoring.edit_task": TRAINER,
        "authoring.edit_criterion": TRAINER,
        "authoring.move_criterion": TRAINER,
        "authoring.delete_criterion": TRAINER,
        "authoring.task_preview": TRAINER,
    },
    create_objects=create_objects,
)
