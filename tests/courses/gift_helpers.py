"""Builders the GIFT tests share: read one question, the errors of a file, a round trip, the
banks a catalogue course names."""

from __future__ import annotations

import json
from pathlib import Path

from courses.authoring.gift import GiftQuestion, parse_gift, write_gift
from courses.authoring.services.course_format import BANK_FILE, MANIFEST


def named_banks(folder: Path) -> set[str]:
    """The GIFT files a course folder's quizzes name (each quiz's "bank")."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return {
        item.get("bank", BANK_FILE)
        for module in manifest["modules"]
        for item in module["items"]
        if item["type"] == "quiz"
    }


def read_one(body: str, tags: str = "// [tag:level-2]") -> GiftQuestion:
    questions, errors = parse_gift(f"{tags}\n{body}\n")
    assert errors == []
    assert len(questions) == 1
    return questions[0]


def errors_of(source: str) -> list[str]:
    questions, errors = parse_gift(source)
    assert questions == []
    return [str(error) for error in errors]


def round_trip(questions: list[GiftQuestion]) -> list[GiftQuestion]:
    again, errors = parse_gift(write_gift(questions))
    assert errors == []
    return again


def same_content(question: GiftQuestion) -> tuple:
    return (
        question.qtype,
        question.text,
        question.level,
        question.data,
        question.name,
        question.competency_code,
        question.category,
        question.general_feedback,
    )
