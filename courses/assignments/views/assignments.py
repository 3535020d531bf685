"""Assigning curricula and courses, following an assignment's fan-out, and the follow-up of
completion and overdue work (with its CSV export), for trainers and HR.

Every page runs a fixed number of queries whatever the number of officers and assignments
(tests/courses/test_assignments_queries.py counts them).
"""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from courses.assignments.forms import (
    AssignmentForm,
    FollowupFilterForm,
    content_key,
    parse_content_key,
)
from courses.assignments.models import FanOutStatus, TargetKind
from courses.assignments.services import assignments, curricula, followup
from courses.assignments.services.assigned_work import assigned_work
from courses.assignments.services.followup import FollowupFilter
from courses.learning.services import catalogue
from lms.access import allow
from lms.edge import saving
from lms.errors import NotFound, ValidationError
from lms.exports import spreadsheet_safe
from lms.notifications.services import recent_notifications
from lms.organisation.forms import unit_choices
from lms.organisation.models import OrgUnit
from lms.organisation.services import (
    list_positions,
    units_in_subtree,
)
from lms.pagination import paginate
from lms.timeutil import utcnow

blueprint = Blueprint(
    "assignments", __name__, url_prefix="/assignments", template_folder="../templates"
)

FOLLOWERS = ("trainer", "hr", "admin")
# How often a page showing a running fan-out reloads itself, in seconds.
REFRESH_SECONDS = 3


def _today():
    return utcnow().date()


# --- assigning -------------------------------------------------------------------------------


def _prepare(form: AssignmentForm, scope: OrgUnit) -> None:
    contents = [
        SelectChoice(content_key(curriculum_id=c.id), _("Curriculum: %(name)s", name=c.name))
        for c in curricula.list_curricula()
    ] + [
        SelectChoice(
            content_key(course_id=c.id),
            _("Course: %(code)s · %(title)s", code=c.code, title=c.title),
        )
        for c in catalogue.published_courses()
    ]
    form.content.choices = [SelectChoice("", _("Choose…")), *contents]
    form.unit.choices = unit_choices(units_in_subtree(scope), blank=_("(choose a unit)"))
    form.position.choices = [SelectChoice(0, _("(choose a position)"))] + [
        SelectChoice(p.id, f"{p.title} ({p.code})") for p in list_positions()
    ]


def _spec(form: AssignmentForm) -> assignments.AssignmentSpec:
    curriculum_id, course_id = parse_content_key(form.content.data)
    kind = form.target_kind.data
    officer_ids: tuple[int, ...] = ()
    if kind == TargetKind.OFFICERS:
        ids, unknown = assignments.officers_by_reference((form.officers.data or "").splitlines())
        if unknown:
            raise ValidationError(
                _(
                    "No account has the service number or email: %(refs)s.",
                    refs=", ".join(unknown[:20]),
                )
            )
        officer_ids = tuple(ids)
    by_date = form.due_kind.data == "date"
    return assignments.AssignmentSpec(
        target_kind=kind,
        curriculum_id=curriculum_id,
        course_id=course_id,
        officer_ids=officer_ids,
        unit_id=form.unit.data or None,
        include_subunits=bool(form.include_subunits.data),
        position_id=form.position.data or None,
        due_date=form.due_date.data if by_date else None,
        due_days=form.due_days.data if not by_date else None,
    )


@blueprint.route("/new", methods=["GET", "POST"])
@allow(*assignments.ASSIGNING_ROLES)
def new():
    scope = assignments.assignment_scope(current_user)
    form = AssignmentForm()
    _prepare(form, scope)
    if request.method == "GET" and request.args.get("content"):
        form.content.data = request.args["content"]
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        with saving(form) as saved:  # the commit sends the fan-out job, if any
            assignment = assignments.create_assignment(
                _spec(form),
                actor=current_user,
                inline_limit=current_app.config["ASSIGNMENT_INLINE_LIMIT"],
            )
        if saved:
            if assignment.fanout_status == FanOutStatus.DONE:
                flash(_("Assigned to %(n)d officers.", n=assignment.fanout_total), "success")
            else:
                flash(
                    _(
                        "Assigning to %(n)d officers: this runs in the background; the page "
                        "shows its progress.",
                        n=assignment.fanout_total,
                    ),
                    "success",
                )
            return redirect(url_for("assignments.show", assignment_id=assignment.id))
        status = saved.refusal.status_code
    return render_template("assignments/form.html", form=form, scope=scope), status


