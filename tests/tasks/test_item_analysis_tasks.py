"""The item analysis jobs, run by a real (threaded) Celery worker on the in-memory broker: the
beat job asks once for each quiz graded since its figures, the worker computes and stores them,
and the next beat asks for nothing."""

from __future__ import annotations

from sqlalchemy import select

from courses.authoring.services import authored_courses, publishing, quizzes, structure
from courses.authoring.services.questions import QuestionInput, save_question
from courses.learning.models import ItemAnalysis
from courses.learning.services import attempts as attempt_service
from courses.learning.services.principles import ensure_principles
from tests.courses.assignment_helpers import bulk_officers
from tests.courses.conftest import answers_for

QUEUE = "courses.queue_item_analyses"
COMPUTE = "courses.compute_item_analysis"
STATEMENT = QuestionInput(
    qtype="true_false", text="Rulings are published.", level=1, data={"answer": True}
)


def quiz_with_attempts(db, unit, officers: list[int]):
    ensure_principles()
    course = authored_courses.create_course(
        authored_courses.CourseDetails("IA-1", "Item analysis course", ""),
        training_unit_id=unit.id,
    )
    module = structure.add_module(course, "Module 1", ["P-INT"], [])
    quiz = quizzes.add_quiz(module, "Final check", quizzes.QuizSettings())
    save_question(course, None, STATEMENT)
    db.session.refresh(course)
    publishing.set_status(course, "published")
    db.session.commit()
    for number, officer_id in enumerate(officers):
        attempt = attempt_service.start_attempt(officer_id, quiz)
        form = answers_for(attempt.snapshot, right=number % 4 != 0)
        attempt_service.submit_attempt(officer_id, attempt.id, form)
        db.session.commit()
    return quiz


def test_the_beat_queues_one_computation_and_the_worker_stores_it(
    db, celery_app, celery_worker, task_runs, published, create_unit, root_unit
):
    officers = bulk_officers(8, create_unit("IAP", parent=root_unit))
    quiz = quiz_with_attempts(db, root_unit, officers)
    assert COMPUTE not in {name for name, _ in published}  # grading queues no analysis

    celery_app.send_task(QUEUE)
    (queued,) = task_runs.wait_for(QUEUE)
    (computed,) = task_runs.wait_for(COMPUTE)

    assert queued.retval == [quiz.id]
    assert (computed.args, computed.retval) == ((quiz.id,), 8)
    analysis = db.session.scalar(select(ItemAnalysis).where(ItemAnalysis.item_id == quiz.id))
    assert (analysis.attempts, len(analysis.questions)) == (8, 1)
    assert analysis.questions[0].facility == 0.75
    celery_app.send_task(QUEUE)
    second = task_runs.wait_for(QUEUE, count=2)[1]
    assert second.retval == []  # nothing graded since
