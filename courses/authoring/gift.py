"""Moodle's GIFT question format: our own reader and writer for the subset the platform uses.

Supported: single choice (`=` right, `~` wrong, `~%50%` partial), multiple response (every
answer `~%w%`), true/false (`T`/`F`), numeric (`#value:tolerance`, `#min..max`, several `=`
answers), short text (only `=` answers), per-answer feedback `#…`, general feedback `####…`,
`::name::`, `$CATEGORY:`, `[markdown]`-style format markers, and tags in the comment line before
a question (`// [tag:level-2] [tag:competency-OPS-VAL]`). Every error names its line; the reader
never returns questions alongside errors, so an import is all or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from courses.learning.questiontypes import question_type

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


class GiftSyntaxError(ValueError):
    def __init__(self, message: str, line_offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line_offset = line_offset


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


def _parse_answers(answers: str) -> tuple[str, dict[str, Any]]:
    if not answers:
        raise GiftSyntaxError("Empty answer block: essay questions are not supported.")
    if answers.startswith("#"):
        return "numeric", _parse_numeric(answers[1:].strip())
    true_false = re.fullmatch(r"(?i)(T|TRUE|F|FALSE)\s*(?:#([^#]*))?(?:#(.*))?", answers, re.S)
    if true_false:
        return "true_false", {
            "answer": true_false.group(1).upper().startswith("T"),
            "feedback_wrong": _restore(true_false.group(2) or ""),
            "feedback_right": _restore(true_false.group(3) or ""),
        }
    if "->" in answers:
        raise GiftSyntaxError("Matching questions are not supported.")
    entries = _entries(answers)
    if not entries:
        raise GiftSyntaxError("No answers found: start each answer with '=' or '~'.")
    has_wrong = any(marker == "~" for marker, _ in entries)
    if not has_wrong:
        accepted = []
        for _, entry in entries:
            weight, entry = _weight(entry.strip())
            body, feedback = _split_feedback(entry)
            accepted.append(
                {
                    "text": _restore(body),
                    "fraction": 1.0 if weight is None else weight,
                    "feedback": _restore(feedback),
                }
            )
        return "short_text", {"answers": accepted}
    has_right = any(marker == "=" for marker, _ in entries)
    choices = []
    for index, (marker, entry) in enumerate(entries):
        weight, entry = _weight(entry.strip())
        body, feedback = _split_feedback(entry)
        fraction = weight if weight is not None else (1.0 if marker == "=" else 0.0)
        choices.append(
            {
                "id": f"c{index + 1}",
                "text": _restore(body),
                "fraction": fraction,
                "feedback": _restore(feedback),
            }
        )
    return ("single_choice" if has_right else "multiple_response"), {"choices": choices}


def _number(text: str) -> float:
    try:
        return float(_restore(text))
    except ValueError:
        raise GiftSyntaxError(f"'{_restore(text)}' is not a number.") from None


def _parse_numeric(answers: str) -> dict[str, Any]:
    entries = _entries(answers) if answers.startswith("=") else [("=", answers)]
    parsed = []
    for _, entry in entries:
        weight, entry = _weight(entry.strip())
        body, feedback = _split_feedback(entry)
        body = body.strip()
        if ".." in body:
            low, high = (_number(part) for part in body.split("..", 1))
            if low > high:
                raise GiftSyntaxError(f"The range {low:g}..{high:g} is reversed.")
            value, tolerance = (low + high) / 2, (high - low) / 2
        elif _PLACEHOLDER_COLON in body:
            value_text, tolerance_text = body.split(_PLACEHOLDER_COLON, 1)
            value, tolerance = _number(value_text), _number(tolerance_text)
        elif ":" in body:
            value_text, tolerance_text = body.split(":", 1)
            value, tolerance = _number(value_text), _number(tolerance_text)
        else:
            value, tolerance = _number(body), 0.0
        parsed.append(
            {
                "value": value,
                "tolerance": abs(tolerance),
                "fraction": 1.0 if weight is None else weight,
                "feedback": _restore(feedback),
            }
        )
    return {"answers": parsed}


_PLACEHOLDER_COLON = _ESCAPES["\\:"]


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
        body = _write_answers(question.qtype, question.data)
        if question.general_feedback:
            body += f"\n\t####{_escape(question.general_feedback)}"
        out.append(f"{tags}\n{name}{_escape(question.text)} {{{body}\n}}\n")
    return "\n".join(out)


def _write_answers(qtype: str, data: dict[str, Any]) -> str:
    if qtype == "true_false":
        feedback = ""
        if data.get("feedback_wrong") or data.get("feedback_right"):
            wrong, right = data.get("feedback_wrong", ""), data.get("feedback_right", "")
            feedback = f"#{_escape(wrong)}#{_escape(right)}"
        return ("TRUE" if data["answer"] else "FALSE") + feedback
    lines = []
    if qtype == "numeric":
        for answer in data["answers"]:
            weight = "" if answer["fraction"] == 1.0 else _format_weight(answer["fraction"])
            lines.append(
                f"\t={weight}{answer['value']:g}:{answer['tolerance']:g}"
                f"{_feedback(answer.get('feedback', ''))}"
            )
        return "#\n" + "\n".join(lines)
    if qtype == "short_text":
        for answer in data["answers"]:
            weight = "" if answer["fraction"] == 1.0 else _format_weight(answer["fraction"])
            lines.append(
                f"\t={weight}{_escape(answer['text'])}{_feedback(answer.get('feedback', ''))}"
            )
        return "\n" + "\n".join(lines)
    for choice in data["choices"]:
        fraction = choice["fraction"]
        if qtype == "single_choice" and fraction == 1.0:
            prefix = "="
        elif qtype == "single_choice" and fraction == 0:
            prefix = "~"
        else:
            prefix = "~" + _format_weight(fraction)
        lines.append(f"\t{prefix}{_escape(choice['text'])}{_feedback(choice.get('feedback', ''))}")
    return "\n" + "\n".join(lines)
