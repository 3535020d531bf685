"""`flask backup create` / `flask backup restore` on a file-based SQLite database holding the
whole demo (administration, catalogue, attempts, evidence, assignments).

The backup is taken while another connection keeps committing; restored into a fresh
instance, every table holds what the live database held at one commit. Bad input is refused
with a message and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask

from config import TestingConfig
from lms import create_app
from lms.demo import load_demo
from lms.demo_organisation import DEMO_PASSWORDS
from lms.extensions import db
from lms.timeutil import utcnow
from tests.conftest import csrf_token_from

DATABASE_NAME = "lms.sqlite3"
WRITER_TABLE = "login_failures"
WRITER_KEY = "backup-test-writer"
# A restore adds its own entry to the restored audit log (test_a_restore_is_audited...).
AUDIT_TABLE = "audit_entries"


def instance_app(folder: Path) -> Flask:
    """The app on the SQLite file of an instance folder, as the embedded default runs it."""
    return create_app(
        TestingConfig,
        {
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / DATABASE_NAME}",
        },
    )


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with the whole demo loaded (built once for this module)."""
    folder = tmp_path_factory.mktemp("demo-instance")
    app = instance_app(folder)
    with app.app_context():
        flask_migrate.upgrade()
        load_demo(fast_hashing=True)
        db.session.commit()
        for load_feature_demo in app.extensions["demo_loaders"]:
            load_feature_demo()
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    database = folder / DATABASE_NAME
    assert not database.with_name(DATABASE_NAME + "-wal").exists()  # closed and checkpointed
    return database


@pytest.fixture
def live(demo_database: Path, tmp_path: Path) -> Path:
    """This test's own instance folder with a copy of the demo database; returns the folder."""
    folder = tmp_path / "live"
    folder.mkdir()
    shutil.copyfile(demo_database, folder / DATABASE_NAME)
    return folder


def run_cli(folder: Path, *args: str) -> tuple[int, str]:
    """Run `flask …` against the instance in `folder`; (exit code, output)."""
    app = instance_app(folder)
    result = app.test_cli_runner().invoke(args=list(args))
    with app.app_context():
        db.engine.dispose()
    return result.exit_code, result.output


def table_names(connection: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]


def table_digest(connection: sqlite3.Connection, table: str) -> tuple[int, str]:
    """(row count, SHA-256 of every row, in a fixed order) of one table."""
    rows = sorted(repr(row) for row in connection.execute(f'SELECT * FROM "{table}"'))  # noqa: S608
    return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()


def snapshot(database: Path) -> dict[str, tuple[int, str]]:
    with closing(sqlite3.connect(database)) as connection:
        return {table: table_digest(connection, table) for table in table_names(connection)}


def writer_rows(database: Path) -> list[tuple[int, str]]:
    """The rows the writer thread inserted, as (transaction number, part)."""
    with closing(sqlite3.connect(database)) as connection:
        rows = connection.execute(
            f"SELECT remote_addr FROM {WRITER_TABLE} WHERE email_key = ? ORDER BY id",  # noqa: S608
            (WRITER_KEY,),
        ).fetchall()
    return [(int(value.split(":")[0]), value.split(":")[1]) for (value,) in rows]


@dataclass
class Writer:
    """A thread committing two rows per transaction into the live database, until stopped."""

    database: Path
    committed: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    failure: BaseException | None = None

    def run(self) -> None:
        try:
            with closing(sqlite3.connect(self.database, timeout=15, isolation_level=None)) as c:
                while not self.stop.is_set():
                    c.execute("BEGIN IMMEDIATE")
                    for part in ("a", "b"):
                        c.execute(
                            f"INSERT INTO {WRITER_TABLE} (email_key, remote_addr, at) "  # noqa: S608
                            "VALUES (?, ?, CURRENT_TIMESTAMP)",
                            (WRITER_KEY, f"{self.committed}:{part}"),
                        )
                    c.execute("COMMIT")
                    self.committed += 1
        except BaseException as error:  # reported by the test
            self.failure = error

    def wait_for(self, transactions: int) -> None:
        while self.committed < transactions and self.failure is None:
            self.stop.wait(0.001)


@pytest.fixture
def writer(live: Path) -> Iterator[Writer]:
    writer = Writer(live / DATABASE_NAME)
    thread = threading.Thread(target=writer.run, daemon=True)
    thread.start()
    yield writer
    writer.stop.set()
    thread.join(10)


