"""Assigning "the courses that close this gap": a preview of who gets what, then one step to
create exactly those assignments. For HR and trainers, within their assignment scope; reached
from the matrix (a competency) and from an officer's profile (one officer)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from competencies.models import Competency, Framework
from competencies.services.gap_assignment import confirm_gap_assignment, plan_gap_assignment
from courses.assignments.services.assignments import ASSIGNING_ROLES, assignment_scope
from lms.access import allow
from lms.database import bytewise
from lms.edge import saving
from lms.errors import NotFound
from lms.extensions import db
from lms.organisation.forms import unit_choices
from lms.organisation.models import OrgUnit
from lms.organisation.services import list_positions, units_in_subtree

blueprint = Blueprint("gap_assignment", __name__, template_folder="../templates")

PREVIEW_ROWS = 200


class GapFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET preview changes nothing

    competency = SelectField(_l("Competency"), validators=[Optional()])
    unit = SelectField(_l("Unit (with its sub-units)"), coerce=int, validators=[Optional()])
    position = SelectField(_l("Job position"), coerce=int, validators=[Optional()])
    officer = HiddenField()


class GapConfirmForm(FlaskForm):
    digest = HiddenField()
    competency = HiddenField()
    unit = HiddenField()
    position = HiddenField()
    officer = HiddenField()
    due_kind = RadioField(
        _l("Due"),
        choices=[
            SelectChoice("days", _l("A number of days after being assigned")),
            SelectChoice("date", _l("On a fixed date")),
        ],
        default="days",
    )
    due_days = IntegerField(
        _l("Days to complete"), default=60, validators=[Optional(), NumberRange(1, 3650)]
    )
    due_date = DateField(_l("Due date"), validators=[Optional()])


def _as_int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _context(competency: str, unit_id: int | None, position_id: int | None, officer_id):
    scope = assignment_scope(current_user)
    units = units_in_subtree(scope)
    unit = scope
    if unit_id:
        unit = next((u for u in units if u.id == unit_id), None)
        if unit is None:
            raise NotFound(_("There is no unit %(id)d within your scope.", id=unit_id))
    plan = plan_gap_assignment(competency, unit, position_id, officer_id) if competency else None
    return scope, units, unit, plan


def _filter_form(units: list[OrgUnit]) -> GapFilterForm:
    form = GapFilterForm(formdata=request.args)
    form.competency.choices = [SelectChoice("", _("Choose a competency"))] + [
        SelectChoice(code, f"{code} · {name} ({framework})")
        for code, name, framework in db.session.execute(
            select(Competency.code, Competency.name, Framework.name)
            .join(Framework, Framework.id == Competency.framework_id)
            .where(Competency.retired_at.is_(None))
            .order_by(Framework.position, Framework.id, bytewise(Competency.path))
        ).all()
    ]
    form.unit.choices = unit_choices(units, blank=_("All units in my scope"))
    form.position.choices = [SelectChoice(0, _("All positions"))] + [
        SelectChoice(p.id, p.title) for p in list_positions()
    ]
    return form


def _render(form, confirm, scope, plan, status: int = 200):
    return render_template(
        "competencies/gap_assign.html",
        form=form,
        confirm=confirm,
        scope=scope,
        plan=plan,
        preview_rows=PREVIEW_ROWS,
    ), status


@blueprint.route("/matrix/assign")
@allow(*ASSIGNING_ROLES)
def assign():
    competency = request.args.get("competency", "").strip()
    unit_id = request.args.get("unit", type=int)
    position_id = request.args.get("position", type=int) or None
    officer_id = request.args.get("officer", type=int)
    scope, units, unit, plan = _context(competency, unit_id, position_id, officer_id)
    form = _filter_form(units)
    confirm = GapConfirmForm(
        formdata=None,
        competency=competency,
        unit=str(unit.id),
        position=str(position_id or ""),
        officer=str(officer_id or ""),
        digest=plan.digest if plan else "",
    )
    return _render(form, confirm, scope, plan)


@blueprint.route("/matrix/assign", methods=["POST"])
@allow(*ASSIGNING_ROLES)
def confirm():
    confirm = GapConfirmForm()
    competency = (confirm.competency.data or "").strip()
    unit_id = _as_int(confirm.unit.data)
    position_id = _as_int(confirm.position.data)
    officer_id = _as_int(confirm.officer.data)
    scope, units, unit, plan = _context(competency, unit_id, position_id, officer_id)
    form = _filter_form(units)
    form.competency.data, form.unit.data, form.position.data = competency, unit.id, position_id
    if not confirm.validate_on_submit() or not competency:
        return _render(form, confirm, scope, plan, 400)
    by_date = confirm.due_kind.data == "date"
    with saving(confirm) as saved:
        created = confirm_gap_assignment(
            confirm.digest.data or "",
            competency,
            unit,
            position_id,
            officer_id,
            due_date=confirm.due_date.data if by_date else None,
            due_days=None if by_date else confirm.due_days.data,
            actor=current_user,
            inline_limit=current_app.config["ASSIGNMENT_INLINE_LIMIT"],
        )
    if not saved:
        scope, units, unit, plan = _context(competency, unit_id, position_id, officer_id)
        confirm.digest.data = plan.digest if plan else ""
        return _render(form, confirm, scope, plan, saved.refusal.status_code)
    officers = sum(a.fanout_total for a in created)
    flash(
        _(
            "Created %(n)d assignments for %(officers)d officer-courses.",
            n=len(created),
            officers=officers,
        ),
        "success",
    )
    return redirect(url_for("assignments.index"))
