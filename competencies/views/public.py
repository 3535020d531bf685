"""The public page of a competency: what a credential's alignment points to (targetUrl), so
that whoever checks a certificate can read what the competency means."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from competencies.models import Competency, CompetencySuccession
from lms.access import allow_public
from lms.errors import NotFound
from lms.extensions import db

blueprint = Blueprint("competency_pages", __name__, template_folder="../templates")


@blueprint.route("/competencies/<code>")
@allow_public
def show(code: str):
    competency = db.session.scalar(
        select(Competency)
        .where(Competency.code == code.upper()[:32])
        .options(joinedload(Competency.framework), selectinload(Competency.principles))
    )
    if competency is None:
        raise NotFound(f"No competency with the code {code[:32]}.")
    succession = (
        db.session.scalar(
            select(CompetencySuccession).where(CompetencySuccession.retired_code == competency.code)
        )
        if competency.retired_at is not None
        else None
    )
    return render_template("competencies/public.html", competency=competency, succession=succession)
