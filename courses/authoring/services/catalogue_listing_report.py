"""`lms catalogue list`'s three forms of a CatalogueListing: text for a terminal, Markdown
tables for README.md, JSON for machines. Pure functions of the listing."""

from __future__ import annotations

from typing import Any

from courses.authoring.services.catalogue_listing import (
    LEVELS,
    CatalogueListing,
    CourseListing,
    Item,
    LessonEntry,
    QuestionCounts,
    QuizEntry,
    TaskEntry,
)
from courses.learning.models.questions import DrawMode, QuizKind
from courses.learning.questiontypes import QUESTION_TYPES

LEVEL_NAMES = {1: "Aware", 2: "Trained", 3: "Advanced", 4: "Expert"}


def counted(n: int, noun: str, plural: str = "") -> str:
    """'1 checkpoint', '2 checkpoints', '1 criterion', '5 criteria'."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def type_label(qtype: str) -> str:
    kind = QUESTION_TYPES.get(qtype)
    return str(kind.label) if kind else qtype


def validity(course: CourseListing) -> str:
    if course.validity_months is None:
        return "certificate never expires"
    renewal = ", then retaken" if course.recertify else ""
    return f"certificate valid {course.validity_months} months{renewal}"


def describe_draw(quiz: QuizEntry) -> str:
    """'draws 15 of 30 (3 of each competency and level)'."""
    if quiz.draw_mode == DrawMode.PER_LEVEL:
        how = ", ".join(f"{n} of L{level}" for level, n in sorted(quiz.draw_per_level.items()))
    elif quiz.draw_mode == DrawMode.PER_COMPETENCY_LEVEL:
        how = f"{quiz.draw_count} of each competency and level"
    else:
        how = "every question"
    return f"draws {quiz.drawn} of {quiz.pool} ({how})"


def levels_text(levels: tuple[int, ...]) -> str:
    return " ".join(f"L{level}" for level in levels)


def describe_task(task: TaskEntry) -> str:
    """'attachment optional, blind marking, up to 2 submissions'."""
    parts = [f"attachment {task.attachment}"]
    if task.blind_marking:
        parts.append("blind marking")
    parts.append(f"up to {counted(task.max_submissions, 'submission')}")
    return ", ".join(parts)


def describe_item(item: Item) -> tuple[str, str]:
    """An item's kind and what it holds, in a few words."""
    optional = "" if item.required else "; optional"
    if isinstance(item, LessonEntry):
        return "lesson", f"{counted(item.words, 'word')}{optional}"
    if isinstance(item, QuizEntry):
        return item.kind, f"{describe_draw(item)}{optional}"
    criteria = counted(len(item.criteria), "criterion", "criteria")
    return "task", f"{describe_task(item)}; {criteria}{optional}"


def totals_line(listing: CatalogueListing) -> str:
    lessons = listing.entries(LessonEntry)
    quizzes = listing.entries(QuizEntry)
    tasks = listing.entries(TaskEntry)
    checkpoints = sum(1 for quiz in quizzes if quiz.kind == QuizKind.CHECKPOINT)
    criteria = sum(len(task.criteria) for task in tasks)
    return (
        f"{counted(len(listing.courses), 'course')}, {counted(listing.modules, 'module')}, "
        f"{counted(len(lessons), 'lesson')} "
        f"({counted(sum(lesson.words for lesson in lessons), 'word')}), "
        f"{counted(len(quizzes), 'quiz', 'quizzes')} ({counted(checkpoints, 'checkpoint')}, "
        f"{counted(len(quizzes) - checkpoints, 'assessment')}), {counted(len(tasks), 'task')} "
        f"({counted(criteria, 'rubric criterion', 'rubric criteria')}), "
        f"{counted(listing.questions.total, 'question')}."
    )


# Text ----------------------------------------------------------------------------------------


def counts_table(counts: QuestionCounts, indent: str = "    ") -> list[str]:
    """Rows = question types with questions, columns = levels 1-4 and the total."""
    width = max([len(type_label(qtype)) for qtype in counts.types()] + [len("total")])
    header = "".join(f"{f'L{level}':>5}" for level in LEVELS) + f"{'total':>7}"
    lines = [f"{indent}{'':<{width}}{header}"]
    for qtype in [*counts.types(), None]:
        cells = "".join(f"{counts.count(qtype, level):>5}" for level in LEVELS)
        label = type_label(qtype) if qtype else "total"
        lines.append(f"{indent}{label:<{width}}{cells}{counts.count(qtype):>7}")
    return lines


def course_text(course: CourseListing) -> list[str]:
    lines = [f"{course.code}  {course.title}", f"  {validity(course)}"]
    for number, module in enumerate(course.modules, start=1):
        lines.append(f"  Module {number}: {module.title}")
        for item in module.items:
            kind, details = describe_item(item)
            lines.append(f"    {kind:<10} {item.title}: {details}")
            if isinstance(item, TaskEntry):
                lines.extend(
                    f"{'':15}- {c.title} ({c.competency} {levels_text(c.levels)})"
                    for c in item.criteria
                )
    categories = ", ".join(f"{name or '(none)'} {n}" for name, n in course.categories.items())
    lines.append(
        f"  Questions: {course.questions.total} in {', '.join(course.bank_files) or 'no bank'}"
        + (f" (categories: {categories})" if course.categories else "")
    )
    if course.questions.total:
        lines.extend(counts_table(course.questions))
    return lines


def listing_text(listing: CatalogueListing) -> str:
    """The whole listing for a terminal: each course, then the catalogue's totals."""
    lines: list[str] = []
    for course in listing.courses:
        lines.extend([*course_text(course), ""])
    lines.append(f"Catalogue: {totals_line(listing)}")
    lines.extend(counts_table(listing.questions, indent="  "))
    return "\n".join(lines)


