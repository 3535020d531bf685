"""Builders the question-type tests share: a frozen question, its mark, a choice."""

from __future__ import annotations

import random

from courses.learning.questiontypes import question_type

TYPES = ("single_choice", "multiple_response", "true_false", "numeric", "short_text", "matching")


def frozen(qtype: str, data: dict, *, shuffle: bool = False, seed: int = 1) -> dict:
    return question_type(qtype).freeze(data, random.Random(seed), shuffle)


def grade(qtype: str, data: dict, answer) -> float:
    return question_type(qtype).grade(frozen(qtype, data), answer)


def choice(cid: str, text: str, fraction: float = 0.0, feedback: str = "") -> dict:
    return {"id": cid, "text": text, "fraction": fraction, "feedback": feedback}
