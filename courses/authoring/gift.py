"""Moodle's GIFT question format: our own reader and writer for the subset the platform uses.

This module reads what every question shares: tags in the comment line before a question
(`// [tag:level-2] [tag:competency-OPS-VAL]`), `$CATEGORY:`, backslash escapes, `::name::`,
`[markdown]`-style format markers, the `{…}` answer block and its general feedback `####…`.
The answer body is the question type's: each type (courses.learning.questiontypes) reads and
writes its own, with the helpers of `SYNTAX`; the types are asked in their `gift_order`.
Built in: numeric (`#value:tolerance`, `#min..max`, several `=` answers), true/false (`T`/`F`),
short text (only `=` answers), single choice (`=` right, `~` wrong, `~%50%` partial) and
multiple response (every answer `~%w%`), each answer with its feedback `#…`. Every error names
its line; the reader never returns questions alongside errors, so an import is all or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from courses.learning.questiontypes import (
    GiftSyntax,
    GiftSyntaxError,
    gift_readers,
    question_type,
)

SPECIAL = "~=#{}:"
_ESCAPES = {f"\\{char}": chr(0xE000 + index) for index, char in enumerate(SPECIAL)}
_UNESCAPES = {value: key[1] for key, value in _ESCAPES.items()}
_TAG = re.compile(r"\[tag:([^\]]+)\]")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"^\[(markdown|html|plain|moodle)\]", re.IGNORECASE)


@dataclass(frozen=True)
class GiftQuestion:
    line: int
    qtype: str
    text: str
    level: int
    data: dict[str, Any]
    name: str = ""
    competency_code: str | None = None
    category: str = ""
    general_feedback: str = ""


@dataclass(frozen=True)
class GiftError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _protect(text: str) -> str:
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _restore(text: str) -> str:
    for placeholder, char in _UNESCAPES.items():
        text = text.replace(placeholder, char)
    return text.replace("\\n", "\n").strip()


@dataclass
class _Block:
    line: int = 0
    lines: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def _blocks(source: str) -> Iterable[tuple[str, _Block]]:
    """Yield ("category", block) and ("question", block) in file order. A blank line ends a
    question; comment lines before it carry its tags."""
    block = _Block()
    for number, raw in enumerate(source.splitlines(), start=1):
        line = _protect(raw)
        stripped = line.strip()
        if not stripped:
            if block.lines:
                yield "question", block
                block = _Block()
            continue
        if stripped.startswith("//"):
            if not block.lines:
                block.tags.extend(_TAG.findall(stripped))
            continue
        if not block.lines and stripped.upper().startswith("$CATEGORY:"):
            yield "category", _Block(number, [stripped.split(":", 1)[1].strip()])
            continue
        if not block.lines:
            block.line = number
        block.lines.append(line)
    if block.lines:
        yield "question", block


def parse_gift(source: str) -> tuple[list[GiftQuestion], list[GiftError]]:
    """Read a GIFT text. Returns the questions, or no questions and every error found."""
    questions: list[GiftQuestion] = []
    errors: list[GiftError] = []
    category = ""
    for kind, block in _blocks(source):
        if kind == "category":
            category = _restore(block.lines[0])
            continue
        try:
            questions.append(_parse_question(block, category))
        except GiftSyntaxError as error:
            errors.append(GiftError(block.line + error.line_offset, error.message))
    if errors:
        return [], errors
    return questions, []


def _line_of(block: _Block, needle: str) -> int:
    for offset, line in enumerate(block.lines):
        if needle in line:
            return offset
    return 0


def _parse_question(block: _Block, category: str) -> GiftQuestion:
    source = "\n".join(block.lines).strip()
    name = ""
    if source.startswith("::"):
        end = source.find("::", 2)
        if end < 0:
            raise GiftSyntaxError("The question name opened with '::' is not closed with '::'.")
        name, source = _restore(source[2:end]), source[end + 2 :].strip()
    source = _FORMAT.sub("", source).strip()
    opening = source.find("{")
    if opening < 0:
        raise GiftSyntaxError("No answer block: a question needs its answers between { and }.")
    closing = source.find("}", opening)
    if closing < 0:
        raise GiftSyntaxError(
            "The answer block opened with '{' is not closed with '}'.", _line_of(block, "{")
        )
    if "{" in source[opening + 1 : closing]:
        raise GiftSyntaxError("An answer block cannot contain another '{'.", _line_of(block, "{"))
    before, answers, after = source[:opening], source[opening + 1 : closing], source[closing + 1 :]
    if "{" in after or "}" in after:
        raise GiftSyntaxError("Only one answer block per question.", _line_of(block, "}"))
    text = _restore(before) + (" _____ " + _restore(after) if after.strip() else "")
    if not text.strip():
        raise GiftSyntaxError("The question has no text.")
    general_feedback = ""
    if "####" in answers:
        answers, general_feedback = answers.split("####", 1)
        general_feedback = _restore(general_feedback)
    offset = _line_of(block, "{")
    try:
        qtype, data = _parse_answers(answers.strip())
    except GiftSyntaxError as error:
        raise GiftSyntaxError(error.message, offset) from None
    problems = question_type(qtype).validate(data)
    if problems:
        raise GiftSyntaxError(" ".join(problems), offset)
    level, competency = _read_tags(block.tags)
    return GiftQuestion(
        line=block.line,
        qtype=qtype,
        text=text,
        level=level,
        data=data,
        name=name,
        competency_code=competency,
        category=category,
        general_feedback=general_feedback,
    )


def _read_tags(tags: list[str]) -> tuple[int, str | None]:
    levels = [tag[6:] for tag in tags if tag.startswith("level-")]
    competencies = [tag[11:].strip() for tag in tags if tag.startswith("competency-")]
    if not levels:
        raise GiftSyntaxError(
            "Missing level: put '// [tag:level-N]' (N from 1 to 4) on the line before the question."
        )
    if len(levels) > 1 or levels[0] not in {"1", "2", "3", "4"}:
        raise GiftSyntaxError(f"The level must be one of 1, 2, 3, 4 (found {', '.join(levels)}).")
    if len(competencies) > 1:
        raise GiftSyntaxError("A question carries at most one competency tag.")
    return int(levels[0]), (competencies[0] if competencies else None)


def _split_feedback(entry: str) -> tuple[str, str]:
    body, _, feedback = entry.partition("#")
    return body, feedback


def _weight(entry: str) -> tuple[float | None, str]:
    match = _WEIGHT.match(entry)
    if not match:
        return None, entry
    value = float(match.group(1))
    if not -100 <= value <= 100:
        raise GiftSyntaxError(f"The weight {match.group(1)}% is outside -100% to 100%.")
    return value / 100, entry[match.end() :]


def _entries(answers: str) -> list[tuple[str, str]]:
    parts = re.split(r"(?=[=~])", answers)
    if parts and parts[0].strip():
        raise GiftSyntaxError(f"Unexpected text before the first answer: '{_restore(parts[0])}'.")
    return [(part[0], part[1:]) for part in parts if part]


def _number(text: str) -> float:
    try:
        return float(_restore(text))
    except ValueError:
        raise GiftSyntaxError(f"'{_restore(text)}' is not a number.") from None


def _answer_entries(answers: str) -> list[tuple[str, str]]:
    """The `=`/`~` answers of a body read as a list of answers (not a matching question)."""
    if "->" in answers:
        raise GiftSyntaxError("Matching questions are not supported.")
    entries = _entries(answers)
    if not entries:
        raise GiftSyntaxError("No answers found: start each answer with '=' or '~'.")
    return entries


def _parse_answers(answers: str) -> tuple[str, dict[str, Any]]:
    """The type whose GIFT syntax the answer body is written in, and the question's data."""
    if not answers:
        raise GiftSyntaxError("Empty answer block: essay questions are not supported.")
    for kind in gift_readers():
        data = kind.read_gift(answers, SYNTAX)
        if data is not None:
            return kind.name, data
    raise GiftSyntaxError("No question type reads this answer block.")


