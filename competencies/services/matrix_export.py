"""The matrix views as tables for CSV and XLSX. Every cell of both formats goes through
lms.exports.spreadsheet_safe, so an officer named "=HYPERLINK(…)" stays text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from competencies.services.gaps import CompetencyInfo, Group
from competencies.services.matrix import (
    OWN_STAFF,
    TOTAL,
    OfficerLine,
    OfficerRef,
    Post,
    PostStats,
    Readiness,
    UnitLine,
)
from lms.exports import spreadsheet_safe


@dataclass(frozen=True)
class ExportTable:
    sheet: str  # the worksheet's name: 31 characters at most, none of []:*?/\
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _mean(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def officers_table(
    columns: Sequence[CompetencyInfo], lines: Iterable[OfficerLine], **_: Any
) -> ExportTable:
    """One row per officer; per competency: current level, required level, gap (blank when
    the position does not require it)."""
    headers = ["Officer", "Service number", "Unit", "Position"]
    for column in columns:
        headers += [f"{column.code} level", f"{column.code} required", f"{column.code} gap"]
    rows = []
    for line in lines:
        row: list[Any] = [
            line.officer.full_name,
            line.officer.service_number,
            line.officer.unit_name,
            line.officer.position_title,
        ]
        for cell in line.cells:
            row += [cell.level, cell.required, cell.gap]
        rows.append(row)
    return ExportTable("Officers", headers, rows)


def units_table(
    columns: Sequence[CompetencyInfo], lines: Iterable[UnitLine], **_: Any
) -> ExportTable:
    headers = ["Unit", "Unit code", "Rows"]
    for column in columns:
        headers += [
            f"{column.code} posts",
            f"{column.code} meeting",
            f"{column.code} below",
            f"{column.code} mean gap",
        ]
    what = {TOTAL: "whole unit", OWN_STAFF: "own staff"}
    rows = []
    for line in lines:
        row: list[Any] = [line.unit.name, line.unit.code, what.get(line.kind, "sub-unit")]
        for stats in line.cells:
            row += [stats.posts, stats.meeting, stats.below, _mean(stats.mean_gap)]
        rows.append(row)
    return ExportTable("Units", headers, rows)


def rollup_table(
    groups: Iterable[Group[tuple[CompetencyInfo, PostStats]]], overall: PostStats, **_: Any
) -> ExportTable:
    headers = [
        "Group",
        "Competency code",
        "Competency",
        "Framework",
        "Posts",
        "Meeting",
        "Share meeting (%)",
        "Mean gap",
        "Below",
    ]
    rows = []
    for group in groups:
        for info, stats in group.items:
            rows.append(
                [
                    f"{group.code} {group.name}" if group.is_principle else group.name,
                    info.code,
                    info.name,
                    info.framework_name,
                    stats.posts,
                    stats.meeting,
                    _percent(stats.share_meeting),
                    _mean(stats.mean_gap),
                    stats.below,
                ]
            )
    rows.append(
        [
            "All",
            "",
            "",
            "",
            overall.posts,
            overall.meeting,
            _percent(overall.share_meeting),
            _mean(overall.mean_gap),
            overall.below,
        ]
    )
    return ExportTable("Roll-up", headers, rows)


def drilldown_table(
    officers: Iterable[OfficerRef],
    posts: Mapping[int, Sequence[Post]],
    infos: Mapping[int, CompetencyInfo],
    **_: Any,
) -> ExportTable:
    headers = [
        "Officer",
        "Service number",
        "Unit",
        "Position",
        "Competency code",
        "Competency",
        "Level",
        "Required",
        "Gap",
        "Mandatory",
    ]
    rows = []
    for officer in officers:
        for post in posts.get(officer.id, ()):
            info = infos[post.competency_id]
            rows.append(
                [
                    officer.full_name,
                    officer.service_number,
                    officer.unit_name,
                    officer.position_title,
                    info.code,
                    info.name,
                    post.level,
                    post.required,
                    post.gap,
                    "yes" if post.mandatory else "no",
                ]
            )
    return ExportTable("Officers", headers, rows)


def readiness_table(bars: Iterable[Readiness], **_: Any) -> ExportTable:
    headers = ["Principle code", "Principle", "Required posts", "Proficient", "Share (%)"]
    rows = [
        [
            bar.principle.code,
            bar.principle.name,
            bar.stats.posts,
            bar.stats.proficient,
            _percent(bar.stats.share_proficient),
        ]
        for bar in bars
    ]
    return ExportTable("Readiness", headers, rows)


def _safe_row(row: Iterable[Any]) -> list[Any]:
    return [spreadsheet_safe("" if value is None else value) for value in row]


def write_csv(table: ExportTable) -> str:
    """The table as CSV text, every cell made spreadsheet-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_safe_row(table.headers))
    for row in table.rows:
        writer.writerow(_safe_row(row))
    return out.getvalue()


def write_xlsx(table: ExportTable) -> bytes:
    """The table as a one-sheet workbook (write-only, so memory stays flat), every cell made
    spreadsheet-safe. Characters XML cannot carry are dropped first, so that dropping them
    cannot uncover a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.sheet)
    for row in [table.headers, *table.rows]:
        sheet.append(
            _safe_row(
                ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
                for value in row
            )
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
