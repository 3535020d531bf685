"""The user import job, run by a real (threaded) Celery worker on the in-memory broker."""

from __future__ import annotations

import io
import sqlite3

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from lms.accounts import imports
from lms.accounts.imports import confirm_import
from lms.accounts.models import User, UserImport, UserRole
from lms.audit.models import AuditEntry
from lms.audit.services import AuditAction
from lms.jobs import queue_job
from tests.conftest import csrf_token_from


def count_imported(db, user_import: UserImport) -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.import_id == user_import.id)
    )


def test_confirming_an_import_in_the_browser_makes_the_worker_create_the_users(
    db, client, admin, login_as, users_csv, celery_worker, task_runs
):
    login_as(admin)
    token = csrf_token_from(client.get("/admin/imports/").get_data(as_text=True))
    preview = client.post(
        "/admin/imports/",
        data={"file": (io.BytesIO(users_csv(25).encode()), "officers.csv"), "csrf_token": token},
    )
    assert preview.status_code == 200
    user_import = db.session.scalar(select(UserImport).where(UserImport.filename == "officers.csv"))
    assert user_import.status == "previewed"
    assert count_imported(db, user_import) == 0  # nothing is written before the confirmation

    confirmed = client.post(
        f"/admin/imports/{user_import.id}/confirm",
        data={"csrf_token": csrf_token_from(preview.get_data(as_text=True)), "confirm": "y"},
    )
    assert confirmed.status_code == 302

    [run] = task_runs.wait_for("lms.import_users")
    assert run.args == (user_import.id,)
    assert run.retval == "done"
    db.session.refresh(user_import)
    assert (user_import.status, user_import.processed_rows) == ("done", 25)
    assert count_imported(db, user_import) == 25
    officer = db.session.scalar(select(User).where(User.email == "officer7@customs.example"))
    assert officer.full_name == "Officer 7"
    assert officer.roles == {"officer"}
    status_page = client.get(f"/admin/imports/{user_import.id}").get_data(as_text=True)
    assert "25 users imported." in status_page


def test_a_second_delivery_of_the_import_job_changes_nothing(
    db, celery_app, celery_worker, confirmed_import, task_runs
):
    user_import = confirmed_import(40)
    # The broker hands the same message over again (a redelivery after a lost ack).
    celery_app.send_task("lms.import_users", args=[user_import.id])

    first, second = task_runs.wait_for("lms.import_users", count=2)
    assert first.args == second.args == (user_import.id,)
    assert (first.retval, second.retval) == ("done", "done")
    assert count_imported(db, user_import) == 40
    assert db.session.scalar(select(func.count()).select_from(UserRole)) == 40 + 1  # + admin
    audit_entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == AuditAction.USERS_IMPORTED)
    ).all()
    assert len(audit_entries) == 1


def test_a_job_queued_in_a_transaction_that_rolls_back_is_never_sent(
    db, previewed_import, create_unit, published
):
    user_import = previewed_import(5)
    confirm_import(user_import)
    queue_job("lms.import_users", user_import.id)
    db.session.rollback()
    assert published == []

    # The dropped job does not ride along with the next transaction that commits either.
    create_unit("R-NORTH", kind="region")
    assert published == []
    db.session.refresh(user_import)
    assert user_import.status == "previewed"

    # The same steps, committed, do send it: once, after the commit.
    confirm_import(user_import)
    queue_job("lms.import_users", user_import.id)
    assert published == []
    db.session.commit()
    assert published == [("lms.import_users", (user_import.id,))]


def test_a_transient_database_error_is_retried_and_the_retry_finishes_the_import(
    db, celery_worker, confirmed_import, task_runs, monkeypatch
):
    insert_chunk = imports._insert_chunk
    locked = sqlite3.OperationalError("database is locked")
    failures = iter([OperationalError("INSERT INTO users ...", {}, locked)])

    def insert_chunk_failing_once(*args, **kwargs):
        error = next(failures, None)
        if error is not None:
            raise error
        return insert_chunk(*args, **kwargs)

    monkeypatch.setattr(imports, "_insert_chunk", insert_chunk_failing_once)
    user_import = confirmed_import(12)

    [run] = task_runs.wait_for("lms.import_users")
    assert [r.state for r in task_runs.runs] == ["RETRY", "SUCCESS"]
    assert run.retval == "done"
    db.session.refresh(user_import)
    assert user_import.status == "done"
    assert count_imported(db, user_import) == 12
