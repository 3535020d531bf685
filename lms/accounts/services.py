"""Account operations: create, edit, roles, deactivation, passwords. They flush; the caller
commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select

from lms.accounts.models import ROLE_VALUES, User, UserRole
from lms.accounts.passwords import (
    generate_temporary_password,
    hash_password,
    password_problems,
    verify_password,
)
from lms.accounts.sessions import close_all_sessions, normalise_email
from lms.audit.services import AuditAction, record_audit
from lms.database import get_or_raise
from lms.errors import Conflict, ValidationError
from lms.events import announce_placement_changes
from lms.extensions import db
from lms.organisation.models import JobPosition, OrgUnit


@dataclass(frozen=True)
class UserDetails:
    email: str
    full_name: str
    service_number: str
    unit_id: int
    position_id: int | None


def get_user(user_id: int) -> User:
    return get_or_raise(User, user_id, f"No user with id {user_id}.")


def matches_search(term: str) -> ColumnElement[bool]:
    """Users whose name, email or service number contains `term` (any case, taken literally:
    % and _ are not wildcards)."""
    term = term.strip().lower()
    return or_(
        func.lower(User.full_name).contains(term, autoescape=True),
        User.email.contains(term, autoescape=True),
        func.lower(User.service_number).contains(term, autoescape=True),
    )


def _check_unique(details: UserDetails, *, exclude_id: int | None = None) -> None:
    email = normalise_email(details.email)
    clash = db.session.scalar(
        select(User).where(
            (User.email == email) | (User.service_number == details.service_number.strip()),
            User.id != (exclude_id or 0),
        )
    )
    if clash is not None:
        if clash.email == email:
            raise Conflict(f"Another account already uses the email {email}.")
        raise Conflict(f"Another account already has service number {details.service_number}.")
    if db.session.get(OrgUnit, details.unit_id) is None:
        raise ValidationError("The organisation unit does not exist.")
    if details.position_id is not None and db.session.get(JobPosition, details.position_id) is None:
        raise ValidationError("The job position does not exist.")


def _snapshot(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "service_number": user.service_number,
        "unit_id": user.unit_id,
        "position_id": user.position_id,
        "roles": sorted(user.roles),
        "active": user.active,
    }


def create_user(
    details: UserDetails, roles: list[str], *, actor_id: int | None, password: str | None = None
) -> User:
    """Create an account. Without a password the user cannot log in until an admin resets it."""
    _check_unique(details)
    bad = [role for role in roles if role not in ROLE_VALUES]
    if bad:
        raise ValidationError(f"Unknown role: {', '.join(bad)}.")
    user = User(
        email=normalise_email(details.email),
        full_name=details.full_name.strip(),
        service_number=details.service_number.strip(),
        unit_id=details.unit_id,
        position_id=details.position_id,
        active=True,
    )
    if password is not None:
        problems = password_problems(password, email=user.email, full_name=user.full_name)
        if problems:
            raise ValidationError(" ".join(problems))
        user.password_hash = hash_password(password)
    user.role_rows = [UserRole(role=role) for role in sorted(set(roles))]
    db.session.add(user)
    db.session.flush()
    announce_placement_changes([user.id])
    record_audit(
        AuditAction.USER_CREATED,
        actor_id=actor_id,
        target_type="user",
        target_id=user.id,
        summary=f"Created {user.email}",
        after=_snapshot(user),
    )
    return user


def update_user(user: User, details: UserDetails, *, actor_id: int) -> User:
    """Change an account's identity and placement."""
    _check_unique(details, exclude_id=user.id)
    before = _snapshot(user)
    user.email = normalise_email(details.email)
    user.full_name = details.full_name.strip()
    user.service_number = details.service_number.strip()
    user.unit_id = details.unit_id
    user.position_id = details.position_id
    db.session.flush()
    after = _snapshot(user)
    if (after["unit_id"], after["position_id"]) != (before["unit_id"], before["position_id"]):
        announce_placement_changes([user.id])
    if after != before:
        record_audit(
            AuditAction.USER_UPDATED,
            actor_id=actor_id,
            target_type="user",
            target_id=user.id,
            summary=f"Updated {user.email}",
            before=before,
            after=after,
        )
    return user


