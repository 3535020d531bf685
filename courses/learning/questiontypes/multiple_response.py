"""Multiple response: several right choices, each with its share of the marks, and penalties
for wrong ones (GIFT: every answer `~%weight%`)."""

from __future__ import annotations

import math
import random
from typing import Any

from flask_babel import lazy_gettext as _l

from courses.learning.questiontypes.base import MOODLE_PERCENTS, Data, GiftSyntax
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
        return problems + self._weight_problems(data)

    def read_answer(self, values: list[str]) -> list[str]:
        return sorted({value[:20] for value in values})[:50]

    def grade(self, frozen: Data, answer: Any) -> float:
        chosen = set(answer) if isinstance(answer, list) else set()
        total = sum(c["fraction"] for c in frozen["choices"] if c["id"] in chosen)
        # Moodle's thirds (33.33333% each) add up to 99.99999%: full marks all the same.
        return max(0.0, min(1.0, round(total, 5)))

    def sample_answer(self, frozen: Data, right: bool, rng: random.Random) -> list[str]:
        good = [c["id"] for c in frozen["choices"] if c["fraction"] > 0]
        if right:
            return good
        return good[:1] + [c["id"] for c in frozen["choices"] if c["fraction"] < 0][:1]

    def read_gift(self, body: str, syntax: GiftSyntax) -> Data | None:
        """Only `~` answers (weighted). Moodle's usual question leaves its wrong answers at 0%,
        so that ticking every box scores 100%: they are given penalties (see gift_notes)."""
        entries = self._read_choices(body, syntax)
        markers = {marker for marker, _ in entries}
        if markers != {"~"}:
            return None
        choices = [choice for _, choice in entries]
        penalty = _penalty_for_free_wrong_choices(choices)
        for choice in choices:
            if penalty and choice["fraction"] == 0:
                choice["fraction"] = -penalty
        return {"choices": choices}

    def gift_notes(self, body: str, syntax: GiftSyntax) -> list[str]:
        choices = [choice for _, choice in self._read_choices(body, syntax)]
        penalty = _penalty_for_free_wrong_choices(choices)
        if not penalty:
            return []
        return [
            f"The wrong answers scored 0%, so ticking every box would have scored 100%: each "
            f"wrong answer ticked now takes away {syntax.format_weight(penalty).strip('%')}%, "
            "so that ticking every box scores nothing."
        ]


def _penalty_for_free_wrong_choices(choices: list[Data]) -> float:
    """The penalty a wrong choice gets when no choice has one: the wrong choices together take
    away 100%, so ticking every box scores nothing (as validate asks), each the smallest weight
    of Moodle's list that does it; 0 when no wrong choice is free."""
    free = sum(1 for c in choices if c["fraction"] == 0)
    if not free or any(c["fraction"] < 0 for c in choices):
        return 0.0
    weights = sorted(float(p) / 100 for p in MOODLE_PERCENTS[:-1])
    return next(w for w in weights if w * free >= 1 - _MOODLE_ROUNDING)


# Moodle's thirds (33.33333% each) add up to 99.99999%, which counts as 100%.
_MOODLE_ROUNDING = 0.00001
