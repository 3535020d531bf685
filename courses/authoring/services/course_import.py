"""Importing a course: reading a course folder or zip (course.json, Markdown lessons and task
instructions, GIFT question banks) into a checked plan, then creating the course from it.

Import checks everything first and reports every problem with its file and line; nothing is
written unless all is well.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from collections.abc import Container
from datetime import datetime
from pathlib import Path
from typing import Any

from courses.authoring.gift import parse_gift
from courses.authoring.services import authored_courses, publishing, quizzes, structure, tasks
from courses.authoring.services.course_format import (
    BANK_FILE,
    MANIFEST,
    CourseFileErrors,
    CoursePlan,
    check_bank,
    check_item_title,
    check_manifest,
    check_module,
    check_quiz,
    check_task,
    question_input,
    quiz_review,
    rubric_criteria,
    task_settings,
)
from courses.authoring.services.questions import save_question
from courses.events import UnknownCompetencies
from courses.learning.models import Course, CourseStatus, ItemKind
from courses.learning.services.principles import ensure_principles, principles_by_code
from lms.errors import DomainError
from lms.events import ask
from lms.extensions import db

# A course zip uploaded through the web: its size, its unpacked size and its files are limited.
MAX_ZIP_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ZIP_FILES = 300
ZIP_SUFFIXES = (".json", ".md", ".gift")


def _read_text(path: Path, problems: list[str], label: str) -> str | None:
    if not path.is_file():
        problems.append(f"{label}: file not found.")
        return None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problems.append(f"{label}: not UTF-8 text (byte {error.start + 1}).")
        return None


def _read_manifest(folder: Path) -> dict[str, Any]:
    """course.json as a JSON object; raises CourseFileErrors when it cannot be one."""
    where = f"{folder.name}/{MANIFEST}"
    problems: list[str] = []
    text = _read_text(folder / MANIFEST, problems, where)
    if text is None:
        raise CourseFileErrors(problems)
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as error:
        raise CourseFileErrors([f"{where}:{error.lineno}: {error.msg}."]) from None
    if not isinstance(manifest, dict):
        raise CourseFileErrors([f"{where}: the manifest must be a JSON object."])
    return manifest


def _read_lesson(
    folder: Path, item: dict[str, Any], where: str, plan: CoursePlan, problems: list[str]
) -> bool:
    """Read a lesson's Markdown file into the plan; False when the item names no usable file."""
    name = str(item.get("file", ""))
    if not name or "/" in name or name.startswith("."):
        problems.append(f"{where}: a lesson needs a 'file' in the course folder.")
        return False
    lesson = _read_text(folder / name, problems, f"{folder.name}/{name}")
    if lesson is not None:
        plan.lessons[name] = lesson
    return True


def _read_bank(
    folder: Path, item: dict[str, Any], where: str, plan: CoursePlan, problems: list[str]
) -> None:
    """Read and check the GIFT bank a quiz draws from, once however many quizzes name it."""
    bank = str(item.get("bank", BANK_FILE))
    if "/" in bank or bank.startswith("."):
        problems.append(f"{where}: 'bank' must name a file in the course folder.")
        return
    if bank in plan.banks:
        return
    plan.banks[bank] = []
    label = f"{folder.name}/{bank}"
    source = _read_text(folder / bank, problems, label)
    if source is None:
        return
    questions, errors = parse_gift(source)
    problems.extend(f"{label}:{e.line}: {e.message}" for e in errors)
    check_bank(questions, label, problems)
    plan.banks[bank] = questions


def _read_task(
    folder: Path, item: dict[str, Any], where: str, plan: CoursePlan, problems: list[str]
) -> None:
    """Check a task's settings and rubric, and read its instructions into the plan."""
    check_task(item, where, problems)
    name = str(item.get("file", ""))
    if not name or "/" in name or name.startswith("."):
        problems.append(f"{where}: a task needs a 'file' in the course folder: its instructions.")
        return
    instructions = _read_text(folder / name, problems, f"{folder.name}/{name}")
    if instructions is not None:
        plan.instructions[name] = instructions


def _read_item(folder: Path, item: Any, where: str, plan: CoursePlan, problems: list[str]) -> None:
    kind = item.get("type") if isinstance(item, dict) else None
    if kind == ItemKind.LESSON:
        if not _read_lesson(folder, item, where, plan, problems):
            return
    elif kind == ItemKind.QUIZ:
        check_quiz(item, where, problems)
        _read_bank(folder, item, where, plan, problems)
    elif kind == ItemKind.TASK:
        _read_task(folder, item, where, plan, problems)
    else:
        problems.append(f"{where}: 'type' must be 'lesson', 'quiz' or 'task'.")
    check_item_title(item, where, problems)