def test_a_backup_taken_during_writes_restores_every_record_into_a_fresh_instance(
    live, writer, tmp_path
):
    writer.wait_for(50)
    before = writer.committed
    code, output = run_cli(live, "backup", "create", str(tmp_path / "nightly.sqlite3"))
    assert code == 0, output
    after_backup = writer.committed
    writer.wait_for(after_backup + 50)  # and the writes went on after it
    writer.stop.set()
    assert writer.failure is None
    assert "verified (integrity check ok)" in output
    assert oct((tmp_path / "nightly.sqlite3").stat().st_mode & 0o777) == "0o600"

    fresh = tmp_path / "fresh"
    code, output = run_cli(fresh, "backup", "restore", str(tmp_path / "nightly.sqlite3"))
    assert code == 0, output
    assert "There was no database before" in output
    restored = fresh / DATABASE_NAME

    # Every table but the writer's is exactly as in the live database.
    live_tables = snapshot(live / DATABASE_NAME)
    restored_tables = snapshot(restored)
    assert set(restored_tables) == set(live_tables)
    assert len(live_tables) >= 30
    differing = [
        table
        for table in live_tables
        if table not in (WRITER_TABLE, AUDIT_TABLE) and restored_tables[table] != live_tables[table]
    ]
    assert differing == []
    assert restored_tables[AUDIT_TABLE][0] == live_tables[AUDIT_TABLE][0] + 1
    for table in ("users", "attempts", "evidence", "current_levels", "course_enrolments"):
        assert restored_tables[table][0] > 0, table

    # The writer's rows: whole transactions only, a prefix of what was committed, taken
    # between the moments the backup started and ended.
    rows = writer_rows(restored)
    transactions = len(rows) // 2
    assert rows == [(n, part) for n in range(transactions) for part in ("a", "b")]
    assert before <= transactions <= after_backup
    assert len(writer_rows(live / DATABASE_NAME)) > len(rows)

    # The restored instance works: the demo officer signs in.
    app = instance_app(fresh)
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={
            "email": "officer@customs.example",
            "password": DEMO_PASSWORDS["officer"],
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    page = client.get("/my/learning")
    assert page.status_code == 200
    assert "Okonkwo" in page.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_a_folder_gets_a_timestamped_backup_and_an_existing_file_is_not_overwritten(live, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    code, output = run_cli(live, "backup", "create", str(folder))
    assert code == 0, output
    (written,) = folder.iterdir()
    assert written.name.startswith("lms-") and written.suffix == ".sqlite3"
    # Self-contained: rollback-journal mode, nothing beside it.
    with closing(sqlite3.connect(written)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert list(folder.iterdir()) == [written]

    before = written.read_bytes()
    code, output = run_cli(live, "backup", "create", str(written))
    assert code == 1
    assert "already exists" in output
    assert written.read_bytes() == before


def test_restoring_over_a_live_database_keeps_the_previous_one_aside(live, tmp_path):
    database = live / DATABASE_NAME
    backup = tmp_path / "before-the-mistake.sqlite3"
    assert run_cli(live, "backup", "create", str(backup))[0] == 0
    expected = snapshot(database)

    # A connection the platform holds open, and a mistake made after the backup.
    with closing(sqlite3.connect(database, isolation_level=None)) as platform:
        platform.execute("DELETE FROM evidence")
        assert platform.execute("SELECT count(*) FROM evidence").fetchone()[0] == 0
        mistaken = snapshot(database)

        code, output = run_cli(live, "backup", "restore", str(backup))
        assert code == 0, output

        # The open connection reads the restored data at its next transaction.
        assert (
            platform.execute("SELECT count(*) FROM evidence").fetchone()[0]
            == expected["evidence"][0]
        )
    assert without_audit_log(snapshot(database)) == without_audit_log(expected)
    (previous,) = live.glob(f"{DATABASE_NAME}.before-restore-*")
    assert f"kept as {previous}" in output
    assert snapshot(previous) == mistaken
    assert oct(previous.stat().st_mode & 0o777) == "0o600"


def without_audit_log(tables: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    return {table: digest for table, digest in tables.items() if table != AUDIT_TABLE}


def audit_rows(database: Path) -> list[tuple[str, str, str]]:
    with closing(sqlite3.connect(database)) as connection:
        return connection.execute(
            "SELECT action, summary, after FROM audit_entries ORDER BY id"
        ).fetchall()


def test_a_restore_is_recorded_in_the_restored_audit_log(live, tmp_path, monkeypatch):
    """The audit log goes back with everything else; the restore itself is written after it:
    which file, which system user, where the database it replaced was kept, and when."""
    database = live / DATABASE_NAME
    backup = tmp_path / "monday.sqlite3"
    assert run_cli(live, "backup", "create", str(backup))[0] == 0
    in_backup = audit_rows(database)
    with closing(sqlite3.connect(database, isolation_level=None)) as platform:
        platform.execute(
            "INSERT INTO audit_entries (at, action, target_type, summary) "
            "VALUES ('2030-01-01 00:00:00', 'role.granted', 'user', 'after the backup')"
        )
    monkeypatch.setenv("SUDO_USER", "night-operator")

    started = utcnow()
    code, output = run_cli(live, "backup", "restore", str(backup))
    assert code == 0, output
    assert "recorded in the restored database's audit log" in output

    rows = audit_rows(database)
    assert rows[:-1] == in_backup  # the entry written after the backup is gone with the rest
    action, summary, after = rows[-1]
    assert action == "database.restored"
    assert summary.startswith(f"Database restored from {backup.resolve()} by ")
    assert "(sudo by night-operator)" in summary
    (previous,) = live.glob(f"{DATABASE_NAME}.before-restore-*")
    recorded = json.loads(after)
    assert recorded["backup"] == str(backup.resolve())
    assert recorded["previous_kept_as"] == str(previous)
    with closing(sqlite3.connect(database)) as connection:
        (at,) = connection.execute("SELECT max(at) FROM audit_entries").fetchone()
    assert started <= datetime.fromisoformat(at) <= utcnow()


def test_a_damaged_database_is_moved_aside_and_replaced(live, tmp_path):
    database = live / DATABASE_NAME
    backup = tmp_path / "good.sqlite3"
    assert run_cli(live, "backup", "create", str(backup))[0] == 0
    expected = snapshot(database)
    damaged = b"\x00garbage where the database was" * 1000
    database.write_bytes(damaged)

    code, output = run_cli(live, "backup", "restore", str(backup))

    assert code == 0, output
    assert without_audit_log(snapshot(database)) == without_audit_log(expected)
    (previous,) = live.glob(f"{DATABASE_NAME}.before-restore-*")
    assert previous.read_bytes() == damaged
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def folder_state(folder: Path) -> dict[str, str]:
    """Every file in the folder and a digest of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def text_file(path: Path) -> Path:
    path.write_text("Minutes of the backup meeting\n")
    return path


def other_schema_database(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        connection.execute("INSERT INTO invoices (total) VALUES (12.5)")
        connection.commit()
    return path


def other_revision_backup(live: Path, path: Path) -> Path:
    assert run_cli(live, "backup", "create", str(path))[0] == 0
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0123456789ab'")
        connection.commit()
    return path


def truncated_database(demo_database: Path, path: Path) -> Path:
    path.write_bytes(demo_database.read_bytes()[:10_000])
    return path


@pytest.mark.parametrize(
    ("make_input", "message"),
    [
        (lambda live, tmp, demo: tmp / "missing.sqlite3", "There is no file"),
        (lambda live, tmp, demo: text_file(tmp / "notes.txt"), "is not a SQLite database"),
        (
            lambda live, tmp, demo: other_schema_database(tmp / "shop.sqlite3"),
            "not one of this platform (it has no alembic_version table)",
        ),
        (
            lambda live, tmp, demo: other_revision_backup(live, tmp / "old.sqlite3"),
            "holds schema revision 0123456789ab, but this code's schema is revision",
        ),
        (
            lambda live, tmp, demo: truncated_database(demo, tmp / "cut.sqlite3"),
            "not a usable SQLite database",
        ),
    ],
    ids=["missing", "not-sqlite", "other-schema", "other-revision", "truncated"],
)
def test_bad_input_is_refused_and_changes_nothing(
    make_input, message, live, demo_database, tmp_path
):
    given = make_input(live, tmp_path, demo_database)
    given_bytes = given.read_bytes() if given.exists() else None
    before = folder_state(live)

    code, output = run_cli(live, "backup", "restore", str(given))

    assert code == 1
    assert message in output
    assert "Nothing was changed." in output
    assert folder_state(live) == before
    assert (given.read_bytes() if given.exists() else None) == given_bytes


def test_a_fresh_instance_stays_empty_when_the_backup_is_refused(tmp_path):
    fresh = tmp_path / "fresh"
    code, _ = run_cli(fresh, "backup", "restore", str(text_file(tmp_path / "notes.txt")))
    assert code == 1
    assert not (fresh / DATABASE_NAME).exists()
    assert [p.name for p in fresh.iterdir() if "sqlite" in p.name] == []


def test_postgresql_is_pointed_to_pg_dump(tmp_path):
    app = create_app(
        TestingConfig,
        {
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": "postgresql://lms@127.0.0.1:9/lms",
        },
    )
    runner = app.test_cli_runner()
    for command in ("create", "restore"):
        result = runner.invoke(args=["backup", command, str(tmp_path / "x.sqlite3")])
        assert result.exit_code == 1
        assert "PostgreSQL" in result.output and "pg_dump -Fc" in result.output
        assert "pg_restore" in result.output
    assert not (tmp_path / "x.sqlite3").exists()