def set_roles(user: User, roles: set[str], *, actor_id: int) -> User:
    """Grant and remove roles so the user holds exactly `roles`; effective on the next request."""
    bad = sorted(role for role in roles if role not in ROLE_VALUES)
    if bad:
        raise ValidationError(f"Unknown role: {', '.join(bad)}.")
    if user.id == actor_id and "admin" in user.roles and "admin" not in roles:
        raise ValidationError("You cannot remove your own admin role.")
    current = user.roles
    for role in sorted(roles - current):
        user.role_rows.append(UserRole(role=role))
        record_audit(
            AuditAction.ROLE_GRANTED,
            actor_id=actor_id,
            target_type="user",
            target_id=user.id,
            summary=f"Granted {role} to {user.email}",
            before={"roles": sorted(current)},
            after={"roles": sorted(roles)},
        )
    for row in [row for row in user.role_rows if row.role not in roles]:
        user.role_rows.remove(row)
        record_audit(
            AuditAction.ROLE_REMOVED,
            actor_id=actor_id,
            target_type="user",
            target_id=user.id,
            summary=f"Removed {row.role} from {user.email}",
            before={"roles": sorted(current)},
            after={"roles": sorted(roles)},
        )
    db.session.flush()
    if ("officer" in current) != ("officer" in roles):
        announce_placement_changes([user.id])
    return user


def set_active(user: User, active: bool, *, actor_id: int) -> User:
    """Deactivate (ending every session at once) or reactivate an account."""
    if user.active == active:
        return user
    if not active and user.id == actor_id:
        raise ValidationError("You cannot deactivate your own account.")
    user.active = active
    if not active:
        close_all_sessions(user.id)
    record_audit(
        AuditAction.USER_DEACTIVATED if not active else AuditAction.USER_REACTIVATED,
        actor_id=actor_id,
        target_type="user",
        target_id=user.id,
        summary=f"{'Deactivated' if not active else 'Reactivated'} {user.email}",
        before={"active": not active},
        after={"active": active},
    )
    db.session.flush()
    announce_placement_changes([user.id])
    return user


def reset_password(user: User, *, actor_id: int) -> str:
    """Give the user a one-time password to change at next login; ends their sessions."""
    temporary = generate_temporary_password()
    before = {
        "had_password": user.password_hash is not None,
        "must_change_password": bool(user.must_change_password),
    }
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    sessions_ended = close_all_sessions(user.id)
    record_audit(
        AuditAction.PASSWORD_RESET,
        actor_id=actor_id,
        target_type="user",
        target_id=user.id,
        summary=f"Reset the password of {user.email}",
        before=before,
        after={"must_change_password": True, "sessions_ended": sessions_ended},
    )
    db.session.flush()
    return temporary


def change_password(user: User, current: str, new: str) -> None:
    """The user's own change: checks the current password and the policy, then ends every
    session, this one included (the caller opens a fresh one)."""
    if not verify_password(user.password_hash, current):
        raise ValidationError("The current password is not correct.")
    problems = password_problems(new, email=user.email, full_name=user.full_name)
    if problems:
        raise ValidationError(" ".join(problems))
    if verify_password(user.password_hash, new):
        raise ValidationError("Choose a password different from the current one.")
    was_temporary = bool(user.must_change_password)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    sessions_ended = close_all_sessions(user.id)
    record_audit(
        AuditAction.PASSWORD_CHANGED,
        actor_id=user.id,
        target_type="user",
        target_id=user.id,
        summary=f"{user.email} changed their password",
        before={"must_change_password": was_temporary},
        after={"must_change_password": False, "sessions_ended": sessions_ended},
    )
    db.session.flush()
