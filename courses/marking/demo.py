"""Demo data for trainer-marked tasks: two officers have answered the post-clearance audit task
of the catalogue (C-PCA-101); a trainer of the course's training unit has marked the stronger
answer (its levels are evidence in the matrix), and the weaker one waits in the marking queue.
Loaded after the course demo; safe to run again (it adds nothing once the task has answers)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from courses.learning.models import Course, CourseItem, ItemKind
from courses.marking.models import Submission, Task
from courses.marking.services import marking, submissions
from lms.accounts.models import Role, User, UserRole
from lms.demo_organisation import DEMO_OFFICER_EMAIL
from lms.extensions import db

COURSE_CODE = "C-PCA-101"
# Levels the demo trainer gives the marked answer, by the competency a criterion judges; a
# criterion of another competency gets level 2.
MARKED_LEVELS = {"OPS-RSK": 3, "OPS-VAL": 3, "P-COM": 2, "P-ACC": 3, "P-MIN": 2, "OPS-AUD": 3}
MARKED_COMMENT = (
    "The royalty finding is right: the licence makes payment a condition of sale, so the "
    "apparel share (1,656,000) is added under Article 8.1(c) and the buying commissions "
    "(540,000) come off under Article 8.1(a)(i). Net duty due 133,920 is correct. The sample "
    "is stratified sensibly; say what the projection cannot support before you extrapolate. "
    "The letter should give the trader a date to comment by."
)
STRONG_ANSWER = """\
**Audit plan.** Risks in order: undeclared royalties to the parent (related-party buying, a
licence paid on sales); buying commissions added to value; preferential origin of footwear.
Period: the three years; records: the licence agreement, the group's transfer-pricing
adjustments, payments abroad by month, the buying agent's contract and invoices, the origin
declarations. I reconcile payments abroad with declared values by supplier and month. Sample:
all 75 declarations above 150,000 (14.1 million, 29 % of value), and 60 of the other 2,175 at
random, stratified by apparel and footwear. The random part supports an estimate of the error
rate, not an exact amount for every declaration.

**Findings.** *Royalties* (condition: 2,070,000 paid, none declared; criterion: Article 8.1(c),
the licence lets the manufacturer supply only licensed distributors, so payment is a condition
of sale; effect): 80 % relates to imported apparel, 1,656,000 × 12 % = 198,720 duty due.
*Commissions*: the agent works for Velocity and is paid by it, so these are buying commissions,
excluded by Article 8.1(a)(i): 540,000 × 12 % = 64,800 refundable. Net: 133,920 due, before
VAT and interest.

**Letter.** We enclose our draft findings; you may comment within 30 days; we then decide, and
you may appeal the decision to the regional appeals office.
"""
WEAK_ANSWER = """\
The audit will check all 2,250 declarations for the three years, starting with footwear
because of the two border findings.

Royalties: 2,070,000 were paid and not declared, so duty is due on all of it: 2,070,000 × 12 %
= 248,400. The commissions were added by the broker and are part of the value, so nothing
changes there.

Velocity will be told to pay 248,400.
"""


@dataclass(frozen=True)
class MarkingDemoSummary:
    answers: int
    marked: int

    def report(self) -> str:
        if not self.answers:
            return "Tasks: the demo answers exist already (or the audit course is missing)."
        return (
            f"Tasks: {self.answers} answers to the {COURSE_CODE} task handed in: {self.marked} "
            f"marked, {self.answers - self.marked} waiting in the trainers' marking queue."
        )


def load_marking_demo() -> MarkingDemoSummary:
    task = _audit_task()
    if task is None or db.session.scalar(
        select(Submission.id).where(Submission.task_id == task.item_id).limit(1)
    ):
        return MarkingDemoSummary(0, 0)
    marker, strong, weak = _people(task)
    if marker is None or weak is None:
        return MarkingDemoSummary(0, 0)
    answer = submissions.submit(strong.id, task, STRONG_ANSWER)
    levels = {c.id: MARKED_LEVELS.get(c.competency_code, 2) for c in task.criteria}
    marking.mark(marker, answer, levels, MARKED_COMMENT)
    submissions.submit(weak.id, task, WEAK_ANSWER)
    db.session.flush()
    return MarkingDemoSummary(2, 1)


def _audit_task() -> Task | None:
    return db.session.scalar(
        select(Task)
        .join(CourseItem, CourseItem.id == Task.item_id)
        .join(Course, Course.id == CourseItem.course_id)
        .where(Course.code == COURSE_CODE, CourseItem.kind == ItemKind.TASK.value)
        .order_by(CourseItem.id)
        .limit(1)
    )


def _people(task: Task) -> tuple[User | None, User | None, User | None]:
    """The first trainer of the course's training unit, and two officers who are not trainers
    (by service number, not the demo officer whose login README lists)."""
    unit_id = task.item.module.course.training_unit_id
    trainers = select(UserRole.user_id).where(UserRole.role == Role.TRAINER.value)
    marker = db.session.scalar(
        select(User).where(User.unit_id == unit_id, User.id.in_(trainers)).order_by(User.id)
    )
    officers = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role == Role.OFFICER.value,
            ~User.id.in_(trainers),
            User.email != DEMO_OFFICER_EMAIL,  # left free to try the task
            User.active.is_(True),
        )
        .order_by(User.service_number)
        .limit(2)
    ).all()
    strong, weak = [*officers, None, None][:2]
    return marker, strong, weak
