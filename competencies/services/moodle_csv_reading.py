"""Reading a Moodle competency-framework CSV (see competencies.services.moodle_csv) and
checking it against what the platform holds; pure functions over text and plain data.

Every problem is reported with its line (the header being line 1), so that an import can be
refused whole with the full list.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import nh3

from competencies.models import LevelPolicy
from competencies.rules import DEFAULT_MIN_QUESTIONS
from competencies.services.descriptors import external_id_problems, read_descriptors_json
from competencies.services.frameworks import (
    DESCRIPTION_MAX,
    FRAMEWORK_CODE_MAX,
    MAX_LEVELS,
    NAME_MAX,
    TAXONOMY_MAX,
    min_questions_problems,
    policy_problems,
    scale_problems,
)
from competencies.services.moodle_csv import (
    COLUMNS,
    COMPETENCY_FLAGS,
    CROSS_REFERENCES,
    DESCRIPTION,
    DESCRIPTION_FORMAT,
    EXTERNAL_ID,
    FORMAT_HTML,
    FRAMEWORK_FLAGS,
    ID_NUMBER,
    IS_FRAMEWORK,
    LEVEL_DESCRIPTORS,
    MAX_ROWS,
    OUR_COLUMNS,
    PARENT,
    RULE_CONFIG,
    SCALE_CONFIGURATION,
    SCALE_VALUES,
    SHORT_NAME,
    TAXONOMY,
    TEXT_FORMATS,
    WRITTEN_COLUMNS,
    CompetencyRow,
    FrameworkRow,
)
from courses.authoring.services.structure import COMPETENCY_CODE
from lms.csvfiles import RowError, csv_reader, data_rows
from lms.exports import undo_spreadsheet_safe


@dataclass
class FrameworkFile:
    """A parsed file: the framework, its competencies in file order, and every problem."""

    framework: FrameworkRow | None = None
    competencies: list[CompetencyRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.framework is not None and not self.errors


@dataclass(frozen=True)
class Directory:
    """What a file is checked against: what the platform already holds."""

    framework_codes: frozenset[str]
    competency_frameworks: Mapping[str, str]  # competency code -> its framework's code
    principle_codes: frozenset[str]


def parse_framework_csv(text: str) -> FrameworkFile:
    """Read a framework file, reporting every problem that needs nothing but the file."""
    parsed = FrameworkFile()
    reader = csv_reader(text)
    try:
        header = next(reader)
    except StopIteration:
        parsed.errors.append(RowError(1, "The file is empty."))
        return parsed
    except csv.Error as error:
        parsed.errors.append(RowError(1, f"The header cannot be read as CSV: {error}."))
        return parsed
    folded = [name.strip().casefold() for name in header]
    if folded not in ([n.casefold() for n in COLUMNS], [n.casefold() for n in WRITTEN_COLUMNS]):
        parsed.errors.append(
            RowError(
                1,
                f"The header has {len(header)} column(s) that are not Moodle's competency "
                f"framework columns. Expected these {len(COLUMNS)}, in this order: "
                + ", ".join(f'"{name}"' for name in COLUMNS)
                + ", optionally followed by "
                + " and ".join(f'"{name}"' for name in OUR_COLUMNS)
                + ".",
            )
        )
        return parsed
    framework_rows: list[tuple[int, list[str]]] = []
    competency_rows: list[tuple[int, list[str]]] = []
    width_rule = f"every row needs {len(header)}"
    for start, values in data_rows(reader, parsed.errors, width=len(header), width_rule=width_rule):
        values = [undo_spreadsheet_safe(value).strip() for value in values]
        values += [""] * (len(WRITTEN_COLUMNS) - len(values))  # a Moodle file: ours are empty
        flag = values[IS_FRAMEWORK].casefold()
        if flag in FRAMEWORK_FLAGS:
            framework_rows.append((start, values))
        elif flag in COMPETENCY_FLAGS:
            competency_rows.append((start, values))
        else:
            parsed.errors.append(
                RowError(
                    start,
                    f"'Is framework' is '{values[IS_FRAMEWORK]}': use 1 on the framework row and "
                    "leave it empty (or 0) on competency rows.",
                )
            )
    if len(competency_rows) > MAX_ROWS:
        parsed.errors.append(
            RowError(1, f"The file has {len(competency_rows)} competencies; at most {MAX_ROWS}.")
        )
        return parsed
    if not framework_rows:
        parsed.errors.append(
            RowError(1, "The file has no framework row (a row with 'Is framework' = 1).")
        )
    for extra_line, _ in framework_rows[1:]:
        parsed.errors.append(
            RowError(
                extra_line,
                f"A second framework row (the first is on line {framework_rows[0][0]}); a file "
                "holds one framework.",
            )
        )
    if framework_rows:
        parsed.framework = _read_framework_row(*framework_rows[0], parsed.errors)
    _read_competency_rows(competency_rows, parsed)
    parsed.errors.sort(key=lambda error: error.line)
    return parsed


def _read_framework_row(line: int, values: list[str], errors: list[RowError]) -> FrameworkRow:
    problems: list[str] = []
    code, name = values[ID_NUMBER], values[SHORT_NAME]
    if not code:
        problems.append("the framework's ID number is empty")
    elif len(code) > FRAMEWORK_CODE_MAX:
        problems.append(f"the framework's ID number is longer than {FRAMEWORK_CODE_MAX} characters")
    problems += _name_problems(name, "framework")
    description = _read_description(values, problems)
    scale = tuple(level.strip() for level in values[SCALE_VALUES].split(","))
    if not values[SCALE_VALUES]:
        problems.append("'Scale values' is empty: list the level names, lowest first")
    else:
        problems += [_lower_first(problem) for problem in scale_problems(scale)]
    proficient_level = _read_scale_configuration(values[SCALE_CONFIGURATION], len(scale), problems)
    level_policy, validity_months, min_questions = _read_rule_config(values[RULE_CONFIG], problems)
    taxonomy = values[TAXONOMY]
    if len(taxonomy) > TAXONOMY_MAX:
        problems.append(f"'Taxonomy' is longer than {TAXONOMY_MAX} characters")
    if problems:
        errors.append(RowError(line, _sentence(problems)))
    return FrameworkRow(
        line,
        code,
        name,
        description,
        scale,
        proficient_level,
        level_policy,
        validity_months,
        taxonomy,
        min_questions,
    )


def _read_scale_configuration(raw: str, levels: int, problems: list[str]) -> int:
    """The proficient level from Moodle's scale configuration JSON (0 when unreadable)."""
    if not raw:
        problems.append("'Scale configuration' is empty: it must flag the proficient levels")
        return 0
    try:
        config = json.loads(raw)
    except ValueError:
        problems.append("'Scale configuration' is not valid JSON")
        return 0
    if (
        not isinstance(config, list)
        or not config
        or not isinstance(config[0], dict)
        or "scaleid" not in config[0]
    ):
        problems.append(
            "'Scale configuration' must be a JSON list starting with {\"scaleid\": …}, then "
            'one {"id": level, "scaledefault": 0 or 1, "proficient": 0 or 1} per level'
        )
        return 0
    proficient: set[int] = set()
    seen: set[int] = set()
    for item in config[1:]:
        level = item.get("id") if isinstance(item, dict) else None
        flag = item.get("proficient", 0) if isinstance(item, dict) else None
        if (
            not isinstance(level, int)
            or isinstance(level, bool)
            or not 1 <= level <= levels
            or flag not in (0, 1)  # True and False compare equal to 1 and 0
        ):
            problems.append(
                f"'Scale configuration' has an entry {json.dumps(item)}: each needs an id from "
                f"1 to {levels} and a proficient flag of 0 or 1"
            )
            return 0
        if level in seen:
            problems.append(f"'Scale configuration' lists level {level} twice")
            return 0
        seen.add(level)
        if flag:
            proficient.add(level)
    if not proficient:
        problems.append("'Scale configuration' flags no level as proficient")
        return 0
    lowest = min(proficient)
    if proficient != set(range(lowest, levels + 1)):
        problems.append(
            "'Scale configuration' must flag as proficient every level from the lowest "
            "proficient one up to the highest (here a level in between or at the top is not)"
        )
        return 0
    return lowest