# Writing ------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    for char in SPECIAL:
        text = text.replace(char, f"\\{char}")
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _format_weight(fraction: float) -> str:
    return f"%{fraction * 100:.5g}%"


def _feedback(text: str) -> str:
    return f"#{_escape(text)}" if text else ""


def write_gift(questions: Iterable[GiftQuestion]) -> str:
    """Write questions as GIFT text that parse_gift reads back to the same questions."""
    out: list[str] = []
    category = ""
    for question in questions:
        if question.category != category:
            category = question.category
            out.append(f"$CATEGORY: {_escape(category)}\n")
        tags = f"// [tag:level-{question.level}]"
        if question.competency_code:
            tags += f" [tag:competency-{question.competency_code}]"
        name = f"::{_escape(question.name)}:: " if question.name else ""
        body = question_type(question.qtype).write_gift(question.data, SYNTAX)
        if question.general_feedback:
            body += f"\n\t####{_escape(question.general_feedback)}"
        out.append(f"{tags}\n{name}{_escape(question.text)} {{{body}\n}}\n")
    return "\n".join(out)


class _Syntax:
    """The generic GIFT helpers, as the question types read and write their answer bodies."""

    escaped_colon = _ESCAPES["\\:"]
    restore = staticmethod(_restore)
    escape = staticmethod(_escape)
    entries = staticmethod(_entries)
    answer_entries = staticmethod(_answer_entries)
    weight = staticmethod(_weight)
    split_feedback = staticmethod(_split_feedback)
    number = staticmethod(_number)
    format_weight = staticmethod(_format_weight)
    feedback = staticmethod(_feedback)


SYNTAX: GiftSyntax = _Syntax()
