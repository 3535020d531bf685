"""Moodle's GIFT question format: our own reader and writer for the subset the platform uses.

This module reads what every question shares: tags in the comment line before a question
(`// [tag:level-2] [tag:competency-OPS-VAL]`), `$CATEGORY:`, backslash escapes, `::name::`,
format markers (`[html]` is sanitised and turned into Markdown, `[plain]` kept literal, on the
question and on each answer and feedback, the question's marker being their default as in
Moodle), the `{…}` answer block and its general feedback `####…`.
The answer body is the question type's: each type (courses.learning.questiontypes) reads and
writes its own, with the helpers of `SYNTAX`; the types are asked in their `gift_order`.
Built in: numeric (`#value:tolerance`, `#min..max`, several `=` answers), true/false (`T`/`F`),
short text (only `=` answers, `*` a wildcard), matching (`=item -> match`), single choice (`=`
right, `~` wrong, `~%50%` partial) and multiple response (every answer `~%w%`), each answer with
its feedback `#…`. Every error names its line; the reader never returns questions alongside
errors, so an import is all or nothing. Weights are written from Moodle's list of fractions
(MOODLE_PERCENTS), the only ones Moodle's import takes with its default settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from courses.learning.questiontypes import (
    GiftSyntax,
    GiftSyntaxError,
    QuestionType,
    gift_readers,
    question_type,
)
from courses.learning.questiontypes.base import MOODLE_PERCENTS
from lms.markdown import sanitise_html

SPECIAL = "~=#{}:"
# A doubled backslash is one backslash: protected before the other escapes, so that `C:\\new`
# reads as a backslash and 'new', not as a colon's escape or a line break.
_ESCAPES = {f"\\{char}": chr(0xE000 + index) for index, char in enumerate("\\" + SPECIAL)}
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
    # What the reader decided for the importer (a default level, a grading rule): for the
    # import report, not part of the question.
    notes: tuple[str, ...] = field(default=(), compare=False)


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
    text = text.replace("\\n", "\n")
    for placeholder, char in _UNESCAPES.items():
        text = text.replace(placeholder, char)
    return text.strip()


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


@dataclass(frozen=True)
class Untagged:
    """What an import gives questions whose comment line names no level (and no competency);
    without it such a question is refused with its line."""

    level: int
    competency_code: str | None = None


def parse_gift(
    source: str, untagged: Untagged | None = None
) -> tuple[list[GiftQuestion], list[GiftError]]:
    """Read a GIFT text. Returns the questions, or no questions and every error found."""
    questions: list[GiftQuestion] = []
    errors: list[GiftError] = []
    category = ""
    for kind, block in _blocks(source):
        if kind == "category":
            category = _restore(block.lines[0])
            continue
        try:
            questions.append(_parse_question(block, category, untagged))
        except GiftSyntaxError as error:
            errors.append(GiftError(block.line + error.line_offset, error.message))
    if errors:
        return [], errors
    return questions, []


def _line_of(block: _Block, needle: str, start: int = 0) -> int:
    for offset, line in enumerate(block.lines[start:], start=start):
        if needle in line:
            return offset
    return start


def _parse_question(block: _Block, category: str, untagged: Untagged | None) -> GiftQuestion:
    source = "\n".join(block.lines).strip()
    name = ""
    if source.startswith("::"):
        end = source.find("::", 2)
        if end < 0:
            raise GiftSyntaxError("The question name opened with '::' is not closed with '::'.")
        name, source = _restore(source[2:end]), source[end + 2 :].strip()
    marker = _FORMAT.match(source)
    syntax = _Syntax(marker.group(1).lower() if marker else "markdown")
    source = source[marker.end() :].strip() if marker else source
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
    text = syntax.text(before) + (" _____ " + syntax.text(after) if after.strip() else "")
    if not text.strip():
        raise GiftSyntaxError("The question has no text.")
    general_feedback = ""
    if "####" in answers:
        answers, general_feedback = answers.split("####", 1)
        general_feedback = syntax.text(general_feedback)
    offset = _line_of(block, "{")
    try:
        kind, data = _parse_answers(answers.strip(), syntax)
    except GiftSyntaxError as error:
        needle = (error.near.strip().splitlines() or [""])[0]
        near = _line_of(block, needle, offset) if needle else offset
        raise GiftSyntaxError(error.message, near) from None
    problems = kind.validate(data)
    if problems:
        raise GiftSyntaxError(" ".join(problems), offset)
    notes = list(kind.gift_notes(answers.strip(), syntax))
    level, competency = _read_tags(block.tags, untagged, notes)
    return GiftQuestion(
        line=block.line,
        qtype=kind.name,
        text=text,
        level=level,
        data=data,
        name=name,
        competency_code=competency,
        category=category,
        general_feedback=general_feedback,
        notes=tuple(notes),
    )


def _read_tags(
    tags: list[str], untagged: Untagged | None, notes: list[str]
) -> tuple[int, str | None]:
    levels = [tag[6:] for tag in tags if tag.startswith("level-")]
    competencies = [tag[11:].strip() for tag in tags if tag.startswith("competency-")]
    if not levels and untagged is not None:
        notes.append(f"No level tag: given level {untagged.level}, as chosen for the import.")
        if not competencies and untagged.competency_code:
            notes.append(
                f"No competency tag: given {untagged.competency_code}, as chosen for the import."
            )
            competencies = [untagged.competency_code]
        levels = [str(untagged.level)]
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
    """The `=`/`~` answers of a body read as a list of answers."""
    entries = _entries(answers)
    if not entries:
        raise GiftSyntaxError("No answers found: start each answer with '=' or '~'.")
    return entries


def _parse_answers(answers: str, syntax: GiftSyntax) -> tuple[QuestionType, dict[str, Any]]:
    """The type whose GIFT syntax the answer body is written in, and the question's data."""
    if not answers:
        raise GiftSyntaxError("Empty answer block: essay questions are not supported.")
    for kind in gift_readers():
        data = kind.read_gift(answers, syntax)
        if data is not None:
            return kind, data
    raise GiftSyntaxError("No question type reads this answer block.")


