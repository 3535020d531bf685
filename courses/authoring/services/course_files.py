"""Courses as files: a folder with course.json, Markdown lessons and GIFT question banks.

The format is described in courses/catalogue/README.md. Import checks everything first and
reports every problem with its file and line; nothing is written unless all is well.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from courses.authoring.gift import GiftQuestion, parse_gift, write_gift
from courses.authoring.services import authored_courses, publishing, quizzes, structure
from courses.authoring.services.questions import (
    QuestionInput,
    bank_of,
    check_question,
    save_question,
)
from courses.learning.models import Course, CourseStatus, ItemKind, Question
from courses.learning.models.questions import DrawMode, ReviewMode
from courses.learning.services.principles import ensure_principles, principles_by_code
from lms.errors import DomainError, ValidationError
from lms.extensions import db

MANIFEST = "course.json"
BANK_FILE = "questions.gift"
# A course zip uploaded through the web: its size, its unpacked size and its files are limited.
MAX_ZIP_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ZIP_FILES = 300
ZIP_SUFFIXES = (".json", ".md", ".gift")


class CourseFileErrors(ValidationError):
    """Every problem found in a course folder, each as 'file:line: message'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was imported.")
        self.problems = problems


@dataclass
class _Plan:
    manifest: dict[str, Any]
    lessons: dict[str, str] = field(default_factory=dict)
    banks: dict[str, list[GiftQuestion]] = field(default_factory=dict)


def _read_text(path: Path, problems: list[str], label: str) -> str | None:
    if not path.is_file():
        problems.append(f"{label}: file not found.")
        return None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problems.append(f"{label}: not UTF-8 text (byte {error.start + 1}).")
        return None


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_quiz(entry: dict[str, Any], where: str, problems: list[str]) -> None:
    draw = entry.get("draw", {"mode": "all"})
    per_level = draw.get("per_level", {}) if isinstance(draw, dict) else None
    if (
        not isinstance(draw, dict)
        or draw.get("mode") not in {m.value for m in DrawMode}
        or not isinstance(per_level, dict)
        or not all(_is_whole(n) for n in per_level.values())
    ):
        problems.append(f'{where}: \'draw\' must be {{"mode": "all"}} or per_level counts.')
    if entry.get("review", ReviewMode.AFTER_SUBMIT.value) not in {m.value for m in ReviewMode}:
        problems.append(
            f"{where}: 'review' must be one of {', '.join(m.value for m in ReviewMode)}."
        )
    for key in ("pass_mark", "attempts_allowed"):
        if key in entry and not _is_whole(entry[key]):
            problems.append(f"{where}: '{key}' must be a whole number.")
    if entry.get("time_limit_minutes") is not None and not _is_whole(entry["time_limit_minutes"]):
        problems.append(f"{where}: 'time_limit_minutes' must be a whole number or null.")
    for key in ("shuffle_questions", "shuffle_choices", "required"):
        if key in entry and not isinstance(entry[key], bool):
            problems.append(f"{where}: '{key}' must be true or false.")
    if not isinstance(entry.get("category", ""), str):
        problems.append(f"{where}: 'category' must be a text.")


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _check_manifest(manifest: dict[str, Any], where: str, problems: list[str]) -> None:
    for key in ("code", "title"):
        if key in manifest and not (isinstance(manifest[key], str) and manifest[key].strip()):
            problems.append(f"{where}: '{key}' must be a non-empty text.")
    if not isinstance(manifest.get("summary", ""), str):
        problems.append(f"{where}: 'summary' must be a text.")
    validity = manifest.get("validity_months")
    if validity is not None and not _is_whole(validity):
        problems.append(f"{where}: 'validity_months' must be a whole number or null.")
    if "modules" in manifest and not isinstance(manifest["modules"], list):
        problems.append(f"{where}: 'modules' must be a list.")


