"""A course's question bank as one GIFT file: exported as it is, imported all or nothing.

The same reader as a course zip's banks, with one difference: questions whose comment line
names no level (as Moodle writes them) take the level, and the competency, the trainer chose for
the import instead of being refused. Functions flush; callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from courses.authoring.gift import Untagged, parse_gift, write_gift
from courses.authoring.services.course_export import as_gift
from courses.authoring.services.course_format import CourseFileErrors, question_input
from courses.authoring.services.questions import bank_of, check_question, save_question
from courses.events import UnknownCompetencies
from courses.learning.models import Course
from lms.events import ask

MAX_GIFT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class BankImport:
    """What an import added: how many questions, and what it decided for some of them, each
    as 'line N (name): note' (a default level, a grading rule)."""

    count: int
    notes: tuple[str, ...]


def export_bank_gift(course: Course) -> str:
    """The bank's questions in use, as GIFT that Moodle and a course import read back."""
    return write_gift(as_gift(bank_of(course)))


def import_bank_gift(course: Course, data: bytes, untagged: Untagged | None) -> BankImport:
    """Add the questions of a GIFT file to the bank, after the end of it. Every problem is found
    first, each with its line ('line 12: …'); when there is one, nothing is added
    (CourseFileErrors lists them all)."""
    if len(data) > MAX_GIFT_BYTES:
        raise CourseFileErrors([f"The file is larger than {MAX_GIFT_BYTES // 1024} KB."])
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CourseFileErrors(["The file is not UTF-8 text."]) from None
    questions, errors = parse_gift(source, untagged)
    problems = [str(error) for error in errors]
    problems.extend(
        f"line {q.line}: {problem}"
        for q in questions
        for problem in check_question(question_input(q))
    )
    codes = frozenset(q.competency_code for q in questions if q.competency_code)
    unknown = ask(UnknownCompetencies(codes)) if codes else frozenset()
    problems.extend(
        f"line {q.line}: no framework holds the competency code {q.competency_code}."
        for q in questions
        if q.competency_code in unknown
    )
    if not questions and not problems:
        problems.append("The file holds no question.")
    if problems:
        raise CourseFileErrors(problems)
    for question in questions:
        save_question(course, None, question_input(question))
    notes = tuple(
        f"line {q.line}{f' ({q.name})' if q.name else ''}: {note}"
        for q in questions
        for note in q.notes
    )
    return BankImport(len(questions), notes)
