"""Admin pages for the organisation tree and positions; the workforce directory for HR."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from lms.access import allow
from lms.accounts.models import User
from lms.accounts.services import matches_search
from lms.edge import saving
from lms.errors import NotFound
from lms.extensions import db
from lms.organisation import services
from lms.organisation.forms import (
    UNIT_KIND_LABELS,
    PositionForm,
    UnitForm,
    WorkforceFilterForm,
    unit_choices,
)
from lms.organisation.models import JobPosition, OrgUnit
from lms.pagination import paginate

blueprint = Blueprint("organisation", __name__)


@blueprint.route("/admin/units")
@allow("admin")
def units():
    all_units = services.list_units()
    headcount = services.headcount_by_unit()
    return render_template(
        "organisation/units.html",
        units=all_units,
        headcount=headcount,
        kind_labels=UNIT_KIND_LABELS,
    )


@blueprint.route("/admin/units/new", methods=["GET", "POST"])
@blueprint.route("/admin/units/<int:unit_id>", methods=["GET", "POST"])
@allow("admin")
def edit_unit(unit_id: int | None = None):
    unit = services.get_unit(unit_id) if unit_id is not None else None
    form = UnitForm(obj=unit)
    form.parent_id.choices = unit_choices(
        services.list_units(), blank=_("(none: the administration)")
    )
    if request.method == "GET" and unit is not None:
        form.parent_id.data = unit.parent_id or 0
    if form.validate_on_submit():
        details = services.UnitDetails(
            form.code.data, form.name.data, form.kind.data, form.parent_id.data or None
        )
        with saving(form) as saved:
            if unit is None:
                unit = services.create_unit(details, actor_id=current_user.id)
            else:
                unit = services.update_unit(unit, details, actor_id=current_user.id)
        if saved:
            flash(_("Unit %(code)s saved.", code=unit.code), "success")
            return redirect(url_for("organisation.units"))
    return render_template("organisation/unit_form.html", form=form, unit=unit)


@blueprint.route("/admin/positions")
@allow("admin")
def positions():
    headcount = services.headcount_by_position()
    return render_template(
        "organisation/positions.html", positions=services.list_positions(), headcount=headcount
    )


@blueprint.route("/admin/positions/new", methods=["GET", "POST"])
@blueprint.route("/admin/positions/<int:position_id>", methods=["GET", "POST"])
@allow("admin")
def edit_position(position_id: int | None = None):
    position = services.get_position(position_id) if position_id is not None else None
    form = PositionForm(obj=position)
    if form.validate_on_submit():
        with saving(form) as saved:
            position = services.save_position(
                position,
                form.code.data,
                form.title.data,
                form.description.data or "",
                actor_id=current_user.id,
            )
        if saved:
            flash(_("Position %(code)s saved.", code=position.code), "success")
            return redirect(url_for("organisation.positions"))
    return render_template("organisation/position_form.html", form=form, position=position)


@blueprint.route("/organisation")
@allow("trainer", "hr", "admin")
def overview():
    """The organisation tree with headcounts per unit and per position."""
    all_units = services.list_units()
    headcount = services.headcount_by_unit()
    by_position = db.session.execute(
        select(JobPosition, func.count(User.id))
        .outerjoin(User, (User.position_id == JobPosition.id) & User.active)
        .group_by(JobPosition.id)
        .order_by(JobPosition.title)
    ).all()
    return render_template(
        "organisation/overview.html",
        units=all_units,
        headcount=headcount,
        by_position=by_position,
        kind_labels=UNIT_KIND_LABELS,
    )


def scope_unit_for(user: User) -> OrgUnit:
    """The subtree a user's workforce views cover: an admin sees all; HR their unit's subtree."""
    if user.has_role("admin"):
        root = db.session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)))
        if root is not None:
            return root
    return user.unit


@blueprint.route("/workforce")
@allow("hr", "admin")
def workforce():
    """Officers within the viewer's scope, filtered by unit, position and a search term."""
    scope = scope_unit_for(current_user)
    scoped_units = services.units_in_subtree(scope)
    form = WorkforceFilterForm(formdata=request.args)
    form.unit.choices = unit_choices(scoped_units, blank=_("All units in my scope"))
    form.position.choices = [SelectChoice(0, _("All positions"))] + [
        SelectChoice(p.id, p.title) for p in services.list_positions()
    ]
    form.validate()  # a filter with an error is shown with its message and not applied
    unit = scope
    if form.unit.data:
        unit = next((u for u in scoped_units if u.id == form.unit.data), None)
        if unit is None:
            raise NotFound(_("There is no unit %(id)d within your scope.", id=form.unit.data))
    query = (
        select(User)
        .join(OrgUnit, User.unit_id == OrgUnit.id)
        .options(joinedload(User.unit), joinedload(User.position))
        .where(services.subtree_condition(unit))
        .order_by(User.full_name)
    )
    if form.position.data and not form.position.errors:
        query = query.where(User.position_id == form.position.data)
    if form.q.data and not form.q.errors:
        query = query.where(matches_search(form.q.data))
    page = paginate(query)
    return render_template("organisation/workforce.html", form=form, page=page, scope=scope)
