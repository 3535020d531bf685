"""Backups of the embedded SQLite database: `flask backup create` and `flask backup restore`.

Both go through SQLite's online backup API, never a file copy of the live database: the copy
is one read transaction, so it is a consistent snapshot (WAL frames included) while the
platform goes on writing, and a restore writes into the live database under SQLite's own
locks, so running processes never see a half-written or swapped file.

A backup is written beside its destination, checked (`PRAGMA integrity_check`) and only then
renamed into place, as a self-contained file (rollback journal, not WAL). A restore first
checks the file (a SQLite database, intact, of this code's schema revision) on a staged copy;
only then is the current database copied aside to a timestamped file and replaced.

PostgreSQL is backed up with its own tools (pg_dump / pg_restore, see README.md): these
functions refuse it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import sqlite3
import time
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL

from lms.errors import DomainError
from lms.timeutil import utcnow

SQLITE_HEADER = b"SQLite format 3\x00"
# Primary result codes of a file that is damaged or not a database at all.
UNREADABLE_DATABASE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
BUSY_TIMEOUT_SECONDS = 15.0
POSTGRESQL_ADVICE = (
    "The configured database is PostgreSQL: back it up with its own tools, "
    "`pg_dump -Fc` to make a backup and `pg_restore` to restore it (see the Backups section "
    "of README.md)."
)


class BackupError(DomainError):
    """A backup or restore refused or failed; the message says why and what was left."""


@dataclass(frozen=True)
class Schema:
    """What a database of this code holds: its Alembic revision(s) and its tables."""

    revisions: frozenset[str]
    tables: frozenset[str]


@dataclass(frozen=True)
class DatabaseFacts:
    """What a checked copy holds."""

    revisions: frozenset[str]
    row_counts: dict[str, int]
    size_bytes: int

    @property
    def rows(self) -> int:
        return sum(self.row_counts.values())

    def describe(self) -> str:
        revision = ", ".join(sorted(self.revisions)) or "none"
        return (
            f"{len(self.row_counts)} tables, {self.rows} rows, schema revision {revision}, "
            f"{self.size_bytes / 1_048_576:.1f} MiB"
        )


@dataclass(frozen=True)
class BackupReport:
    path: Path
    facts: DatabaseFacts
    seconds: float

    def report(self) -> str:
        return (
            f"Backup written to {self.path} in {self.seconds:.2f} s and verified "
            f"(integrity check ok): {self.facts.describe()}."
        )


@dataclass(frozen=True)
class RestoreReport:
    backup: Path
    database: Path
    previous: Path | None
    facts: DatabaseFacts
    seconds: float

    def report(self) -> str:
        kept = (
            f" The previous database was kept as {self.previous}."
            if self.previous
            else " There was no database before."
        )
        return f"Restored {self.database} in {self.seconds:.2f} s: {self.facts.describe()}.{kept}"


def code_schema() -> Schema:
    """This code's schema: the head revision(s) of migrations/ and the models' tables (read
    once the app has imported its models, i.e. inside create_app's app)."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    from lms import MIGRATIONS_DIR
    from lms.extensions import db

    config = AlembicConfig()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    heads = ScriptDirectory.from_config(config).get_heads()
    return Schema(frozenset(heads), frozenset(db.metadata.tables) | {"alembic_version"})


def sqlite_database_path(url: URL) -> Path:
    """The file of the configured SQLite database; PostgreSQL and in-memory databases are
    refused with what to do instead."""
    backend = url.get_backend_name()
    if backend == "postgresql":
        raise BackupError(POSTGRESQL_ADVICE)
    if backend != "sqlite":
        raise BackupError(f"Backups handle the embedded SQLite database, not {backend}.")
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory"):
        raise BackupError("The configured SQLite database is in memory: there is no file.")
    return Path(url.database).resolve()


def backup_file_name(moment: datetime) -> str:
    return f"lms-{moment:%Y%m%dT%H%M%SZ}.sqlite3"


def create_backup(database: Path, destination: Path) -> BackupReport:
    """Copy the live database to `destination` (a new file, or a folder to put a timestamped
    file in) while the platform runs, then verify the copy.

    The copy is taken in one step of the backup API: one read transaction, so writers go on
    (WAL) and the copy is the database as of one commit. Until it is verified the copy has a
    hidden name beside the destination; a failure leaves no file behind.
    """
    started = time.perf_counter()
    if not database.is_file():
        raise BackupError(f"There is no database at {database} to back up.")
    if destination.is_dir():
        destination = destination / backup_file_name(utcnow())
    destination = destination.resolve()
    if destination.exists():
        raise BackupError(f"{destination} already exists: choose a new name or a folder.")
    if not destination.parent.is_dir():
        raise BackupError(f"There is no folder {destination.parent} to write the backup in.")
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    try:
        _create_private_file(partial)
        with closing(_connect_existing(database)) as source, closing(_connect(partial)) as copy:
            source.backup(copy)
            # A file that stands alone: no -wal beside it to lose when it is moved.
            copy.execute("PRAGMA journal_mode=DELETE")
        facts = inspect_copy(partial)
        _fsync(partial)
        os.replace(partial, destination)
        _fsync(destination.parent)
    except sqlite3.Error as error:
        raise BackupError(f"The backup failed and nothing was written: {error}.") from error
    finally:
        _remove_with_journals(partial)
    return BackupReport(destination, facts, time.perf_counter() - started)


def restore_backup(backup: Path, database: Path, schema: Schema) -> RestoreReport:
    """Put the contents of `backup` into `database`, keeping the current one aside.

    Refused, with nothing changed, unless the backup is an intact SQLite database of this
    code's schema revision. A database that exists is first copied aside (online, to
    `<name>.before-restore-<UTC time>`), then overwritten through the backup API, so
    processes that have it open see the restored data at their next transaction. A missing
    database (a fresh instance) is put in place by an atomic rename.
    """
    started = time.perf_counter()
    backup = backup.resolve()
    _check_is_sqlite_file(backup)
    stamp = f"{utcnow():%Y%m%dT%H%M%SZ}"
    database.parent.mkdir(parents=True, exist_ok=True)
    staged = database.with_name(f".{database.name}.restore-{stamp}-{os.getpid()}")
    try:
        # Checked on a copy: SQLite never opens the backup itself, so it is never changed
        # (not even a leftover journal rolled back).
        _create_private_file(staged)
        shutil.copyfile(backup, staged)
        facts = _check_schema(_inspect_staged(staged, backup), schema, backup)
        if database.exists():
            previous = _replace_live_database(staged, database, stamp)
        else:
            previous = _install_new_database(staged, database, stamp)
    finally:
        _remove_with_journals(staged)
    return RestoreReport(backup, database, previous, facts, time.perf_counter() - started)


def record_restore(report: RestoreReport, *, restored_by: str) -> None:
    """Write the restore into the audit log of the database it restored (flushed; the caller
    commits). The log was rolled back with everything else, so without this entry nothing
    would say that the records after the backup's moment were undone, by whom, from which file.
    """
    from lms.audit.services import AuditAction, record_audit

    record_audit(
        AuditAction.DATABASE_RESTORED,
        actor_id=None,
        target_type="database",
        summary=f"Database restored from {report.backup} by {restored_by}.",
        after={
            "backup": str(report.backup),
            "restored_by": restored_by,
            "previous_kept_as": str(report.previous) if report.previous else None,
            "schema_revision": sorted(report.facts.revisions),
        },
    )


def operating_system_user() -> str:
    """Who runs this process: the account of its effective user id, and the account that
    called sudo, when it did (the name root alone says little)."""
    try:
        name = pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        name = f"uid {os.geteuid()}"
    invoker = os.environ.get("SUDO_USER")
    return f"{name} (sudo by {invoker})" if invoker and invoker != name else name


def inspect_copy(path: Path, shown_as: Path | None = None) -> DatabaseFacts:
    """Integrity-check a database file that nobody else uses and count its rows (messages
    name the file `shown_as`, when the file checked is a staged copy of it)."""
    with closing(_connect(path)) as connection:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(
                f"{shown_as or path} fails SQLite's integrity check: {'; '.join(problems[:5])}."
            )
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {}
        for table in tables:
            query = f'SELECT count(*) FROM "{table}"'  # noqa: S608 (a name from sqlite_master)
            counts[table] = connection.execute(query).fetchone()[0]
        revisions = (
            frozenset(
                row[0] for row in connection.execute("SELECT version_num FROM alembic_version")
            )
            if "alembic_version" in counts
            else frozenset()
        )
    return DatabaseFacts(revisions, counts, path.stat().st_size)


# --- internals -------------------------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return connection


def _connect_existing(path: Path) -> sqlite3.Connection:
    """A connection to a database that must already exist (never creates an empty one)."""
    connection = sqlite3.connect(
        f"{path.as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
    )
    connection.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return connection


def _check_is_sqlite_file(backup: Path) -> None:
    if not backup.exists():
        raise BackupError(f"There is no file {backup}. Nothing was changed.")
    if not backup.is_file():
        raise BackupError(f"{backup} is not a file. Nothing was changed.")
    with backup.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise BackupError(
            f"{backup} is not a SQLite database (it does not start with SQLite's header), so "
            "it is not a backup made by `flask backup create`. Nothing was changed."
        )


def _inspect_staged(staged: Path, backup: Path) -> DatabaseFacts:
    try:
        with closing(_connect(staged)) as connection:
            connection.execute("PRAGMA journal_mode=DELETE")
        return inspect_copy(staged, shown_as=backup)
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"{backup} is not a usable SQLite database ({error}). Nothing was changed."
        ) from error
    except BackupError as error:
        raise BackupError(f"{error.message} Nothing was changed.") from error


