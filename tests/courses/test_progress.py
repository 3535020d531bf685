"""Progress records: written once, and rolled back with the transaction that wrote them."""

from __future__ import annotations

from sqlalchemy import func, select

from courses.learning.models import CourseEnrolment, ItemProgress
from courses.learning.services.progress import mark_item_done, progress_for


def test_a_rolled_back_request_leaves_no_progress(db, officer, create_course):
    """Progress is written inside savepoints; on SQLite a savepoint opened first used to start
    (and its release commit) the transaction, so a later rollback kept the rows."""
    built = create_course(lessons=2)
    db.session.scalar(select(func.count(ItemProgress.item_id)))  # a read first, as pages do
    mark_item_done(officer.id, built.lessons[0])
    db.session.rollback()
    assert db.session.scalar(select(func.count(ItemProgress.item_id))) == 0
    assert db.session.scalar(select(func.count()).select_from(CourseEnrolment)) == 0


def test_an_item_counts_once_and_the_last_required_item_completes_the_course(
    db, officer, create_course
):
    built = create_course(lessons=1)
    lesson, quiz = built.lessons[0], built.quiz
    assert mark_item_done(officer.id, lesson) is False
    assert mark_item_done(officer.id, lesson) is False
    assert progress_for(officer.id, [built.course.id])[built.course.id].done == 1
    assert mark_item_done(officer.id, quiz) is True
    db.session.commit()
    done = progress_for(officer.id, [built.course.id])[built.course.id]
    assert (done.done, done.total, done.percent, done.complete) == (2, 2, 100, True)
