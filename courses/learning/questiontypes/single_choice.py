"""Single choice: one right choice among several (GIFT `=` right, `~` wrong)."""

from __future__ import annotations

import random
from typing import Any

from flask_babel import lazy_gettext as _l

from courses.learning.questiontypes.base import Data, GiftSyntax
from courses.learning.questiontypes.choices import ChoiceType
from courses.learning.questiontypes.registry import register


@register
class SingleChoice(ChoiceType):
    name = "single_choice"
    label = _l("Single choice")
    grading_rule = _l("One answer is right: choosing it scores the question in full.")
    position = 10
    gift_order = 85

    def validate(self, data: Data) -> list[str]:
        choices = data.get("choices", [])
        problems = []
        if len(choices) < 2:
            problems.append("A single-choice question needs at least two choices.")
        if sum(1 for c in choices if float(c.get("fraction", 0)) == 1.0) != 1:
            problems.append("A single-choice question needs exactly one right choice.")
        if any(not str(c.get("text", "")).strip() for c in choices):
            problems.append("Every choice needs a text.")
        return problems + self._weight_problems(data)

    def grade(self, frozen: Data, answer: Any) -> float:
        for choice in frozen["choices"]:
            if choice["id"] == answer:
                return max(0.0, min(1.0, choice["fraction"]))
        return 0.0

    def sample_answer(self, frozen: Data, right: bool, rng: random.Random) -> list[str]:
        choices = sorted(frozen["choices"], key=lambda c: -c["fraction"])
        return [choices[0]["id"] if right else rng.choice(choices[1:])["id"]]

    def read_gift(self, body: str, syntax: GiftSyntax) -> Data | None:
        """Both `=` and `~` answers."""
        entries = self._read_choices(body, syntax)
        markers = {marker for marker, _ in entries}
        return {"choices": [choice for _, choice in entries]} if markers == {"=", "~"} else None

    def _gift_prefix(self, fraction: float, syntax: GiftSyntax) -> str:
        if fraction == 1.0:
            return "="
        return "~" if fraction == 0 else "~" + syntax.format_weight(fraction)