def read_course_folder(
    folder: Path, known_principles: Container[str], problems: list[str]
) -> CoursePlan:
    """Read and check a course folder's files, appending every problem found; no database
    (`lms catalogue list` reads the catalogue with it). Raises CourseFileErrors only when
    course.json cannot be read as a JSON object."""
    manifest = _read_manifest(folder)
    where = f"{folder.name}/{MANIFEST}"
    check_manifest(manifest, where, problems)
    plan = CoursePlan(manifest)
    modules = manifest.get("modules") if isinstance(manifest.get("modules"), list) else []
    for m_index, module in enumerate(modules, start=1):
        m_where = f"{where}: module {m_index}"
        if not check_module(module, m_where, known_principles, problems):
            continue
        for i_index, item in enumerate(module.get("items") or [], start=1):
            _read_item(folder, item, f"{m_where}, item {i_index}", plan, problems)
    return plan


def plan_import(folder: Path) -> CoursePlan:
    """Read and check a course folder against the database's principles and frameworks;
    raises CourseFileErrors listing every problem."""
    problems: list[str] = []
    plan = read_course_folder(folder, principles_by_code(), problems)
    _check_competencies_known(plan, f"{folder.name}/{MANIFEST}", problems)
    if problems:
        raise CourseFileErrors(problems)
    return plan


def _check_competencies_known(plan: CoursePlan, where: str, problems: list[str]) -> None:
    """One problem naming every competency code of the modules and banks that no framework
    holds: a course pointing at them would grade attempts that leave no evidence, and issue
    certificates aligned to nothing. Competencies answer (courses do not import them)."""
    modules = plan.manifest.get("modules")
    codes = {
        code
        for module in (modules if isinstance(modules, list) else [])
        if isinstance(module, dict) and isinstance(module.get("competencies"), list)
        for code in module["competencies"]
        if isinstance(code, str)
    }
    codes |= {q.competency_code for bank in plan.banks.values() for q in bank if q.competency_code}
    codes |= _rubric_codes(modules if isinstance(modules, list) else [])
    unknown = ask(UnknownCompetencies(frozenset(codes))) if codes else frozenset()
    if unknown:
        problems.append(
            f"{where}: no framework holds the competency code(s) {', '.join(sorted(unknown))}; "
            "load the frameworks first (flask frameworks load-defaults, or import the "
            "framework that defines them)."
        )


def _rubric_codes(modules: list[Any]) -> set[str]:
    """The competency codes the tasks' rubrics name (the entries may not all be sound yet)."""
    return {
        row["competency"]
        for module in modules
        if isinstance(module, dict) and isinstance(module.get("items"), list)
        for item in module["items"]
        if isinstance(item, dict) and item.get("type") == ItemKind.TASK
        for row in (item.get("rubric") if isinstance(item.get("rubric"), list) else [])
        if isinstance(row, dict)
        and isinstance(row.get("competency"), str)
        and structure.COMPETENCY_CODE.match(row["competency"])  # else check_task says so
    }


def _add_task(module: Any, entry: dict[str, Any], instructions: str) -> None:
    item = tasks.add_task(
        module,
        entry["title"],
        instructions,
        task_settings(entry),
        required=entry.get("required", True),
    )
    for criterion in rubric_criteria(entry):
        tasks.add_criterion(item.task, criterion)


def _quiz_settings(entry: dict[str, Any]) -> quizzes.QuizSettings:
    draw = entry.get("draw", {"mode": "all"})
    kind, shows, when = quiz_review(entry)
    closes_at = entry.get("closes_at")
    return quizzes.QuizSettings(
        pass_mark=entry.get("pass_mark", 70),
        attempts_allowed=entry.get("attempts_allowed", 3),
        time_limit_minutes=entry.get("time_limit_minutes"),
        category=entry.get("category", ""),
        draw_mode=draw.get("mode", "all"),
        draw_per_level={str(k): int(v) for k, v in draw.get("per_level", {}).items()},
        draw_count=draw.get("count"),
        shuffle_questions=entry.get("shuffle_questions", True),
        shuffle_choices=entry.get("shuffle_choices", True),
        kind=kind,
        review_shows=shows,
        review_when=when,
        closes_at=datetime.fromisoformat(closes_at) if closes_at else None,
    )


def import_course(folder: Path, *, training_unit_id: int, publish: bool = False) -> Course:
    """Create a course from a folder (all or nothing). The caller commits."""
    plan = plan_import(folder)
    manifest = plan.manifest
    try:
        with db.session.begin_nested():
            course = authored_courses.create_course(
                authored_courses.CourseDetails(
                    manifest["code"],
                    manifest["title"],
                    manifest.get("summary", ""),
                    manifest.get("validity_months"),
                    manifest.get("recertify", False),
                ),
                training_unit_id=training_unit_id,
            )
            for bank in plan.banks.values():
                for question in bank:
                    save_question(course, None, question_input(question))
            for module_entry in manifest["modules"]:
                module = structure.add_module(
                    course,
                    module_entry["title"],
                    module_entry.get("principles", []),
                    module_entry.get("competencies", []),
                )
                for item in module_entry.get("items", []):
                    required = item.get("required", True)
                    if item["type"] == ItemKind.LESSON:
                        structure.add_lesson(
                            module, item["title"], plan.lessons[item["file"]], required=required
                        )
                    elif item["type"] == ItemKind.TASK:
                        _add_task(module, item, plan.instructions[item["file"]])
                    else:
                        quizzes.add_quiz(
                            module, item["title"], _quiz_settings(item), required=required
                        )
            if publish:
                db.session.refresh(course)
                publishing.set_status(course, CourseStatus.PUBLISHED.value)
    except DomainError as error:
        # A used course code is a Conflict, not a ValidationError: it too is a problem of
        # the folder, reported like the others (the CLI and the import page list these).
        if isinstance(error, CourseFileErrors):
            raise
        raise CourseFileErrors([f"{folder.name}/{MANIFEST}: {error.message}"]) from None
    return course


