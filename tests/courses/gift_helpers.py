"""Builders the GIFT tests share: read one question, the errors of a file, a round trip."""

from __future__ import annotations

from courses.authoring.gift import GiftQuestion, parse_gift, write_gift


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
