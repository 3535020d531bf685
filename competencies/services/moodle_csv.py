"""Competency frameworks in Moodle's competency-framework CSV (tool_lpimportcsv): the format.

The file has a header and 14 columns (`COLUMNS`): one framework row ("Is framework" = 1) and one
row per competency. How our model maps onto Moodle's columns:

- framework row: "ID number" is the framework code; "Scale values" the level names, lowest
  first, comma-separated; "Scale configuration" Moodle's JSON, whose `proficient` flags give the
  proficient level (every level from it up must be flagged: we count "at or above" as
  proficient); "Taxonomy" Moodle's comma-separated taxonomy per depth.
- Our level policy and evidence rule have no Moodle column. They travel in the framework row's
  "Rule config (optional)" as JSON: ``{"level_policy":"highest_valid","validity_months":24,
  "min_questions_per_level":3}`` (``validity_months`` only with ``highest_valid``;
  ``min_questions_per_level``, 1 to 20, the questions a quiz needs at a level to evidence it,
  3 when left out). Empty (as in Moodle's own exports) means ``{"level_policy":"highest"}``.
  Moodle imports the framework row's rule config without reading it.
- competency rows: "Parent ID number" (empty at the top level; parents may come after their
  children), "ID number" our competency code, "Short name", "Description" with "Description
  format" (we write 2, plain text; on import Moodle's HTML, 1, is turned into plain text), and
  "Cross-referenced competency ID numbers" carries the codes of the reform principles the
  competency serves (P-INT,P-TRA…), not other competencies.
- Moodle's completion rules of a competency ("Rule type/outcome/config" on competency rows) and
  "Exported ID" are not part of our model: they are ignored on import and left empty on export.
- Two columns of our own follow Moodle's 14 (`OUR_COLUMNS`): "External ID", the competency's
  reference in an outside framework (a PICARD area, an EU framework code; Moodle's "ID number"
  is already our code, and its "Exported ID" is Moodle's internal id, used to remap completion
  rules), and "Level descriptors", what an officer at each level can do, as one JSON object
  ``{"1": "…", "2": "…"}`` (levels without a text left out; empty when there are none). Both
  are empty on the framework row. Moodle's importer reads its 14 columns by position and
  ignores the rest, so our files still import into Moodle; a Moodle file without them imports
  here with empty values.

Every cell is written through `spreadsheet_safe` and read through `undo_spreadsheet_safe`.
This module holds the columns, the plain rows and the writing (pure); reading and checking a
file is competencies.services.moodle_csv_reading, the import and export services
competencies.services.framework_csv.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from competencies.rules import DEFAULT_MIN_QUESTIONS
from competencies.services.descriptors import descriptors_json
from lms.exports import spreadsheet_safe

COLUMNS = (
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
)
OUR_COLUMNS = ("External ID", "Level descriptors")
WRITTEN_COLUMNS = COLUMNS + OUR_COLUMNS  # what an export writes
(
    PARENT,
    ID_NUMBER,
    SHORT_NAME,
    DESCRIPTION,
    DESCRIPTION_FORMAT,
    SCALE_VALUES,
    SCALE_CONFIGURATION,
    RULE_TYPE,
    RULE_OUTCOME,
    RULE_CONFIG,
    CROSS_REFERENCES,
    EXPORTED_ID,
    IS_FRAMEWORK,
    TAXONOMY,
    EXTERNAL_ID,
    LEVEL_DESCRIPTORS,
) = range(len(WRITTEN_COLUMNS))

# Moodle's description formats: 0 Moodle auto-format, 1 HTML, 2 plain text, 4 Markdown.
FORMAT_HTML, FORMAT_PLAIN = "1", "2"
TEXT_FORMATS = {"", "0", FORMAT_PLAIN, "4"}
FRAMEWORK_FLAGS = {"1", "true", "yes"}
COMPETENCY_FLAGS = {"", "0", "false", "no"}
MAX_ROWS = 10_000


@dataclass(frozen=True)
class FrameworkRow:
    line: int
    code: str
    name: str
    description: str
    scale: tuple[str, ...]
    proficient_level: int
    level_policy: str
    validity_months: int | None
    taxonomy: str
    min_questions_per_level: int = DEFAULT_MIN_QUESTIONS


@dataclass(frozen=True)
class CompetencyRow:
    line: int
    code: str
    name: str
    description: str
    parent_code: str  # "" at the top level
    principle_codes: tuple[str, ...]
    external_id: str = ""
    level_descriptors: Mapping[str, str] = field(default_factory=dict)  # {"1": text, …}


def scale_configuration(scaleid: str, levels: int, proficient_level: int) -> str:
    """Moodle's scale configuration JSON: level 1 is the default, the top levels proficient."""
    config: list[dict[str, object]] = [{"scaleid": scaleid}]
    config += [
        {"id": level, "scaledefault": int(level == 1), "proficient": int(level >= proficient_level)}
        for level in range(1, levels + 1)
    ]
    return json.dumps(config, separators=(",", ":"))


def rule_config(
    level_policy: str, validity_months: int | None, min_questions_per_level: int
) -> str:
    config: dict[str, object] = {"level_policy": level_policy}
    if validity_months is not None:
        config["validity_months"] = validity_months
    config["min_questions_per_level"] = min_questions_per_level
    return json.dumps(config, separators=(",", ":"))


def write_framework_csv(framework: FrameworkRow, competencies: Sequence[CompetencyRow]) -> str:
    """The file for a framework and its competencies (given parents first)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(WRITTEN_COLUMNS)
    rows = [
        [
            "",
            framework.code,
            framework.name,
            framework.description,
            FORMAT_PLAIN,
            ",".join(framework.scale),
            scale_configuration(framework.code, len(framework.scale), framework.proficient_level),
            "",
            "",
            rule_config(
                framework.level_policy,
                framework.validity_months,
                framework.min_questions_per_level,
            ),
            "",
            "",
            "1",
            framework.taxonomy,
            "",
            "",
        ]
    ]
    rows += [
        [
            row.parent_code,
            row.code,
            row.name,
            row.description,
            FORMAT_PLAIN,
            "",
            "",
            "",
            "",
            "",
            ",".join(row.principle_codes),
            "",
            "0",
            "",
            row.external_id,
            descriptors_json(row.level_descriptors),
        ]
        for row in competencies
    ]
    writer.writerows([[spreadsheet_safe(cell) for cell in row] for row in rows])
    return out.getvalue()
