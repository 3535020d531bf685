"""Trainer-marked tasks through their services: handing in (text and a file checked by its
content), resubmission, blind marking, second marking for Expert levels, the evidence each
final marking records, the notifications and the course progress."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competencies.models import CurrentLevel, Evidence
from competencies.services.frameworks import competencies_by_code
from courses.learning.services.progress import done_item_ids, enrolment
from courses.marking.models import MarkingOutcome, SubmissionStatus
from courses.marking.services import marking, submissions
from courses.marking.services.marking import agreed_levels
from lms.errors import Conflict, NotFound, ValidationError
from lms.notifications.models import Notification
from tests.courses.marking_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.marking_fixtures import PDF, PNG


def _levels(task, *levels):
    return {c.id: level for c, level in zip(task.criteria, levels, strict=True)}


def _notified(db, user_id) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.subject)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id)
        )
    )


def _level_of(db, user_id, code) -> int | None:
    competency = competencies_by_code({code})[code]
    row = db.session.get(CurrentLevel, (user_id, competency.id))
    return row.level if row else None


def test_an_answer_with_a_pdf_is_handed_in_and_the_units_trainers_are_told(db, task_world, officer):
    world = task_world()
    submission = submissions.submit(officer.id, world.task, "My decision…", ("d.pdf", PDF))
    db.session.commit()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submissions.files_of([submission.id]) == {submission.id}
    assert _notified(db, world.trainer.id) == [f"To mark: {world.item.title}"]
    assert _notified(db, world.outsider_trainer.id) == []
    state = submissions.task_state(officer.id, world.task)
    assert not state.can_submit and state.latest.id == submission.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<svg onload=alert(1)></svg>", "Only a PDF"),
        (b"%PDF-1.4 but cut short", "Only a PDF"),
        (b"GIF89a" + b"\x00" * 20, "Only a PDF"),
    ],
)
def test_a_file_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_kept(
    db, task_world, officer, data, message
):
    world = task_world()
    with pytest.raises(ValidationError, match=message):
        submissions.submit(officer.id, world.task, "My decision", ("decision.pdf", data))
    db.session.rollback()
    assert submissions.task_state(officer.id, world.task).submissions == []


def test_the_tasks_file_rule_is_kept(db, task_world, officer):
    required = task_world(attachment="required")
    with pytest.raises(ValidationError, match="asks for a file"):
        submissions.submit(officer.id, required.task, "text only")
    assert submissions.submit(officer.id, required.task, "with a picture", ("p.png", PNG))
    db.session.rollback()
    none = task_world(attachment="none")
    with pytest.raises(ValidationError, match="written answer only"):
        submissions.submit(officer.id, none.task, "text", ("d.pdf", PDF))
    with pytest.raises(ValidationError, match="Write your answer"):
        submissions.submit(officer.id, none.task, "   ")


def test_a_marking_is_final_evidence_with_the_marker_as_assessor_and_completes_the_item(
    db, task_world, officer
):
    world = task_world()
    submission = submissions.submit(officer.id, world.task, "My decision")
    marking.mark(world.trainer, submission, _levels(world.task, 3, 2), "Royalty added right.")
    db.session.commit()
    assert submission.status == SubmissionStatus.MARKED
    assert _level_of(db, officer.id, "OPS-VAL") == 3
    assert _level_of(db, officer.id, "P-ACC") == 2
    rows = list(db.session.scalars(select(Evidence).where(Evidence.user_id == officer.id)))
    assert {(r.source, r.rated_by_id, r.note) for r in rows} == {
        ("task", world.trainer.id, "Royalty added right.")
    }
    valuation = next(r for r in rows if r.level == 3)
    assert valuation.basis["assessors"] == ["Tomas Trainer"]
    assert valuation.basis["criteria"] == [
        {
            "title": "Applies the transaction value method to the case",
            "level": 3,
            "descriptor": "Adds the royalty as a condition of sale and reaches the right value.",
        }
    ]
    assert world.item.id in done_item_ids(officer.id, world.item.course_id)
    assert _notified(db, officer.id) == [f"Marked: {world.item.title}"]


def test_a_criterion_not_shown_records_level_0_and_leaves_the_item_undone(db, task_world, officer):
    world = task_world()
    submission = submissions.submit(officer.id, world.task, "Off topic")
    marking.mark(world.trainer, submission, _levels(world.task, 0, 1), "No valuation at all.")
    db.session.commit()
    assert _level_of(db, officer.id, "OPS-VAL") == 0
    assert world.item.id not in done_item_ids(officer.id, world.item.course_id)


def test_expert_waits_for_a_second_marker_and_counts_only_where_both_agree(db, task_world, officer):
    world = task_world()
    submission = submissions.submit(officer.id, world.task, "A thorough decision")
    marking.mark(world.trainer, submission, _levels(world.task, 4, 3), "Expert work.")
    db.session.commit()
    assert submission.status == SubmissionStatus.SECOND_MARKING
    assert db.session.scalars(select(Evidence).where(Evidence.user_id == officer.id)).all() == []
    assert _notified(db, world.second_trainer.id)[-1].startswith("Second marking needed")
    assert _notified(db, officer.id) == []
    with pytest.raises(Conflict, match="different second marker"):
        marking.mark(world.trainer, submission, _levels(world.task, 4, 3), "Again")
    queue = marking.marking_queue(world.trainer)
    assert [e.submission_id for e in queue.waiting] == [submission.id]
    assert queue.to_mark == []
    second_view = marking.marking_view(world.second_trainer, submission)
    assert second_view.role == "second" and second_view.markings == []

    marking.mark(world.second_trainer, submission, _levels(world.task, 4, 2), "Agree on OPS-VAL.")
    db.session.commit()
    assert submission.status == SubmissionStatus.MARKED
    assert _level_of(db, officer.id, "OPS-VAL") == 4
    assert _level_of(db, officer.id, "P-ACC") == 2  # the lower of 3 and 2
    expert = db.session.scalars(
        select(Evidence).where(Evidence.user_id == officer.id, Evidence.level == 4)
    ).one()
    assert expert.basis["assessors"] == ["Tomas Trainer", "Sara Second"]


def test_expert_given_by_one_marker_only_does_not_count(db, task_world, officer):
    world = task_world()
    submission = submissions.submit(officer.id, world.task, "A thorough decision")
    marking.mark(world.trainer, submission, _levels(world.task, 4, 3), "Expert work.")
    marking.mark(world.second_trainer, submission, _levels(world.task, 3, 3), "Advanced.")
    db.session.commit()
    assert _level_of(db, officer.id, "OPS-VAL") == 3


def test_agreed_levels_take_the_lower_of_two_markings():
    assert agreed_levels([{"1": 4, "2": 3}]) == {"1": 4, "2": 3}
    assert agreed_levels([{"1": 4, "2": 3}, {"1": 3, "2": 4}]) == {"1": 3, "2": 3}
    assert agreed_levels([{"1": 4}, {"1": 4}]) == {"1": 4}


def test_a_resubmission_asked_for_opens_one_more_hand_in_up_to_the_limit(db, task_world, officer):
    world = task_world(max_submissions=2)
    first = submissions.submit(officer.id, world.task, "Draft")
    with pytest.raises(ValidationError, match="Say what the officer should change"):
        marking.mark(world.trainer, first, {}, " ", MarkingOutcome.RESUBMIT)
    marking.mark(world.trainer, first, {}, "Add the royalty.", MarkingOutcome.RESUBMIT)
    db.session.commit()
    assert first.status == SubmissionStatus.RESUBMIT
    assert _notified(db, officer.id) == [f"Please hand in again: {world.item.title}"]
    assert db.session.scalars(select(Evidence).where(Evidence.user_id == officer.id)).all() == []
    state = submissions.task_state(officer.id, world.task)
    assert state.can_submit
    second = submissions.submit(officer.id, world.task, "Final version")
    assert second.number == 2
    with pytest.raises(ValidationError, match="last submission"):
        marking.mark(world.trainer, second, {}, "Again?", MarkingOutcome.RESUBMIT)
    with pytest.raises(Conflict):
        submissions.submit(officer.id, world.task, "A third")


def test_markings_are_checked_against_the_rubric(db, task_world, officer):
    world = task_world()
    submission = submissions.submit(officer.id, world.task, "Answer")
    first, second = world.task.criteria
    with pytest.raises(ValidationError, match="for every criterion"):
        marking.mark(world.trainer, submission, {first.id: 3}, "Comment")
    with pytest.raises(ValidationError, match="no descriptor at level 1"):
        marking.mark(world.trainer, submission, {first.id: 1, second.id: 1}, "Comment")
    with pytest.raises(ValidationError, match="Write a comment"):
        marking.mark(world.trainer, submission, _levels(world.task, 3, 3), "")
    db.session.rollback()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_only_the_trainers_of_the_courses_unit_reach_a_submission(
    db, task_world, officer, create_user
):
    world = task_world()
    submission = submissions.submit(officer.id, world.task, "Answer")
    db.session.commit()
    with pytest.raises(NotFound):
        marking.submission_to_mark(world.outsider_trainer, submission.id)
    assert marking.marking_queue(world.outsider_trainer).to_mark == []
    officer_trainer = create_user(roles=("officer", "trainer"), unit=world.trainer.unit)
    own = submissions.submit(officer_trainer.id, world.task, "My own")
    db.session.commit()
    with pytest.raises(ValidationError, match="your own answer"):
        marking.mark(officer_trainer, own, _levels(world.task, 3, 3), "Fine")
    assert own.id not in [e.submission_id for e in marking.marking_queue(officer_trainer).to_mark]


def test_blind_marking_hides_the_officer_until_the_marking_is_final(db, task_world, officer):
    world = task_world(blind_marking=True)
    submission = submissions.submit(officer.id, world.task, "Answer", ("d.pdf", PDF))
    db.session.commit()
    [entry] = marking.marking_queue(world.trainer).to_mark
    assert entry.officer is None and entry.label == submission.label
    assert marking.marking_view(world.trainer, submission).officer is None
    assert (
        submissions.download_name(*marking.submission_file(world.trainer, submission.id))
        == f"submission-{submission.label}.pdf"
    )
    marking.mark(world.trainer, submission, _levels(world.task, 2, 2), "Fair.")
    db.session.commit()
    [released] = marking.marking_queue(world.trainer).marked
    assert released.officer == "Amina Officer"


def test_a_course_reopened_for_recertification_takes_a_new_answer(db, task_world, officer):
    world = task_world()
    first = submissions.submit(officer.id, world.task, "Cycle one")
    marking.mark(world.trainer, first, _levels(world.task, 3, 3), "Good.")
    db.session.commit()
    assert not submissions.task_state(officer.id, world.task).can_submit
    enrolment(officer.id, world.item.course_id).cycle = 2  # as the expiry job reopens it
    db.session.commit()
    state = submissions.task_state(officer.id, world.task)
    assert state.can_submit and state.this_cycle == [] and state.submissions == [first]
    again = submissions.submit(officer.id, world.task, "Cycle two")
    assert (again.number, again.cycle) == (2, 2)