def import_courses(
    folders: list[Path], *, training_unit_id: int, publish: bool = False
) -> list[Course]:
    """Create a course from each folder, all or nothing: raises CourseFileErrors listing every
    folder's problems (the caller rolls back what the others wrote). The caller commits."""
    problems: list[str] = []
    imported = []
    for folder in folders:
        try:
            imported.append(
                import_course(folder, training_unit_id=training_unit_id, publish=publish)
            )
        except CourseFileErrors as error:
            problems.extend(error.problems)
    if problems:
        raise CourseFileErrors(problems)
    return imported


def course_code_of(folder: Path) -> str:
    """The code a course folder's manifest gives; raises CourseFileErrors when it gives none."""
    code = _read_manifest(folder).get("code")
    if not (isinstance(code, str) and code.strip()):
        raise CourseFileErrors([f"{folder.name}/{MANIFEST}: 'code' must be a non-empty text."])
    return code.strip()


def course_folders(path: Path) -> list[Path]:
    """`path` itself when it is a course folder, else its sub-folders that are."""
    if (path / MANIFEST).is_file():
        return [path]
    return sorted(child for child in path.iterdir() if (child / MANIFEST).is_file())


# Course folders as zip files, for the authoring pages ------------------------------------


def _member_problem(name: str) -> str | None:
    parts = re.split(r"[\\/]", name)
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return f"{name}: absolute paths are refused."
    if ".." in parts:
        return f"{name}: paths with '..' are refused."
    if not name.lower().endswith(ZIP_SUFFIXES):
        return f"{name}: only .json, .md and .gift files can be in a course zip."
    return None


def unpack_course_zip(data: bytes, destination: Path, name: str = "course") -> Path:
    """Check a course zip and unpack it under `destination`; returns the course folder.

    Every member is checked before anything is written: no absolute path, no '..', only
    .json/.md/.gift files, and limits on the zip's size, its unpacked size and its number of
    files. Raises CourseFileErrors listing every problem."""
    if len(data) > MAX_ZIP_BYTES:
        raise CourseFileErrors(
            [f"The zip is {len(data) // 1024} KB; at most {MAX_ZIP_BYTES // 1024} KB is accepted."]
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise CourseFileErrors(["The file is not a zip archive."]) from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        problems = [p for p in (_member_problem(info.filename) for info in members) if p]
        if len(members) > MAX_ZIP_FILES:
            problems.append(f"The zip holds {len(members)} files; at most {MAX_ZIP_FILES}.")
        if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
            problems.append(
                f"The zip unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB."
            )
        if problems:
            raise CourseFileErrors(problems)
        root = (destination / "unpacked").resolve()
        root.mkdir(parents=True)
        unpacked = 0
        for info in members:
            target = (root / info.filename).resolve()
            if not target.is_relative_to(root):  # the checks above make this unreachable
                raise CourseFileErrors([f"{info.filename}: the path leaves the course folder."])
            try:
                with archive.open(info) as member:
                    content = member.read(MAX_UNPACKED_BYTES + 1 - unpacked)
            except (zipfile.BadZipFile, RuntimeError, ValueError, OSError) as error:
                raise CourseFileErrors([f"{info.filename}: cannot be read ({error})."]) from None
            unpacked += len(content)
            if unpacked > MAX_UNPACKED_BYTES:
                raise CourseFileErrors(
                    [f"The zip unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB."]
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    folders = course_folders(root)
    if not folders:
        raise CourseFileErrors(
            [f"No {MANIFEST} found: zip the course folder, or the files inside it."]
        )
    if len(folders) > 1:
        raise CourseFileErrors(
            [f"The zip holds {len(folders)} courses; import one course at a time."]
        )
    if folders[0] == root:  # the files were zipped without their folder: name it after the zip
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(name).stem).strip("-")[:60] or "course"
        return root.rename(destination / stem)
    return folders[0]


def import_course_zip(data: bytes, filename: str, *, training_unit_id: int) -> Course:
    """Create a course from a zip of its folder (all or nothing). The caller commits."""
    ensure_principles()  # reference data the manifest names, as the CLI import does
    with tempfile.TemporaryDirectory() as tmp:
        folder = unpack_course_zip(data, Path(tmp), filename)
        return import_course(folder, training_unit_id=training_unit_id)
