"""A quiz's stored item analysis as the trainer reads it: the flags in words, the cut-offs
stated, and the CSV (every cell through lms.exports.spreadsheet_safe)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import lazy_gettext as _l

from courses.learning import item_statistics as stats
from courses.learning.models import CourseItem, ItemAnalysis
from courses.learning.services.item_analysis import plain_text
from lms.exports import spreadsheet_safe

FLAG_LABELS = {
    stats.TOO_FEW_ATTEMPTS: _l("too few attempts to judge"),
    stats.FLAG_TOO_EASY: _l("too easy"),
    stats.FLAG_TOO_HARD: _l("too hard"),
    stats.FLAG_NEGATIVE_DISCRIMINATION: _l("negative discrimination"),
    stats.FLAG_UNUSED_DISTRACTOR: _l("a wrong choice nobody picks"),
}


def cut_offs() -> dict[str, Any]:
    """The thresholds the flags use, for the page to state."""
    return {
        "min_attempts": stats.MIN_ATTEMPTS,
        "too_easy": round(100 * stats.TOO_EASY),
        "too_hard": round(100 * stats.TOO_HARD),
        "negative": stats.NEGATIVE_DISCRIMINATION,
    }


def flag_words(flags: list[str]) -> list[str]:
    return [str(FLAG_LABELS.get(flag, flag)) for flag in flags]


def share(picked: int, shown: int) -> float | None:
    return picked / shown if shown else None


def percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


CSV_HEADERS = [
    "Quiz",
    "Position",
    "Question id",
    "Question",
    "Type",
    "Competency",
    "Level",
    "Attempts",
    "Facility (%)",
    "Discrimination",
    "Flags",
    "Choice",
    "Choice worth (%)",
    "Choice shown",
    "Choice picked",
    "Choice share (%)",
]


def analysis_csv(item: CourseItem, analysis: ItemAnalysis | None) -> str:
    """One row per choice of each question (one row for a question without choices); the
    question's figures repeat on its choices' rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(header) for header in CSV_HEADERS])
    for question in analysis.questions if analysis else ():
        figures: list[Any] = [
            item.title,
            question.position,
            question.question_id,
            question.text,
            question.qtype,
            question.competency_code or "",
            question.level,
            question.attempts,
            percent(question.facility),
            None if question.discrimination is None else round(question.discrimination, 3),
            "; ".join(flag_words(question.flags)),
        ]
        choices = question.choices or [None]
        for choice in choices:
            if choice is None:
                extra: list[Any] = ["", "", "", "", ""]
            else:
                extra = [
                    plain_text(choice["label_html"]),
                    percent(choice["fraction"]),
                    choice["shown"],
                    choice["picked"],
                    percent(share(choice["picked"], choice["shown"])),
                ]
            writer.writerow([spreadsheet_safe(cell) for cell in figures + extra])
    return out.getvalue()