# Writing ------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in SPECIAL:
        text = text.replace(char, f"\\{char}")
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _format_weight(fraction: float) -> str:
    """The weight as Moodle writes it: the nearest percentage of its list (the question types
    accept no other, so this only picks the list's spelling, '33.33333' for a third)."""
    nearest = min(MOODLE_PERCENTS, key=lambda percent: abs(float(percent) - abs(fraction) * 100))
    return f"%{'-' if fraction < 0 else ''}{nearest}%"


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
    """The generic GIFT helpers, as the question types read and write their answer bodies;
    `text` reads a piece in the format its marker names, else in the question's."""

    def __init__(self, default_format: str = "markdown") -> None:
        self.default_format = default_format

    def text(self, piece: str) -> str:
        piece = piece.strip()
        marker = _FORMAT.match(piece)
        kind = marker.group(1).lower() if marker else self.default_format
        piece = _restore(piece[marker.end() :] if marker else piece)
        if kind == "html":
            return html_to_markdown(piece)
        if kind in ("plain", "moodle"):
            return literal_markdown(piece)
        return piece

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


# Formats ------------------------------------------------------------------------------------

# Characters that start Markdown inline markup anywhere, and block markup at a line's start.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]])")
_BLOCK_MARKUP = re.compile(r"^(\s*)([#>]|[+-](?=\s)|\d+\.(?=\s))", re.MULTILINE)


def literal_markdown(text: str) -> str:
    """Plain text as Markdown that renders as the same text (markup characters escaped)."""
    return _BLOCK_MARKUP.sub(
        lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1],
        _INLINE_MARKUP.sub(r"\\\1", text),
    )


class _MarkdownWriter(HTMLParser):
    """Sanitised HTML as Markdown: paragraphs, line breaks, emphasis, code, lists, links and
    headings keep their meaning; any other tag keeps only its text."""

    _INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}
    _BLOCKS = {"p", "div", "ul", "ol", "table", "tr", "blockquote", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list[int]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in self._INLINE:
            self.out.append(self._INLINE[tag])
        elif tag in self._BLOCKS:
            self.out.append("\n\n")
            if tag in ("ul", "ol"):
                self.lists.append([0 if tag == "ol" else -1])
        elif tag == "br":
            self.out.append("  \n")
        elif tag == "li":
            counter = self.lists[-1] if self.lists else [-1]
            if counter[0] >= 0:
                counter[0] += 1
            self.out.append("\n" + (f"{counter[0]}. " if counter[0] >= 0 else "- "))
        elif re.fullmatch(r"h[1-6]", tag):
            self.out.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "a":
            self.out.append("[")
            self.links.append(found.get("href") or "")
        elif tag == "img" and found.get("src"):
            self.out.append(f"![{found.get('alt') or ''}]({found['src']})")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._INLINE:
            self.out.append(self._INLINE[tag])
        elif tag in self._BLOCKS or re.fullmatch(r"h[1-6]", tag):
            self.out.append("\n\n")
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
        elif tag == "a" and self.links:
            self.out.append(f"]({self.links.pop()})")

    def handle_data(self, data: str) -> None:
        self.out.append(literal_markdown(" ".join(data.split("\n"))))


def html_to_markdown(html: str) -> str:
    """An `[html]` text from another system, sanitised with the platform's allow-list, as the
    Markdown every text is stored in (raw HTML in Markdown would show as escaped tags)."""
    writer = _MarkdownWriter()
    writer.feed(sanitise_html(html))
    writer.close()
    text = re.sub(r"[ \t]*\n[ \t]*\n\s*", "\n\n", "".join(writer.out))
    return text.strip()
