"""Bulk user import from CSV: validation (pure) and the all-or-nothing run.

Columns: email, full_name, service_number, unit_code, position_code, roles. Roles are separated
by ";" (empty means officer). Line numbers are those of the file, the header being line 1.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import ROLE_VALUES, User, UserImport, UserRole
from lms.audit.services import AuditAction, record_audit
from lms.csvfiles import RowError, csv_reader, data_rows
from lms.database import get_or_raise
from lms.errors import ValidationError
from lms.events import announce_placement_changes
from lms.extensions import db
from lms.organisation.models import JobPosition, OrgUnit
from lms.timeutil import utcnow

COLUMNS = ("email", "full_name", "service_number", "unit_code", "position_code", "roles")
REQUIRED_COLUMNS = ("email", "full_name", "service_number", "unit_code")
CHUNK_SIZE = 500
ABANDONED_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class ImportRow:
    line: int
    email: str
    full_name: str
    service_number: str
    unit_code: str
    position_code: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Directory:
    """What a CSV is checked against: codes and identifiers already in the database."""

    unit_ids: dict[str, int]
    position_ids: dict[str, int]
    emails: frozenset[str]
    service_numbers: frozenset[str]


@dataclass
class ImportCheck:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def parse_rows(text: str) -> tuple[list[ImportRow], list[RowError]]:
    """Read the CSV text into rows, reporting malformed lines and a wrong header."""
    reader = csv_reader(text)
    errors: list[RowError] = []
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        return [], [RowError(1, "The file has no header line.")]
    except csv.Error as error:
        return [], [RowError(1, f"The header cannot be read: {error}.")]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    repeated = sorted({name for name in header if name in COLUMNS and header.count(name) > 1})
    if missing or unknown or repeated:
        parts = []
        if missing:
            parts.append("missing column(s): " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s): " + ", ".join(f"'{name}'" for name in unknown))
        if repeated:
            parts.append("repeated column(s): " + ", ".join(repeated))
        return [], [
            RowError(1, "Header: " + "; ".join(parts) + f". Expected: {', '.join(COLUMNS)}.")
        ]
    index = {name: header.index(name) for name in header}
    rows: list[ImportRow] = []
    width_rule = f"the header has {len(header)}"
    for start, values in data_rows(reader, errors, width=len(header), width_rule=width_rule):

        def value(name: str, values: list[str] = values) -> str:
            return values[index[name]].strip() if name in index else ""

        roles = tuple(
            sorted({role.strip().lower() for role in value("roles").split(";") if role.strip()})
        ) or ("officer",)
        rows.append(
            ImportRow(
                start,
                value("email"),
                value("full_name"),
                value("service_number"),
                value("unit_code"),
                value("position_code"),
                roles,
            )
        )
    return rows, errors


def check_rows(rows: Iterable[ImportRow], directory: Directory) -> list[RowError]:
    """Every problem with the rows against the directory and against each other."""
    errors: list[RowError] = []
    seen_emails: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    for row in rows:
        problems = [
            *_email_problems(row, directory, seen_emails),
            *_full_name_problems(row),
            *_service_number_problems(row, directory, seen_numbers),
            *_placement_problems(row, directory),
        ]
        if row.email:
            seen_emails.setdefault(row.email.lower(), row.line)
        if row.service_number:
            seen_numbers.setdefault(row.service_number, row.line)
        if problems:
            # Capital first letter only: str.capitalize() would lower-case the codes quoted.
            message = "; ".join(problems)
            errors.append(RowError(row.line, message[0].upper() + message[1:] + "."))
    return errors


def _email_problems(row: ImportRow, directory: Directory, seen: dict[str, int]) -> list[str]:
    problems: list[str] = []
    email = row.email.lower()
    if not row.email:
        problems.append("email is empty")
    else:
        try:
            validate_email(row.email, check_deliverability=False)
        except EmailNotValidError:
            problems.append(f"'{row.email}' is not a valid email address")
    if email and email in seen:
        problems.append(f"duplicate email {email} (also on line {seen[email]})")
    elif email in directory.emails:
        problems.append(f"an account with email {email} already exists")
    return problems


def _full_name_problems(row: ImportRow) -> list[str]:
    if not row.full_name:
        return ["full name is empty"]
    if len(row.full_name) > 200:
        return ["full name is longer than 200 characters"]
    return []


def _service_number_problems(
    row: ImportRow, directory: Directory, seen: dict[str, int]
) -> list[str]:
    number = row.service_number
    if not number:
        return ["service number is empty"]
    if len(number) > 32:
        return ["service number is longer than 32 characters"]
    if number in seen:
        return [f"duplicate service number {number} (also on line {seen[number]})"]
    if number in directory.service_numbers:
        return [f"service number {number} is already in use"]
    return []


def _placement_problems(row: ImportRow, directory: Directory) -> list[str]:
    """Unknown unit or position codes and roles that do not exist."""
    problems: list[str] = []
    if row.unit_code not in directory.unit_ids:
        problems.append(f"unknown unit code '{row.unit_code}'")
    if row.position_code and row.position_code not in directory.position_ids:
        problems.append(f"unknown position code '{row.position_code}'")
    bad_roles = [role for role in row.roles if role not in ROLE_VALUES]
    if bad_roles:
        problems.append(f"bad role(s) {', '.join(bad_roles)}; allowed: {', '.join(ROLE_VALUES)}")
    return problems


def load_directory() -> Directory:
    """Codes and identifiers from the database, in four queries whatever the file's size."""
    return Directory(
        unit_ids=dict(db.session.execute(select(OrgUnit.code, OrgUnit.id)).all()),
        position_ids=dict(db.session.execute(select(JobPosition.code, JobPosition.id)).all()),
        emails=frozenset(db.session.scalars(select(User.email))),
        service_numbers=frozenset(db.session.scalars(select(User.service_number))),
    )