RULE_CONFIG_KEYS = {"level_policy", "validity_months", "min_questions_per_level"}


def _read_rule_config(raw: str, problems: list[str]) -> tuple[str, int | None, int]:
    """Our level policy and evidence rule from the framework row's rule config (see the
    module docstring)."""
    default = (LevelPolicy.HIGHEST.value, None, DEFAULT_MIN_QUESTIONS)
    if raw in ("", "null"):
        return default
    try:
        config = json.loads(raw)
    except ValueError:
        config = None
    if not isinstance(config, dict) or set(config) - RULE_CONFIG_KEYS:
        problems.append(
            "'Rule config (optional)' on the framework row must be empty or JSON like "
            '{"level_policy": "highest_valid", "validity_months": 24, '
            '"min_questions_per_level": 3}'
        )
        return default
    policy = config.get("level_policy", LevelPolicy.HIGHEST.value)
    months = config.get("validity_months")
    min_questions = config.get("min_questions_per_level", DEFAULT_MIN_QUESTIONS)
    if not isinstance(policy, str) or not (
        (months is None or _whole(months)) and _whole(min_questions)
    ):
        problems.append(
            "'Rule config (optional)': level_policy must be text, validity_months a whole "
            "number of months and min_questions_per_level a whole number"
        )
        return default
    problems += [_lower_first(problem) for problem in policy_problems(policy, months)]
    problems += [_lower_first(problem) for problem in min_questions_problems(min_questions)]
    return policy, months, min_questions


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_competency_rows(rows: list[tuple[int, list[str]]], parsed: FrameworkFile) -> None:
    first_line: dict[str, int] = {}
    scale = ",".join(parsed.framework.scale) if parsed.framework else None
    for line, values in rows:
        problems: list[str] = []
        code = values[ID_NUMBER]
        if not code:
            problems.append("the ID number is empty")
        elif not COMPETENCY_CODE.match(code):
            problems.append(
                f"the ID number '{code}' is not a competency code: 1 to 32 capital letters, "
                "digits and hyphens, starting with a letter or digit"
            )
        elif code in first_line:
            problems.append(f"the ID number {code} is repeated (first on line {first_line[code]})")
        if code and code not in first_line:
            first_line[code] = line
        problems += _name_problems(values[SHORT_NAME], "competency")
        description = _read_description(values, problems)
        if values[SCALE_VALUES] and scale is not None and values[SCALE_VALUES] != scale:
            problems.append(
                "the competency has a scale of its own; every competency uses its framework's "
                "scale (leave 'Scale values' empty)"
            )
        references = values[CROSS_REFERENCES].split(",")
        principles = tuple(dict.fromkeys(part.strip() for part in references if part.strip()))
        problems += [_lower_first(p) for p in external_id_problems(values[EXTERNAL_ID])]
        levels = len(parsed.framework.scale) if parsed.framework else MAX_LEVELS
        descriptors, found = read_descriptors_json(values[LEVEL_DESCRIPTORS], levels)
        problems += [_lower_first(problem) for problem in found]
        if problems:
            parsed.errors.append(RowError(line, _sentence(problems)))
        parsed.competencies.append(
            CompetencyRow(
                line,
                code,
                values[SHORT_NAME],
                description,
                values[PARENT],
                principles,
                values[EXTERNAL_ID],
                descriptors,
            )
        )
    _check_tree(parsed)


