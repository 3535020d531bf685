"""Creating, listing and reading notifications. Functions flush; callers commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select, update

from lms.database import insert_ignoring_duplicates
from lms.extensions import db
from lms.notifications.models import Notification
from lms.timeutil import utcnow


@dataclass(frozen=True)
class NewNotification:
    user_id: int
    subject: str
    body: str = ""
    link: str = ""


def add_daily_notifications(
    kind: str, day: date, entries: Sequence[NewNotification]
) -> dict[int, int]:
    """Add a notification of `kind` for `day` to each user who has none yet (one statement).

    Returns {user id: notification id} for those added: a user who already had one that day
    is skipped, even when another job adds it at the same moment (the unique constraint).
    """
    if not entries:
        return {}
    now = utcnow()
    rows = [
        {
            "user_id": entry.user_id,
            "kind": kind,
            "day": day,
            "subject": entry.subject[:200],
            "body": entry.body,
            "link": entry.link[:500],
            "created_at": now,
        }
        for entry in entries
    ]
    added = db.session.execute(
        insert_ignoring_duplicates(Notification).returning(Notification.user_id, Notification.id),
        rows,
    ).all()
    return dict(added)


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def notifications_query(user_id: int):
    """A user's notifications, newest first (for paging)."""
    return (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def recent_notifications(user_id: int, limit: int = 5) -> list[Notification]:
    return list(db.session.scalars(notifications_query(user_id).limit(limit)))


def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def mark_emailed(notification_ids: Sequence[int]) -> None:
    if notification_ids:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(list(notification_ids)))
            .values(emailed_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def add_notifications(kind: str, entries: Sequence[NewNotification]) -> None:
    """Add one notification of `kind` for each entry (events that happen once: a submission to
    mark, a marking released), in one statement."""
    if not entries:
        return
    now = utcnow()
    db.session.execute(
        insert(Notification),
        [
            {
                "user_id": entry.user_id,
                "kind": kind,
                "subject": entry.subject[:200],
                "body": entry.body,
                "link": entry.link[:500],
                "created_at": now,
            }
            for entry in entries
        ],
    )
