"""Thin task wrapper: levels whose evidence has lapsed are recomputed daily."""

from __future__ import annotations

from celery import shared_task
from sqlalchemy.exc import OperationalError

from competencies.services.levels import refresh_lapsed_levels
from lms.extensions import db


@shared_task(
    name="competencies.refresh_lapsed_levels",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def refresh_lapsed() -> int:
    """Recompute current levels past their validity; returns how many were refreshed."""
    try:
        refreshed = refresh_lapsed_levels()
        db.session.commit()
        return refreshed
    finally:
        db.session.remove()
