"""Thin task wrapper: the bulk user import."""

from __future__ import annotations

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from lms.accounts.imports import run_import
from lms.extensions import db


@shared_task(
    name="lms.import_users",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def import_users(import_id: int) -> str:
    """Run a confirmed user import; returns its final status."""
    try:
        user_import = run_import(
            import_id,
            commit=db.session.commit,
            max_rows=current_app.config["USER_IMPORT_MAX_ROWS"],
        )
        return user_import.status
    finally:
        db.session.remove()
