"""Exporting a course: writing it as a course folder (course.json, Markdown lessons and task
instructions, one GIFT question bank) that course_import reads back to the same content, or as
a zip of that folder.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from courses.authoring.gift import GiftQuestion, write_gift
from courses.authoring.services.course_format import BANK_FILE, MANIFEST
from courses.authoring.services.questions import bank_of
from courses.learning.models import Course, CourseItem, ItemKind, Question
from courses.learning.models.questions import DrawMode


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
            elif item.kind == ItemKind.TASK:
                name = f"{m_index:02d}-{i_index:02d}-{_slug(item.title)}.md"
                entry.update(task_entry(item, name))
                (folder / name).write_text(item.task.instructions, encoding="utf-8")
            else:
                quiz = item.quiz
                draw: dict[str, Any] = {"mode": quiz.draw_mode}
                if quiz.draw_mode == DrawMode.PER_LEVEL:
                    draw["per_level"] = dict(sorted(quiz.draw_per_level.items()))
                elif quiz.draw_mode == DrawMode.PER_COMPETENCY_LEVEL:
                    draw["count"] = quiz.draw_count
                entry.update(
                    {
                        "kind": quiz.kind,
                        "bank": BANK_FILE,
                        "pass_mark": quiz.pass_mark,
                        "attempts_allowed": quiz.attempts_allowed,
                        "time_limit_minutes": quiz.time_limit_minutes,
                        "draw": draw,
                        "shuffle_questions": quiz.shuffle_questions,
                        "shuffle_choices": quiz.shuffle_choices,
                        "review": {"shows": quiz.review_shows, "when": quiz.review_when},
                    }
                )
                if quiz.closes_at is not None:
                    entry["closes_at"] = quiz.closes_at.isoformat(timespec="minutes")
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
        "recertify": course.recertify,
        "modules": modules,
    }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (folder / BANK_FILE).write_text(write_gift(as_gift(bank_of(course))), encoding="utf-8")
    return folder


def task_entry(item: CourseItem, name: str) -> dict[str, Any]:
    """A task's keys in course.json (its instructions go to the file `name`)."""
    task = item.task
    return {
        "file": name,
        "attachment": task.attachment,
        "blind_marking": task.blind_marking,
        "max_submissions": task.max_submissions,
        "rubric": [
            {
                "title": criterion.title,
                "competency": criterion.competency_code,
                "descriptors": dict(sorted(criterion.descriptors.items())),
            }
            for criterion in task.criteria
        ],
    }


def as_gift(questions: list[Question]) -> list[GiftQuestion]:
    """Bank questions as the GIFT writer takes them."""
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


def export_course_zip(course: Course) -> bytes:
    """The course folder (see export_course) as a zip holding one folder named by its code."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        folder = export_course(course, Path(tmp) / course.code)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, f"{course.code}/{path.name}")
    return buffer.getvalue()