def _check_schema(facts: DatabaseFacts, schema: Schema, backup: Path) -> DatabaseFacts:
    if "alembic_version" not in facts.row_counts:
        raise BackupError(
            f"{backup} is a SQLite database but not one of this platform (it has no "
            "alembic_version table). Nothing was changed."
        )
    if facts.revisions != schema.revisions:
        found = ", ".join(sorted(facts.revisions)) or "none"
        wanted = ", ".join(sorted(schema.revisions))
        raise BackupError(
            f"{backup} holds schema revision {found}, but this code's schema is revision "
            f"{wanted}. Restore it with the version of the platform that made it (then run "
            "`flask db upgrade` to bring it forward). Nothing was changed."
        )
    missing = sorted(schema.tables - set(facts.row_counts))
    if missing:
        raise BackupError(
            f"{backup} has this code's schema revision but lacks the tables "
            f"{', '.join(missing)}: it is not a database of this platform. Nothing was changed."
        )
    return facts


def _replace_live_database(staged: Path, database: Path, stamp: str) -> Path:
    """Copy the live database aside, then write the staged one into it (online)."""
    previous = database.with_name(f"{database.name}.before-restore-{stamp}")
    try:
        _create_private_file(previous)
        with closing(_connect_existing(database)) as live, closing(_connect(previous)) as aside:
            live.backup(aside)
            aside.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.DatabaseError as error:
        _remove_with_journals(previous)
        if error.sqlite_errorcode & 0xFF not in UNREADABLE_DATABASE_CODES:
            raise BackupError(
                f"The current database {database} could not be copied aside ({error}). "
                "Nothing was changed."
            ) from error
        # The current database cannot be read (damaged, or not SQLite at all): nothing can be
        # using it usefully, so its files are moved aside as they are.
        return _install_new_database(staged, database, stamp)
    try:
        with closing(_connect_existing(database)) as live, closing(_connect(staged)) as source:
            # The backup API cannot change the page size of a WAL database: match it first.
            page_size = live.execute("PRAGMA page_size").fetchone()[0]
            if source.execute("PRAGMA page_size").fetchone()[0] != page_size:
                source.execute(f"PRAGMA page_size={int(page_size)}")
                source.execute("VACUUM")
            source.backup(live)
    except sqlite3.Error as error:
        raise BackupError(
            f"Restoring into {database} failed ({error}); SQLite rolled the write back, and "
            f"the database as it was is also kept in {previous}."
        ) from error
    return previous


def _install_new_database(staged: Path, database: Path, stamp: str) -> Path | None:
    """Rename the staged copy into place (WAL, as the platform runs it). Files found at the
    database's name (a damaged database, or a stray -wal/-shm that SQLite would otherwise
    apply to the new file) are renamed aside first."""
    with closing(_connect(staged)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    _fsync(staged)
    previous = None
    for suffix in ("", "-wal", "-shm"):
        found = database.with_name(database.name + suffix)
        if found.exists():
            aside = database.with_name(f"{database.name}.before-restore-{stamp}{suffix}")
            os.replace(found, aside)
            previous = previous or aside
    os.replace(staged, database)
    _fsync(database.parent)
    return previous


def _create_private_file(path: Path) -> None:
    """An empty file only the owner can read (a database holds password hashes and sessions);
    refuses to reuse a name that exists."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise BackupError(f"{path} exists already; try again in a second.") from None


def _remove_with_journals(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def _fsync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk, so a rename is not seen before the data."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