# Markdown ------------------------------------------------------------------------------------


def cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown_table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    """`align`: one letter per column, l or r."""
    rule = ["---:" if side == "r" else "---" for side in align]
    return [
        f"| {' | '.join(row)} |" for row in [header, rule, *[[cell(c) for c in r] for r in rows]]
    ]


def counts_markdown(counts: QuestionCounts) -> list[str]:
    header = ["Type", *(f"L{level} {LEVEL_NAMES[level]}" for level in LEVELS), "Total"]
    rows = [
        [
            type_label(qtype) if qtype else "**Total**",
            *(str(counts.count(qtype, level)) for level in LEVELS),
            str(counts.count(qtype)),
        ]
        for qtype in [*counts.types(), None]
    ]
    return markdown_table(header, rows, "lrrrrr")


def course_row(course: CourseListing) -> list[str]:
    lessons = course.entries(LessonEntry)
    quizzes = course.entries(QuizEntry)
    assessments = [q for q in quizzes if q.kind == QuizKind.ASSESSMENT]
    return [
        course.code,
        course.title,
        validity(course).removeprefix("certificate "),
        str(len(course.modules)),
        f"{len(lessons)} ({counted(sum(lesson.words for lesson in lessons), 'word')})",
        ", ".join(
            [counted(len(quizzes) - len(assessments), "checkpoint")]
            + [f"assessment {q.drawn} of {q.pool}" for q in assessments]
        ),
        str(len(course.entries(TaskEntry))),
        str(course.questions.total),
    ]


def course_markdown(course: CourseListing) -> list[str]:
    rows = []
    for number, module in enumerate(course.modules, start=1):
        for index, item in enumerate(module.items):
            kind, details = describe_item(item)
            if isinstance(item, TaskEntry):
                details += ": " + "; ".join(
                    f"{c.title} ({c.competency} {levels_text(c.levels)})" for c in item.criteria
                )
            rows.append(
                [f"{number}. {module.title}" if index == 0 else "", kind, item.title, details]
            )
    return [
        f"**{course.code} {cell(course.title)}** ({validity(course)})",
        "",
        *markdown_table(["Module", "Item", "Title", "Details"], rows, "llll"),
        "",
        *counts_markdown(course.questions),
    ]


def listing_markdown(listing: CatalogueListing) -> str:
    """Markdown for README.md: the totals, a table of the courses, the questions by type and
    level, then each course's items and questions."""
    header = ["Code", "Title", "Certificate", "Modules", "Lessons", "Quizzes", "Tasks", "Questions"]
    lines = [
        f"Catalogue: {totals_line(listing)}",
        "",
        *markdown_table(header, [course_row(c) for c in listing.courses], "lllrllrr"),
        "",
        "Questions of the whole catalogue by type and level:",
        "",
        *counts_markdown(listing.questions),
    ]
    for course in listing.courses:
        lines.extend(["", *course_markdown(course)])
    return "\n".join(lines)


# JSON ----------------------------------------------------------------------------------------


def counts_json(counts: QuestionCounts) -> dict[str, Any]:
    return {
        "total": counts.total,
        "by_level": {str(level): counts.count(level=level) for level in LEVELS},
        "by_type": {
            qtype: {str(level): counts.count(qtype, level) for level in LEVELS}
            for qtype in counts.types()
        },
    }


def item_json(item: Item) -> dict[str, Any]:
    if isinstance(item, LessonEntry):
        return {
            "type": "lesson",
            "title": item.title,
            "file": item.file,
            "words": item.words,
            "required": item.required,
        }
    if isinstance(item, QuizEntry):
        draw = {
            "mode": item.draw_mode,
            "per_level": dict(item.draw_per_level),
            "count": item.draw_count,
        }
        return {
            "type": "quiz",
            "title": item.title,
            "kind": item.kind,
            "category": item.category,
            "draw": draw,
            "drawn": item.drawn,
            "pool": item.pool,
            "required": item.required,
        }
    return {
        "type": "task",
        "title": item.title,
        "file": item.file,
        "attachment": item.attachment,
        "blind_marking": item.blind_marking,
        "max_submissions": item.max_submissions,
        "required": item.required,
        "criteria": [
            {"title": c.title, "competency": c.competency, "levels": list(c.levels)}
            for c in item.criteria
        ],
    }


def listing_json(listing: CatalogueListing) -> dict[str, Any]:
    """Every course with its modules, items and questions, and the catalogue's totals."""
    courses = [
        {
            "code": course.code,
            "title": course.title,
            "validity_months": course.validity_months,
            "recertify": course.recertify,
            "modules": [
                {
                    "title": module.title,
                    "principles": list(module.principles),
                    "competencies": list(module.competencies),
                    "items": [item_json(item) for item in module.items],
                }
                for module in course.modules
            ],
            "bank_files": list(course.bank_files),
            "categories": dict(course.categories),
            "questions": counts_json(course.questions),
        }
        for course in listing.courses
    ]
    quizzes = listing.entries(QuizEntry)
    tasks = listing.entries(TaskEntry)
    totals = {
        "courses": len(listing.courses),
        "modules": listing.modules,
        "lessons": len(listing.entries(LessonEntry)),
        "words": sum(lesson.words for lesson in listing.entries(LessonEntry)),
        "quizzes": {kind.value: sum(1 for q in quizzes if q.kind == kind) for kind in QuizKind},
        "tasks": len(tasks),
        "criteria": sum(len(task.criteria) for task in tasks),
        "questions": counts_json(listing.questions),
    }
    return {"courses": courses, "totals": totals}