def check_csv(text: str, *, max_rows: int) -> ImportCheck:
    rows, errors = parse_rows(text)
    if not errors and not rows:
        errors = [RowError(2, "The file has a header but no users.")]
    if len(rows) > max_rows:
        errors.append(RowError(1, f"The file has {len(rows)} users; the limit is {max_rows}."))
    errors.extend(check_rows(rows, load_directory()))
    errors.sort(key=lambda error: error.line)
    return ImportCheck(rows=rows, errors=errors)


def create_import(
    text: str, filename: str, *, actor_id: int, max_rows: int
) -> tuple[UserImport, ImportCheck]:
    """Record an uploaded CSV with its check; only a clean file can be confirmed."""
    check = check_csv(text, max_rows=max_rows)
    user_import = UserImport(
        created_by_id=actor_id,
        filename=filename[:255],
        csv_text=text,
        status="previewed" if check.ok else "rejected",
        total_rows=len(check.rows),
        message="" if check.ok else f"{len(check.errors)} problem(s) found; nothing imported.",
    )
    db.session.add(user_import)
    db.session.flush()
    return user_import, check


def get_import(import_id: int) -> UserImport:
    return get_or_raise(UserImport, import_id, f"No user import with id {import_id}.")


def confirm_import(user_import: UserImport) -> None:
    """Mark a previewed import as queued; the caller commits and the job runs it."""
    if user_import.status != "previewed":
        raise ValidationError(f"This import is {user_import.status}; it cannot be started again.")
    user_import.status = "queued"
    user_import.queued_at = utcnow()
    db.session.flush()


def run_import(import_id: int, *, commit: Callable[[], None], max_rows: int) -> UserImport:
    """Create every user of a queued import, or none.

    The file is checked again (the directory may have changed since the preview), then users are
    written in chunks, committing progress so the admin can follow it. Should a chunk fail, the
    users this import already wrote are deleted and the import is marked failed.
    """
    user_import = get_import(import_id)
    was_running = user_import.status == "running"
    if not _claim(import_id):
        # Finished already (a duplicate delivery), or another worker is running it now.
        db.session.refresh(user_import)
        return user_import
    db.session.refresh(user_import)
    if was_running:
        _remove_imported_users(import_id)  # a worker died mid-run: start this import afresh
    user_import.processed_rows = 0
    commit()
    check = check_csv(user_import.csv_text, max_rows=max_rows)
    if not check.ok:
        return _fail(
            user_import,
            "The file no longer passes its checks: "
            + " ".join(f"Line {e.line}: {e.message}" for e in check.errors[:20]),
            commit,
        )
    directory = load_directory()
    try:
        for start in range(0, len(check.rows), CHUNK_SIZE):
            chunk = check.rows[start : start + CHUNK_SIZE]
            announce_placement_changes(_insert_chunk(chunk, directory, import_id))
            user_import.processed_rows = start + len(chunk)
            user_import.heartbeat_at = utcnow()
            commit()
    except IntegrityError as error:
        db.session.rollback()
        _remove_imported_users(import_id)
        return _fail(
            get_import(import_id),
            f"A conflicting account appeared during the import "
            f"({error.orig}); nothing was imported.",
            commit,
        )
    user_import.status = "done"
    user_import.finished_at = utcnow()
    user_import.message = f"{len(check.rows)} users imported."
    record_audit(
        AuditAction.USERS_IMPORTED,
        actor_id=user_import.created_by_id,
        target_type="user_import",
        target_id=import_id,
        summary=f"Imported {len(check.rows)} users from {user_import.filename}",
        after={"users": len(check.rows)},
    )
    commit()
    return user_import


def _claim(import_id: int) -> bool:
    """Mark the import running for this worker, atomically: a queued import, or a running one
    whose worker stopped beating. False when another worker has it or it is finished."""
    now = utcnow()
    claimed = db.session.execute(
        update(UserImport)
        .where(
            UserImport.id == import_id,
            (UserImport.status == "queued")
            | (
                (UserImport.status == "running")
                & (
                    UserImport.heartbeat_at.is_(None)
                    | (UserImport.heartbeat_at < now - ABANDONED_AFTER)
                )
            ),
        )
        .values(status="running", heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _insert_chunk(chunk: list[ImportRow], directory: Directory, import_id: int) -> list[int]:
    """Insert a chunk of users with their roles (two statements); returns their ids."""
    now = utcnow()
    ids = (
        db.session.execute(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": row.email.lower(),
                    "full_name": row.full_name,
                    "service_number": row.service_number,
                    "unit_id": directory.unit_ids[row.unit_code],
                    "position_id": directory.position_ids.get(row.position_code),
                    "active": True,
                    "must_change_password": False,
                    "created_at": now,
                    "import_id": import_id,
                }
                for row in chunk
            ],
        )
        .scalars()
        .all()
    )
    db.session.execute(
        insert(UserRole),
        [
            {"user_id": user_id, "role": role}
            for user_id, row in zip(ids, chunk, strict=True)
            for role in row.roles
        ],
    )
    return list(ids)


def _remove_imported_users(import_id: int) -> None:
    imported = select(User.id).where(User.import_id == import_id).scalar_subquery()
    db.session.execute(delete(UserRole).where(UserRole.user_id.in_(imported)))
    db.session.execute(delete(User).where(User.import_id == import_id))


def _fail(user_import: UserImport, message: str, commit: Callable[[], None]) -> UserImport:
    user_import.status = "failed"
    user_import.message = message
    user_import.finished_at = utcnow()
    commit()
    return user_import
