"""Server-side sessions and login throttling.

The session cookie carries only a random token naming a row of `user_sessions`. Logout deletes
that row; a password change or a deactivation deletes all of the user's rows. A cookie copied
before any of those is then worthless.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload, selectinload

from lms.accounts.models import LoginFailure, User, UserSession
from lms.accounts.passwords import verify_password
from lms.extensions import db
from lms.timeutil import utcnow


def normalise_email(email: str) -> str:
    return email.strip().lower()


def open_session(user: User, *, lifetime_seconds: int) -> UserSession:
    """Create a new server-side session for `user` and make it the user's current one."""
    row = UserSession(
        token=secrets.token_urlsafe(32),
        user_id=user.id,
        expires_at=utcnow() + timedelta(seconds=lifetime_seconds),
    )
    db.session.add(row)
    user.current_session_token = row.token
    return row


def load_session_user(token: str) -> User | None:
    """The active user owning an unexpired session `token`, or None."""
    row = db.session.scalar(
        select(UserSession)
        .options(
            joinedload(UserSession.user).joinedload(User.unit),
            joinedload(UserSession.user).joinedload(User.position),
            joinedload(UserSession.user).selectinload(User.role_rows),
        )
        .where(UserSession.token == token, UserSession.expires_at > utcnow())
    )
    if row is None or not row.user.active:
        return None
    row.user.current_session_token = row.token
    return row.user


def close_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token == token))


def close_all_sessions(user_id: int) -> int:
    """End every session of a user; returns how many there were."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return result.rowcount or 0


def purge_expired_sessions(*, failure_window_seconds: int) -> tuple[int, int]:
    """Delete expired sessions and login failures older than the window; returns the counts."""
    now = utcnow()
    sessions = db.session.execute(delete(UserSession).where(UserSession.expires_at <= now))
    failures = db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.at < now - timedelta(seconds=failure_window_seconds)
        )
    )
    return sessions.rowcount or 0, failures.rowcount or 0


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    locked_until: datetime | None = None

    @property
    def succeeded(self) -> bool:
        return self.user is not None


def account_locked_until(
    email_key: str, *, max_failures: int, window_seconds: int
) -> datetime | None:
    """When the lock on this email ends, if `max_failures` failures fall inside the window."""
    since = utcnow() - timedelta(seconds=window_seconds)
    count, newest = db.session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(
            LoginFailure.email_key == email_key, LoginFailure.at > since
        )
    ).one()
    if count < max_failures or newest is None:
        return None
    return newest + timedelta(seconds=window_seconds)


def authenticate(
    email: str,
    password: str,
    *,
    remote_addr: str,
    max_failures: int,
    window_seconds: int,
) -> LoginOutcome:
    """Check credentials under the per-account throttle.

    Unknown emails, wrong passwords and deactivated accounts all count as failures and give the
    same outcome, so the answer never reveals whether an account exists. Once `max_failures`
    fall inside the window, even the right password is refused until the lock ends.
    """
    email_key = normalise_email(email)[:254]
    locked_until = account_locked_until(
        email_key, max_failures=max_failures, window_seconds=window_seconds
    )
    if locked_until is not None:
        return LoginOutcome(user=None, locked_until=locked_until)
    user = db.session.scalar(
        select(User).options(selectinload(User.role_rows)).where(User.email == email_key)
    )
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is not None and password_ok and user.active:
        return LoginOutcome(user=user)
    db.session.add(LoginFailure(email_key=email_key, remote_addr=remote_addr[:64]))
    db.session.flush()
    locked_until = account_locked_until(
        email_key, max_failures=max_failures, window_seconds=window_seconds
    )
    return LoginOutcome(user=None, locked_until=locked_until)