def _check_bank(questions: list[GiftQuestion], where: str, problems: list[str]) -> None:
    """What the question bank would refuse on saving, found now with its line."""
    for question in questions:
        problems.extend(
            f"{where}:{question.line}: {problem}"
            for problem in check_question(_question_input(question))
        )


def _question_input(question: GiftQuestion) -> QuestionInput:
    return QuestionInput(
        qtype=question.qtype,
        text=question.text,
        level=question.level,
        data=question.data,
        competency_code=question.competency_code,
        name=question.name,
        category=question.category,
        general_feedback=question.general_feedback,
    )


def plan_import(folder: Path) -> _Plan:
    """Read and check a course folder; raises CourseFileErrors listing every problem."""
    problems: list[str] = []
    text = _read_text(folder / MANIFEST, problems, f"{folder.name}/{MANIFEST}")
    if text is None:
        raise CourseFileErrors(problems)
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as error:
        raise CourseFileErrors([f"{folder.name}/{MANIFEST}:{error.lineno}: {error.msg}."]) from None
    where = f"{folder.name}/{MANIFEST}"
    if not isinstance(manifest, dict):
        raise CourseFileErrors([f"{where}: the manifest must be a JSON object."])
    for key in ("code", "title", "modules"):
        if key not in manifest:
            problems.append(f"{where}: missing '{key}'.")
    _check_manifest(manifest, where, problems)
    plan = _Plan(manifest)
    known_principles = principles_by_code()
    modules = manifest.get("modules") if isinstance(manifest.get("modules"), list) else []
    for m_index, module in enumerate(modules, start=1):
        m_where = f"{where}: module {m_index}"
        if not isinstance(module, dict) or not isinstance(module.get("title"), str):
            problems.append(f"{m_where}: needs a title.")
            continue
        if not module["title"].strip():
            problems.append(f"{m_where}: needs a title.")
        if not _is_text_list(module.get("principles", [])) or not _is_text_list(
            module.get("competencies", [])
        ):
            problems.append(f"{m_where}: 'principles' and 'competencies' must be lists of codes.")
            continue
        if not isinstance(module.get("items", []), list):
            problems.append(f"{m_where}: 'items' must be a list.")
            continue
        unknown = [c for c in module.get("principles", []) if c not in known_principles]
        if not module.get("principles"):
            problems.append(f"{m_where}: names no reform principle.")
        if unknown:
            problems.append(f"{m_where}: unknown principle(s) {', '.join(unknown)}.")
        for i_index, item in enumerate(module.get("items") or [], start=1):
            i_where = f"{m_where}, item {i_index}"
            kind = item.get("type") if isinstance(item, dict) else None
            if kind == ItemKind.LESSON:
                name = str(item.get("file", ""))
                if not name or "/" in name or name.startswith("."):
                    problems.append(f"{i_where}: a lesson needs a 'file' in the course folder.")
                    continue
                lesson = _read_text(folder / name, problems, f"{folder.name}/{name}")
                if lesson is not None:
                    plan.lessons[name] = lesson
            elif kind == ItemKind.QUIZ:
                _check_quiz(item, i_where, problems)
                bank = str(item.get("bank", BANK_FILE))
                if "/" in bank or bank.startswith("."):
                    problems.append(f"{i_where}: 'bank' must name a file in the course folder.")
                elif bank not in plan.banks:
                    plan.banks[bank] = []
                    source = _read_text(folder / bank, problems, f"{folder.name}/{bank}")
                    if source is not None:
                        questions, errors = parse_gift(source)
                        problems.extend(
                            f"{folder.name}/{bank}:{e.line}: {e.message}" for e in errors
                        )
                        _check_bank(questions, f"{folder.name}/{bank}", problems)
                        plan.banks[bank] = questions
            else:
                problems.append(f"{i_where}: 'type' must be 'lesson' or 'quiz'.")
            if isinstance(item, dict) and not (
                isinstance(item.get("title"), str) and item["title"].strip()
            ):
                problems.append(f"{i_where}: needs a title.")
    if problems:
        raise CourseFileErrors(problems)
    return plan