# --- following -------------------------------------------------------------------------------


@blueprint.route("")
@allow(*FOLLOWERS)
def index():
    page = paginate(assignments.visible_assignments_query(current_user), per_page=30)
    return render_template(
        "assignments/index.html",
        page=page,
        can_assign=current_user.has_role(*assignments.ASSIGNING_ROLES),
    )


@blueprint.route("/<int:assignment_id>")
@allow(*FOLLOWERS)
def show(assignment_id: int):
    assignment = assignments.visible_assignment(assignment_id, current_user)
    today = _today()
    f = FollowupFilter(assignment_id=assignment.id)
    running = assignment.fanout_status in (FanOutStatus.QUEUED, FanOutStatus.RUNNING)
    return render_template(
        "assignments/show.html",
        assignment=assignment,
        running=running,
        refresh_seconds=REFRESH_SECONDS,
        totals=followup.total_rates(current_user, f, today),
        by_unit=followup.rates_by_unit(current_user, f, today),
        by_position=followup.rates_by_position(current_user, f, today),
        members=paginate(followup.members_query(assignment.id, current_user), per_page=50),
        today=today,
    )


def _followup_filter(form: FollowupFilterForm, scope: OrgUnit, units: list[OrgUnit]):
    curriculum_id, course_id = parse_content_key(form.content.data)
    assignment_id = request.args.get("assignment", type=int)
    if assignment_id is not None:
        assignments.visible_assignment(assignment_id, current_user)  # or "not found"
    unit = None
    if form.unit.data:
        unit = next((u for u in units if u.id == form.unit.data), None)
        if unit is None:
            raise NotFound(_("There is no unit %(id)d within your scope.", id=form.unit.data))
    return FollowupFilter(
        assignment_id=assignment_id, curriculum_id=curriculum_id, course_id=course_id, unit=unit
    )


def _followup_form() -> tuple[FollowupFilterForm, FollowupFilter]:
    scope = assignments.assignment_scope(current_user)
    units = units_in_subtree(scope)
    form = FollowupFilterForm(formdata=request.args)
    form.unit.choices = unit_choices(units, blank=_("All units"))
    form.content.choices = [SelectChoice("", _("All curricula and courses"))]
    return form, _followup_filter(form, scope, units)


@blueprint.route("/follow-up")
@allow(*FOLLOWERS)
def follow_up():
    form, f = _followup_form()
    today = _today()
    by_content = followup.rates_by_content(current_user, FollowupFilter(unit=f.unit), today)
    form.content.choices += [SelectChoice(line.key, line.label) for line in by_content]
    overdue = paginate(followup.overdue_query(current_user, f, today), per_page=50)
    return render_template(
        "assignments/follow_up.html",
        form=form,
        by_content=by_content,
        totals=followup.total_rates(current_user, f, today),
        by_unit=followup.rates_by_unit(current_user, f, today),
        by_position=followup.rates_by_position(current_user, f, today),
        overdue=overdue,
        overdue_rows=[followup.overdue_row(row, today) for row in overdue.items],
        selected=f,
    )


CSV_HEADER = (
    "Officer",
    "Service number",
    "Email",
    "Unit",
    "Position",
    "Curriculum or course",
    "Assignment",
    "Assigned on",
    "Due on",
    "Days overdue",
)


def overdue_csv_text(rows) -> str:
    """The overdue rows as CSV, every text cell safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                spreadsheet_safe(value)
                for value in (
                    row.full_name,
                    row.service_number,
                    row.email,
                    row.unit_name,
                    row.position_title,
                    row.content,
                    row.assignment_id,
                    row.assigned_on.isoformat(),
                    row.due_on.isoformat(),
                    row.days_overdue,
                )
            ]
        )
    return buffer.getvalue()


@blueprint.route("/follow-up/overdue.csv")
@allow(*FOLLOWERS)
def overdue_csv():
    _, f = _followup_form()
    today = _today()
    return Response(
        overdue_csv_text(followup.overdue_rows(current_user, f, today)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="overdue-{today.isoformat()}.csv"'},
    )


# --- the officer's dashboard -----------------------------------------------------------------


def officer_dashboard(user_id: int) -> dict:
    """What /my/learning shows first: the officer's assigned work and latest notifications.
    Its courses in progress are listed there only, not again among the self-chosen ones."""
    return {
        "assigned": assigned_work(user_id, _today()),
        "notifications": recent_notifications(user_id, limit=3),
    }
