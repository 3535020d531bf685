"""The skill-gap matrix for HR and administrators: the heat map (officers or units ×
competencies), roll-ups, drill-down to the officers behind a number, readiness per principle,
and CSV / XLSX exports of each.

HR sees its own unit's subtree, an administrator the whole administration; asking for a unit
outside that scope is a 404. Every page runs a fixed number of queries whatever the number of
officers (tests/competencies/test_matrix_pages.py counts them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from competencies.models import Competency
from competencies.services import matrix, matrix_queries
from competencies.services.frameworks import list_frameworks
from competencies.services.gaps import (
    CompetencyInfo,
    PrincipleRef,
    group_by_principle,
    load_competency_infos,
)
from competencies.services.matrix import MatrixFilter, PostStatus, UnitRef
from competencies.services.matrix_export import (
    drilldown_table,
    officers_table,
    readiness_table,
    rollup_table,
    units_table,
    write_csv,
    write_xlsx,
)
from courses.learning.services.principles import list_principles
from lms.access import allow
from lms.errors import NotFound
from lms.extensions import db
from lms.organisation.forms import unit_choices
from lms.organisation.services import list_positions
from lms.organisation.views import scope_unit_for
from lms.pagination import paginate

blueprint = Blueprint("matrix", __name__, url_prefix="/matrix", template_folder="../templates")

STAFF = ("hr", "admin")
OFFICERS_PER_PAGE = 50
VIEWS = ("officers", "units", "rollup", "cell", "readiness")
STATUS_LABELS = {
    PostStatus.BELOW: _l("below the required level"),
    PostStatus.MEETING: _l("meeting the required level"),
    PostStatus.ALL: _l("with the requirement"),
    PostStatus.NOT_PROFICIENT: _l("below proficient"),
}


class MatrixFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    unit = SelectField(_l("Unit (with its sub-units)"), coerce=int, validators=[Optional()])
    position = SelectField(_l("Job position"), coerce=int, validators=[Optional()])
    principle = SelectField(_l("Reform principle"), validators=[Optional()])
    framework = SelectField(_l("Framework"), coerce=int, validators=[Optional()])
    group = SelectField(
        _l("Rows"),
        choices=[SelectChoice("officer", _l("Officers")), SelectChoice("unit", _l("Units"))],
        validators=[Optional()],
    )


@dataclass(frozen=True)
class MatrixContext:
    form: MatrixFilterForm
    scope: UnitRef
    unit: UnitRef
    units: list[UnitRef]
    filter: MatrixFilter
    principles: list[PrincipleRef]

    @property
    def ancestors(self) -> list[UnitRef]:
        """The selected unit's ancestors within the scope, top first, and the unit itself."""
        return [u for u in self.units if self.unit.path.startswith(u.path)]

    @property
    def children(self) -> list[UnitRef]:
        return sorted(
            (u for u in self.units if u.parent_id == self.unit.id), key=lambda u: u.name.lower()
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """The current filter as query arguments, with `changes` (None drops an argument)."""
        current = {
            "unit": self.unit.id if self.unit.id != self.scope.id else None,
            "position": self.filter.position_id,
            "principle": next(
                (p.code for p in self.principles if p.id == self.filter.principle_id), None
            ),
            "framework": self.filter.framework_id,
            "exact": 1 if self.filter.exact_unit else None,
        }
        current.update(changes)
        return {key: value for key, value in current.items() if value not in (None, "", 0)}


def matrix_context(*, competency_id: int | None = None) -> MatrixContext:
    """The filters of the request, checked against the viewer's scope. A filter with an error
    is shown with its message and not applied; a unit outside the scope is a 404."""
    scope_unit = scope_unit_for(current_user)
    units = matrix_queries.units_within(scope_unit)
    principles = [PrincipleRef(p.id, p.code, p.name, p.position) for p in list_principles()]
    form = MatrixFilterForm(formdata=request.args)
    form.unit.choices = unit_choices(units, blank=_("All units in my scope"))
    form.position.choices = [SelectChoice(0, _("All positions"))] + [
        SelectChoice(p.id, p.title) for p in list_positions()
    ]
    form.principle.choices = [SelectChoice("", _("All principles"))] + [
        SelectChoice(p.code, f"{p.code} {p.name}") for p in principles
    ]
    form.framework.choices = [SelectChoice(0, _("All frameworks"))] + [
        SelectChoice(f.id, f.name) for f in list_frameworks()
    ]
    form.validate()
    scope = units[0]
    unit = scope
    if form.unit.data and not form.unit.process_errors:
        unit = next((u for u in units if u.id == form.unit.data), None)
        if unit is None:
            raise NotFound(_("There is no unit %(id)d within your scope.", id=form.unit.data))

    def valid(field) -> Any:
        return None if field.errors or not field.data else field.data

    principle_code = valid(form.principle)
    return MatrixContext(
        form=form,
        scope=scope,
        unit=unit,
        units=units,
        filter=MatrixFilter(
            unit=unit,
            position_id=valid(form.position),
            principle_id=next((p.id for p in principles if p.code == principle_code), None),
            framework_id=valid(form.framework),
            competency_id=competency_id,
            exact_unit=request.args.get("exact") == "1",
        ),
        principles=principles,
    )


def ordered_columns(context: MatrixContext) -> tuple[list, list[CompetencyInfo]]:
    """The matrix columns grouped by principle, and flat in the same order as the groups."""
    groups = group_by_principle(
        matrix_queries.matrix_columns(context.filter), lambda c: c, context.filter.principle_id
    )
    return groups, [column for group in groups for column in group.items]


def officers_view(context: MatrixContext, *, paged: bool = True) -> dict[str, Any]:
    groups, columns = ordered_columns(context)
    query = matrix_queries.officers_query(context.filter)
    if paged:
        page = paginate(query, per_page=OFFICERS_PER_PAGE)
        users, user_ids = page.items, [u.id for u in page.items]
    else:
        page = None
        users = list(db.session.scalars(query).unique())
        user_ids = matrix_queries.officer_ids(context.filter)
    officers = matrix_queries.officer_refs(users)
    column_ids = [c.id for c in columns]
    requirements = matrix_queries.requirements_for(
        {o.position_id for o in officers if o.position_id}, column_ids
    )
    levels = matrix_queries.levels_for(user_ids, column_ids)
    lines = matrix.officer_lines(officers, columns, requirements, levels)
    return {"groups": groups, "columns": columns, "lines": lines, "page": page}


def units_view(context: MatrixContext) -> dict[str, Any]:
    groups, columns = ordered_columns(context)
    rolled = matrix.roll_up(
        matrix_queries.requirement_stats(context.filter), context.units, context.unit
    )
    lines = matrix.unit_lines(rolled, context.unit, context.children, columns)
    return {"groups": groups, "columns": columns, "lines": lines}


def rollup_view(context: MatrixContext) -> dict[str, Any]:
    _, columns = ordered_columns(context)
    totals = matrix.totals_by_competency(matrix_queries.requirement_stats(context.filter))
    rows = [(column, totals.get(column.id, matrix.PostStats())) for column in columns]
    groups = group_by_principle(rows, lambda row: row[0], context.filter.principle_id)
    overall = sum((stats for _, stats in rows), matrix.PostStats())
    return {"groups": groups, "rows": rows, "overall": overall}


def readiness_view(context: MatrixContext) -> dict[str, Any]:
    _, columns = ordered_columns(context)
    totals = matrix.totals_by_competency(matrix_queries.requirement_stats(context.filter))
    principles = [
        p
        for p in context.principles
        if context.filter.principle_id is None or p.id == context.filter.principle_id
    ]
    return {"bars": matrix.readiness_by_principle(totals, columns, principles)}


def drilldown_view(context: MatrixContext, status: PostStatus, *, paged: bool = True):
    query = matrix_queries.drilldown_query(context.filter, status)
    if paged:
        page = paginate(query, per_page=OFFICERS_PER_PAGE)
        users = page.items
    else:
        page, users = None, list(db.session.scalars(query).unique())
    officers = matrix_queries.officer_refs(users)
    posts = matrix_queries.posts_of([o.id for o in officers], context.filter, status)
    wanted = {post.competency_id for found in posts.values() for post in found}
    infos = {
        info.id: info
        for info in (load_competency_infos(Competency.id.in_(wanted)) if wanted else [])
    }
    # What each required level on the page means: (competency, level), in matrix order.
    order = {competency_id: index for index, competency_id in enumerate(infos)}
    required = sorted(
        {(post.competency_id, post.required) for found in posts.values() for post in found},
        key=lambda pair: (order[pair[0]], pair[1]),
    )
    meanings = [
        (infos[competency_id], level)
        for competency_id, level in required
        if infos[competency_id].descriptor(level)
    ]
    return {
        "page": page,
        "officers": officers,
        "posts": posts,
        "infos": infos,
        "meanings": meanings,
    }


def drilldown_request() -> tuple[MatrixContext, PostStatus, CompetencyInfo | None]:
    competency_id = request.args.get("competency", type=int)
    competency = None
    if competency_id is not None:
        found = load_competency_infos(Competency.id == competency_id)
        if not found:
            raise NotFound(_("There is no competency with id %(id)d.", id=competency_id))
        competency = found[0]
    try:
        status = PostStatus(request.args.get("status", PostStatus.BELOW.value))
    except ValueError:
        raise NotFound(_("Unknown officer list; choose one from the matrix.")) from None
    return matrix_context(competency_id=competency_id), status, competency


def cell_texts() -> dict[str, str]:
    """The texts of the heat map's cells, translated once per page: a page has thousands of
    cells, and translating each cell's text again took most of the page's time."""
    return {
        "not_required": _("%(code)s not required; level %(level)d"),
        "officer_cell": _(
            "%(code)s: level %(level)d (%(name)s), required %(required)d (%(required_name)s)"
        ),
        "unit_cell": _("%(code)s: %(meeting)d of %(posts)d meet the requirement; mean gap %(gap)s"),
        "below": _("%(n)d below"),
    }


@blueprint.route("")
@allow(*STAFF)
def index():
    context = matrix_context()
    group = context.form.group.data if not context.form.group.errors else "officer"
    if group == "unit":
        view, data = "units", units_view(context)
    else:
        view, data = "officers", officers_view(context)
    return render_template(
        "competencies/matrix.html",
        context=context,
        view=view,
        PostStatus=PostStatus,
        texts=cell_texts(),
        **data,
    )


@blueprint.route("/rollup")
@allow(*STAFF)
def rollup():
    context = matrix_context()
    return render_template(
        "competencies/matrix_rollup.html",
        context=context,
        view="rollup",
        PostStatus=PostStatus,
        **rollup_view(context),
    )


@blueprint.route("/readiness")
@allow(*STAFF)
def readiness():
    context = matrix_context()
    return render_template(
        "competencies/matrix_readiness.html",
        context=context,
        view="readiness",
        PostStatus=PostStatus,
        **readiness_view(context),
    )


@blueprint.route("/cell")
@allow(*STAFF)
def cell():
    context, status, competency = drilldown_request()
    return render_template(
        "competencies/matrix_cell.html",
        context=context,
        view="cell",
        status=status,
        status_label=STATUS_LABELS[status],
        competency=competency,
        PostStatus=PostStatus,
        **drilldown_view(context, status),
    )


@blueprint.route("/export.<any(csv, xlsx):fmt>")
@allow(*STAFF)
def export(fmt: str):
    """The view named by ?view= with the current filters, every officer (not one page)."""
    view = request.args.get("view", "officers")
    if view not in VIEWS:
        raise NotFound(_("Unknown view %(view)s to export.", view=view))
    if view == "cell":
        context, status, _competency = drilldown_request()
        table = drilldown_table(**drilldown_view(context, status, paged=False))
    else:
        context = matrix_context()
        if view == "officers":
            table = officers_table(**officers_view(context, paged=False))
        elif view == "units":
            table = units_table(**units_view(context))
        elif view == "rollup":
            table = rollup_table(**rollup_view(context))
        else:
            table = readiness_table(**readiness_view(context))
    unit_code = re.sub(r"[^a-z0-9-]+", "-", context.unit.code.lower())
    filename = f"skills-{view}-{unit_code}.{fmt}"
    if fmt == "csv":
        body, mimetype = write_csv(table).encode("utf-8-sig"), "text/csv"
    else:
        body = write_xlsx(table)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
