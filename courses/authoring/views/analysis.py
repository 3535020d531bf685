"""Authoring pages for a quiz's item analysis (Moodle's quiz statistics): the figures as last
computed by the background job, and the same as CSV."""

from __future__ import annotations

import re

from flask import Response, render_template

from courses.authoring.services import item_analysis_report as report
from courses.authoring.views.blueprint import blueprint, editable_course, item_of_kind
from courses.learning.models import ItemKind
from courses.learning.services import item_analysis
from lms.access import allow


@blueprint.route("/courses/<int:course_id>/quizzes/<int:item_id>/analysis")
@allow("trainer")
def quiz_item_analysis(course_id: int, item_id: int):
    course = editable_course(course_id)
    item = item_of_kind(course, item_id, ItemKind.QUIZ)
    analysis = item_analysis.analysis_of(item.id)
    return render_template(
        "authoring/item_analysis.html",
        course=course,
        item=item,
        analysis=analysis,
        graded_now=item_analysis.graded_attempt_count(item.id),
        flag_labels=report.FLAG_LABELS,
        cut_offs=report.cut_offs(),
        share=report.share,
        percent=report.percent,
    )


@blueprint.route("/courses/<int:course_id>/quizzes/<int:item_id>/analysis.csv")
@allow("trainer")
def quiz_item_analysis_csv(course_id: int, item_id: int):
    course = editable_course(course_id)
    item = item_of_kind(course, item_id, ItemKind.QUIZ)
    body = report.analysis_csv(item, item_analysis.analysis_of(item.id))
    code = re.sub(r"[^a-z0-9-]+", "-", course.code.lower()).strip("-") or "course"
    return Response(
        body.encode("utf-8-sig"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="item-analysis-{code}-{item.id}.csv"',
            "Cache-Control": "no-store",
        },
    )
