"""Daily reminders of assigned work due within a week or overdue: one notification per officer
and day, whatever how often the job runs (the notifications' unique (user, kind, day)).

`create_reminders` writes the notifications (flush; the caller commits) and returns what to
mail; the caller mails them (`reminder_mail`) after the commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from sqlalchemy import func, select

from courses.assignments.models import (
    Assignment,
    AssignmentMembership,
    Curriculum,
    MembershipStatus,
)
from courses.assignments.services.memberships import officer_condition
from courses.learning.models import Course
from lms.accounts.models import User
from lms.extensions import db
from lms.links import app_path
from lms.mail import Mail
from lms.notifications.services import NewNotification, add_daily_notifications

REMINDER_KIND = "assignment_reminder"
DUE_WITHIN = timedelta(days=7)
# The officer's page the reminder speaks of: the notification's link, and the mail's.
DASHBOARD_ENDPOINT = "learning.my_learning"
CHUNK = 1000


@dataclass(frozen=True)
class DueItem:
    title: str
    due_on: date


@dataclass(frozen=True)
class Reminder:
    notification_id: int
    user_id: int
    email: str
    full_name: str
    subject: str
    body: str


def reminder_text(items: list[DueItem], today: date) -> tuple[str, str]:
    """The subject and body of an officer's reminder (pure)."""
    overdue = [item for item in items if item.due_on < today]
    if overdue:
        subject = f"{len(overdue)} assigned item{'s' if len(overdue) > 1 else ''} overdue" + (
            f", {len(items) - len(overdue)} due this week" if len(items) > len(overdue) else ""
        )
    else:
        subject = f"{len(items)} assigned item{'s' if len(items) > 1 else ''} due this week"
    lines = []
    for item in items:
        days = (item.due_on - today).days
        if days < 0:
            when = (
                f"overdue since {item.due_on.isoformat()} ({-days} day{'s' if days < -1 else ''})"
            )
        elif days == 0:
            when = "due today"
        else:
            when = f"due {item.due_on.isoformat()} (in {days} day{'s' if days > 1 else ''})"
        lines.append(f"- {item.title}: {when}")
    body = "\n".join(
        [*lines, "", "Open “My learning” on the learning platform to continue where you left off."]
    )
    return subject, body


def reminder_mail(reminder: Reminder, dashboard_url: str) -> Mail:
    """The email of a reminder: its text, with the absolute link to the page it speaks of."""
    return Mail(
        reminder.email,
        reminder.subject,
        f"Dear {reminder.full_name},\n\n{reminder.body}\n{dashboard_url}\n",
    )


def _due_rows(today: date) -> Iterator:
    """(user id, email, name, title, due) of open work due within the window, by officer."""
    return db.session.execute(
        select(
            User.id,
            User.email,
            User.full_name,
            func.coalesce(Curriculum.name, Course.title),
            AssignmentMembership.due_on,
        )
        .select_from(AssignmentMembership)
        .join(Assignment, Assignment.id == AssignmentMembership.assignment_id)
        .join(User, User.id == AssignmentMembership.user_id)
        .outerjoin(Curriculum, Curriculum.id == Assignment.curriculum_id)
        .outerjoin(Course, Course.id == Assignment.course_id)
        .where(
            AssignmentMembership.status == MembershipStatus.OPEN.value,
            AssignmentMembership.due_on <= today + DUE_WITHIN,
            officer_condition(),
        )
        .order_by(User.id, AssignmentMembership.due_on, AssignmentMembership.id)
        .execution_options(yield_per=5000)
    )


def create_reminders(today: date) -> list[Reminder]:
    """Notify every officer with work due within a week or overdue who has not been reminded
    today; returns the reminders written now (to mail once committed)."""
    pending: list[tuple[NewNotification, str, str]] = []
    written: list[Reminder] = []
    dashboard = app_path(DASHBOARD_ENDPOINT)

    def flush_pending() -> None:
        added = add_daily_notifications(REMINDER_KIND, today, [entry for entry, _, _ in pending])
        for entry, email, name in pending:
            if entry.user_id in added:
                written.append(
                    Reminder(
                        added[entry.user_id], entry.user_id, email, name, entry.subject, entry.body
                    )
                )
        pending.clear()

    for (user_id, email, name), rows in groupby(_due_rows(today), key=lambda row: row[:3]):
        items = [DueItem(title, due) for *_, title, due in rows]
        subject, body = reminder_text(items, today)
        pending.append((NewNotification(user_id, subject, body, dashboard), email, name))
        if len(pending) >= CHUNK:
            flush_pending()
    if pending:
        flush_pending()
    return written
