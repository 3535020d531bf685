"""Builders of Moodle competency-framework CSV text for the framework CSV tests: a framework
line, competency lines, and the file they make."""

from __future__ import annotations

import csv
import io

from competencies.services.moodle_csv import COLUMNS

SCALE_CONFIG = (
    '[{"scaleid":"7"},{"id":1,"scaledefault":1,"proficient":0},'
    '{"id":2,"scaledefault":0,"proficient":1},{"id":3,"scaledefault":0,"proficient":1}]'
)


def framework_line(**changes) -> list[str]:
    row = dict(
        zip(
            COLUMNS,
            [
                "",
                "BORDER",
                "Border skills",
                "Skills at the border.",
                "2",
                "Aware,Trained,Expert",
                SCALE_CONFIG,
                "",
                "",
                '{"level_policy":"highest_valid","validity_months":24}',
                "",
                "",
                "1",
                "competency,skill",
            ],
            strict=True,
        )
    )
    row.update(changes)
    return list(row.values())


def competency_line(code, name="A competency", parent="", principles="P-FAC", **changes):
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        {
            "Parent ID number": parent,
            "ID number": code,
            "Short name": name,
            "Description": f"What {name} means.",
            "Description format": "2",
            "Cross-referenced competency ID numbers": principles,
            "Is framework": "",
        }
    )
    row.update(changes)
    return list(row.values())


def csv_text(*rows: list[str], header=COLUMNS) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