def _check_tree(parsed: FrameworkFile) -> None:
    """Unknown parents and cycles; a parent may come before or after its children."""
    by_code = {row.code: row for row in reversed(parsed.competencies) if row.code}
    for row in parsed.competencies:
        if not row.parent_code:
            continue
        if row.parent_code == row.code:
            parsed.errors.append(RowError(row.line, f"{row.code} is its own parent."))
            continue
        if row.parent_code not in by_code:
            parsed.errors.append(
                RowError(
                    row.line,
                    f"The parent ID number {row.parent_code} is not a competency in this file.",
                )
            )
            continue
        chain = [row.code]
        ancestor = by_code[row.parent_code]
        while ancestor.code not in chain:
            chain.append(ancestor.code)
            if ancestor.parent_code not in by_code:
                break  # the top, or an unknown parent reported on its own row
            ancestor = by_code[ancestor.parent_code]
        if ancestor.code == row.code:
            parsed.errors.append(
                RowError(
                    row.line,
                    f"{row.code} is its own ancestor: {' → '.join([*chain, row.code])}.",
                )
            )


def _name_problems(name: str, what: str) -> list[str]:
    if not name:
        return [f"the {what}'s short name is empty"]
    if len(name) > NAME_MAX:
        return [f"the {what}'s short name is longer than {NAME_MAX} characters"]
    return []


