"""The demo's trainer-marked task: one answer marked (evidence in the matrix), one waiting in
the queue of the trainers of the course's training unit; loading again adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from competencies.models import Evidence
from courses.marking.models import Submission, SubmissionStatus
from courses.marking.services import marking
from lms.accounts.models import User


def test_the_demo_has_a_marked_answer_and_one_waiting_for_the_demo_trainer(app, db, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "2 answers to the C-PCA-101 task handed in: 1 marked, 1 waiting" in first.output
    trainer = db.session.scalar(select(User).where(User.email == "trainer@customs.example"))
    queue = marking.marking_queue(trainer)
    assert [entry.status for entry in queue.to_mark] == [SubmissionStatus.SUBMITTED]
    assert [entry.task_title for entry in queue.marked] == [queue.to_mark[0].task_title]
    marked = db.session.scalars(select(Submission).where(Submission.status == "marked")).one()
    sources = db.session.scalars(
        select(Evidence.source).where(Evidence.user_id == marked.user_id, Evidence.source == "task")
    ).all()
    assert len(sources) >= 5  # a row per competency the rubric judges

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count(Submission.id))) == 2
