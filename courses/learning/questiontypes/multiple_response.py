"""Multiple response: several right choices, each with its share of the marks, and penalties
for wrong ones (GIFT: every answer `~%weight%`)."""

from __future__ import annotations

import math
import random
from typing import Any

from flask_babel import lazy_gettext as _l

from courses.learning.questiontypes.base import Data, GiftSyntax
from courses.learning.questiontypes.choices import ChoiceType
from courses.learning.questiontypes.registry import register


@register
class MultipleResponse(ChoiceType):
    name = "multiple_response"
    label = _l("Multiple response")
    grading_rule = _l(
        "Several answers may be right. Each right answer chosen adds its share of the marks; "
        "each wrong answer chosen takes its penalty away. The total is never below 0% or above "
        "100%."
    )
    position = 20
    gift_order = 90

    def validate(self, data: Data) -> list[str]:
        choices = data.get("choices", [])
        problems = []
        if len(choices) < 2:
            problems.append("A multiple-response question needs at least two choices.")
        positive = sum(
            float(c.get("fraction", 0)) for c in choices if float(c.get("fraction", 0)) > 0
        )
        if not math.isclose(positive, 1.0, abs_tol=0.011):
            problems.append(
                f"The weights of the right choices add up to {positive * 100:g}%; they must add "
                "up to 100%."
            )
        # Without penalties, ticking every box would earn the marks of the right choices.
        everything = sum(float(c.get("fraction", 0)) for c in choices)
        if any(float(c.get("fraction", 0)) <= 0 for c in choices) and everything > 0.011:
            problems.append(
                f"Ticking every box would score {everything * 100:g}%: give the wrong choices "
                "penalties (negative weights) that add up to at least -100%, so that ticking "
                "everything earns nothing."
            )
        if any(not str(c.get("text", "")).strip() for c in choices):
            problems.append("Every choice needs a text.")
        return problems

    def read_answer(self, values: list[str]) -> list[str]:
        return sorted({value[:20] for value in values})[:50]

    def grade(self, frozen: Data, answer: Any) -> float:
        chosen = set(answer) if isinstance(answer, list) else set()
        total = sum(c["fraction"] for c in frozen["choices"] if c["id"] in chosen)
        return max(0.0, min(1.0, total))

    def sample_answer(self, frozen: Data, right: bool, rng: random.Random) -> list[str]:
        good = [c["id"] for c in frozen["choices"] if c["fraction"] > 0]
        if right:
            return good
        return good[:1] + [c["id"] for c in frozen["choices"] if c["fraction"] < 0][:1]

    def read_gift(self, body: str, syntax: GiftSyntax) -> Data | None:
        """Only `~` answers (weighted)."""
        entries = self._read_choices(body, syntax)
        markers = {marker for marker, _ in entries}
        return {"choices": [choice for _, choice in entries]} if markers == {"~"} else None
