"""Recording and listing audit entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.audit.models import AuditEntry
from lms.extensions import db


class AuditAction:
    ROLE_GRANTED = "role.granted"
    ROLE_REMOVED = "role.removed"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    PASSWORD_RESET = "password.reset"  # noqa: S105 (an action name, not a secret)
    PASSWORD_CHANGED = "password.changed"  # noqa: S105
    USERS_IMPORTED = "users.imported"
    UNIT_CREATED = "unit.created"
    UNIT_UPDATED = "unit.updated"
    POSITION_CREATED = "position.created"
    POSITION_UPDATED = "position.updated"
    REQUIREMENT_SET = "requirement.set"
    REQUIREMENT_REMOVED = "requirement.removed"
    FRAMEWORK_UPDATED = "framework.updated"
    FRAMEWORK_IMPORTED = "framework.imported"
    COMPETENCY_CREATED = "competency.created"
    COMPETENCY_UPDATED = "competency.updated"
    CERTIFICATE_REVOKED = "certificate.revoked"
    DATABASE_RESTORED = "database.restored"


def record_audit(
    action: str,
    *,
    actor_id: int | None,
    target_type: str = "",
    target_id: int | None = None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry to the audit log (flushed with the change it describes)."""
    entry = AuditEntry(
        action=action,
        actor_id=actor_id,
        target_type=target_type,
        target_id=target_id,
        summary=summary,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor_email: str | None = None
    target_type: str | None = None
    target_id: int | None = None
    since: date | None = None
    until: date | None = None


def audit_query(filters: AuditFilter) -> Select[tuple[AuditEntry]]:
    """Entries matching the filters, newest first, with their actors loaded."""
    query = (
        select(AuditEntry)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.target_type:
        query = query.where(AuditEntry.target_type == filters.target_type)
    if filters.target_id is not None:
        query = query.where(AuditEntry.target_id == filters.target_id)
    if filters.actor_email:
        query = query.join(User, User.id == AuditEntry.actor_id).where(
            User.email == filters.actor_email.strip().lower()
        )
    if filters.since:
        query = query.where(AuditEntry.at >= datetime.combine(filters.since, datetime.min.time()))
    if filters.until:
        # Up to the end of that day (9999-12-31 has no next day to stop before).
        end = datetime.combine(filters.until, datetime.max.time())
        query = query.where(AuditEntry.at <= end)
    return query
