"""What grading says about each question of an attempt, as a value other features can read.

The attempt stores its results as JSON (a list of dicts, the shape below); code works with
QuestionResult and converts at the edges: `as_json` when storing, `results_from_json` when
reading a stored attempt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class QuestionResult:
    """One graded question: its key in the attempt, the share of its marks earned (0 to 1),
    and the competency and proficiency level it is tagged with (no code: untagged)."""

    key: str
    fraction: float
    competency_code: str | None
    level: int

    def as_json(self) -> dict[str, Any]:
        """The dict stored in the attempt's `results` column."""
        return {
            "key": self.key,
            "fraction": self.fraction,
            "competency_code": self.competency_code,
            "level": self.level,
        }

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> QuestionResult:
        return cls(
            key=str(stored.get("key", "")),
            fraction=float(stored.get("fraction", 0.0)),
            competency_code=stored.get("competency_code") or None,
            level=int(stored.get("level") or 0),
        )


def results_from_json(stored: Iterable[Mapping[str, Any]] | None) -> tuple[QuestionResult, ...]:
    """An attempt's stored results as QuestionResults (none for an ungraded attempt)."""
    return tuple(QuestionResult.from_json(entry) for entry in stored or ())