def _read_description(values: list[str], problems: list[str]) -> str:
    text, text_format = values[DESCRIPTION], values[DESCRIPTION_FORMAT]
    if text_format == FORMAT_HTML:
        text = html_to_text(text)
    elif text_format not in TEXT_FORMATS:
        problems.append(
            f"'Description format' is '{text_format}': use 2 (plain text), 1 (HTML), "
            "0 or 4 (Markdown)"
        )
    if len(text) > DESCRIPTION_MAX:
        problems.append(f"the description is longer than {DESCRIPTION_MAX} characters")
    return text


def html_to_text(fragment: str) -> str:
    """Plain text from a Moodle HTML description: tags dropped, paragraphs kept as lines."""
    fragment = re.sub(r"(?i)<br\s*/?>|</p\s*>|</li\s*>|</h\d\s*>", "\n", fragment)
    text = html.unescape(nh3.clean(fragment, tags=set(), clean_content_tags={"script", "style"}))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:].rstrip(".")


def _sentence(problems: list[str]) -> str:
    text = "; ".join(problems)
    return text[:1].upper() + text[1:] + "."


def check_against(parsed: FrameworkFile, directory: Directory) -> list[RowError]:
    """The problems of a parsed file against what the platform already holds (pure)."""
    errors: list[RowError] = []
    framework = parsed.framework
    if framework is not None and framework.code in directory.framework_codes:
        errors.append(
            RowError(
                framework.line,
                f"A framework with ID number {framework.code} already exists. An import never "
                "changes an existing framework: edit it on the platform, or give the file's "
                "framework a new ID number.",
            )
        )
    for row in parsed.competencies:
        problems = []
        owner = directory.competency_frameworks.get(row.code)
        if owner is not None:
            problems.append(
                f"the ID number {row.code} is already used by a competency of framework {owner} "
                "(codes are unique across frameworks)"
            )
        unknown = [code for code in row.principle_codes if code not in directory.principle_codes]
        if unknown:
            problems.append(
                f"unknown reform principle code(s) {', '.join(unknown)} in 'Cross-referenced "
                f"competency ID numbers' (known: {', '.join(sorted(directory.principle_codes))})"
            )
        if problems:
            errors.append(RowError(row.line, _sentence(problems)))
    return errors


def check_framework_csv(text: str, directory: Directory) -> FrameworkFile:
    """Parse a file and check it against the directory: every problem, by line (pure)."""
    parsed = parse_framework_csv(text)
    if parsed.framework is not None or parsed.competencies:
        parsed.errors = sorted(
            parsed.errors + check_against(parsed, directory), key=lambda error: error.line
        )
    return parsed