def _quiz_settings(entry: dict[str, Any]) -> quizzes.QuizSettings:
    draw = entry.get("draw", {"mode": "all"})
    return quizzes.QuizSettings(
        pass_mark=entry.get("pass_mark", 70),
        attempts_allowed=entry.get("attempts_allowed", 3),
        time_limit_minutes=entry.get("time_limit_minutes"),
        category=entry.get("category", ""),
        draw_mode=draw.get("mode", "all"),
        draw_per_level={str(k): int(v) for k, v in draw.get("per_level", {}).items()},
        shuffle_questions=entry.get("shuffle_questions", True),
        shuffle_choices=entry.get("shuffle_choices", True),
        review_mode=entry.get("review", ReviewMode.AFTER_SUBMIT.value),
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
                ),
                training_unit_id=training_unit_id,
            )
            for bank in plan.banks.values():
                for question in bank:
                    save_question(course, None, _question_input(question))
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


def course_folders(path: Path) -> list[Path]:
    """`path` itself when it is a course folder, else its sub-folders that are."""
    if (path / MANIFEST).is_file():
        return [path]
    return sorted(child for child in path.iterdir() if (child / MANIFEST).is_file())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50] or "lesson"


def export_course(course: Course, folder: Path) -> Path:
    """Write a course as a folder that import_course reads back to the same content."""
    folder.mkdir(parents=True, exist_ok=True)
    modules = []
    for m_index, module in enumerate(course.modules, start=1):
        items = []
        for i_index, item in enumerate(module.items, start=1):
            entry: dict[str, Any] = {"type": item.kind, "title": item.title}
            if not item.required:
                entry["required"] = False
            if item.kind == ItemKind.LESSON:
                name = f"{m_index:02d}-{i_index:02d}-{_slug(item.title)}.md"
                (folder / name).write_text(item.lesson.markdown, encoding="utf-8")
                entry["file"] = name
            else:
                quiz = item.quiz
                draw: dict[str, Any] = {"mode": quiz.draw_mode}
                if quiz.draw_mode == DrawMode.PER_LEVEL:
                    draw["per_level"] = dict(sorted(quiz.draw_per_level.items()))
                entry.update(
                    {
                        "bank": BANK_FILE,
                        "pass_mark": quiz.pass_mark,
                        "attempts_allowed": quiz.attempts_allowed,
                        "time_limit_minutes": quiz.time_limit_minutes,
                        "draw": draw,
                        "shuffle_questions": quiz.shuffle_questions,
                        "shuffle_choices": quiz.shuffle_choices,
                        "review": quiz.review_mode,
                    }
                )
                if quiz.category:
                    entry["category"] = quiz.category
            items.append(entry)
        modules.append(
            {
                "title": module.title,
                "principles": [p.code for p in module.principles],
                "competencies": module.competency_codes,
                "items": items,
            }
        )
    manifest = {
        "code": course.code,
        "title": course.title,
        "summary": course.summary,
        "validity_months": course.validity_months,
        "modules": modules,
    }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (folder / BANK_FILE).write_text(write_gift(_as_gift(bank_of(course))), encoding="utf-8")
    return folder


def _as_gift(questions: list[Question]) -> list[GiftQuestion]:
    return [
        GiftQuestion(
            line=0,
            qtype=q.qtype,
            text=q.text,
            level=q.level,
            data=q.data,
            name=q.name,
            competency_code=q.competency_code,
            category=q.category,
            general_feedback=q.general_feedback,
        )
        for q in questions
    ]


def get_course_by_code(code: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.code == code.upper()))


# Course folders as zip files, for the authoring pages ------------------------------------


def export_course_zip(course: Course) -> bytes:
    """The course folder (see export_course) as a zip holding one folder named by its code."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        folder = export_course(course, Path(tmp) / course.code)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, f"{course.code}/{path.name}")
    return buffer.getvalue()


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
