"""Short text: a typed answer matched against accepted answers, ignoring capitals and extra
spaces, `*` standing for any text as in Moodle (`\\*` for an asterisk) (GIFT: only `=`
answers)."""

from __future__ import annotations

import random
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import escape
from wtforms import Field, Form, TextAreaField
from wtforms.validators import Length

from courses.learning.questiontypes.base import (
    Data,
    GiftSyntax,
    TypedAnswerType,
    normalise_newlines,
    weight_problems,
)
from courses.learning.questiontypes.registry import register
from lms.markdown import render_markdown


def normalise_text_answer(text: str) -> str:
    return " ".join(text.split()).casefold()


_WILDCARD = re.compile(r"(?<!\\)\*")


def matches_accepted(accepted: str, typed: str) -> bool:
    """Whether a typed answer (normalised) matches an accepted one: each `*` any text, `\\*` an
    asterisk, every other character itself (escaped, so an answer cannot inject a pattern)."""
    pieces = [
        piece.replace("\\*", "*") for piece in _WILDCARD.split(normalise_text_answer(accepted))
    ]
    if len(pieces) == 1:
        return pieces[0] == typed
    return re.fullmatch(".*".join(map(re.escape, pieces)), typed, re.DOTALL) is not None


@register
class ShortText(TypedAnswerType):
    name = "short_text"
    label = _l("Short text")
    grading_rule = _l(
        "An answer matching one of the accepted answers scores in full. Capitals and extra "
        "spaces do not matter."
    )
    position = 50
    gift_order = 80

    def validate(self, data: Data) -> list[str]:
        answers = data.get("answers", [])
        if not answers or any(not str(a.get("text", "")).strip() for a in answers):
            return ["A short-text question needs at least one accepted answer, none empty."]
        return weight_problems([float(a.get("fraction", 1.0)) for a in answers])

    def freeze(self, data: Data, rng: random.Random, shuffle: bool) -> Data:
        return {
            "answers": [
                {
                    "text": a["text"],
                    "fraction": float(a.get("fraction", 1.0)),
                    "feedback_html": render_markdown(a.get("feedback", "")),
                }
                for a in data["answers"]
            ]
        }

    def _match(self, frozen: Data, answer: Any) -> Data | None:
        typed = normalise_text_answer(answer) if isinstance(answer, str) else ""
        hits = [a for a in frozen["answers"] if typed and matches_accepted(a["text"], typed)]
        return max(hits, key=lambda a: a["fraction"], default=None)

    def marked_answers(self, frozen: Data) -> list[tuple[str, float]]:
        right = sorted(
            (a for a in frozen["answers"] if a["fraction"] > 0), key=lambda a: -a["fraction"]
        )
        return [(str(escape(a["text"])), a["fraction"]) for a in right]

    def sample_answer(self, frozen: Data, right: bool, rng: random.Random) -> list[str]:
        return [frozen["answers"][0]["text"] if right else "not sure"]

    # --- authoring: accepted answers, one per line ---------------------------------------------

    def form_fields(self) -> dict[str, Field]:
        return {
            "accepted_answers": TextAreaField(
                _l("Accepted answers, one per line"),
                filters=[normalise_newlines],
                validators=[Length(max=5000)],
                description=_l(
                    "Capitals and extra spaces in an officer's answer do not matter; * stands "
                    "for any text (\\* for an asterisk)."
                ),
            )
        }

    def data_from_form(self, form: Form) -> Data:
        lines = [line.strip() for line in (form.accepted_answers.data or "").splitlines()]
        return {
            "answers": [
                {"text": line, "fraction": 1.0, "feedback": ""}
                for line in dict.fromkeys(lines)
                if line
            ]
        }

    def form_values(self, data: Data) -> dict[str, Any]:
        accepted = [a.get("text", "") for a in data.get("answers", []) if a.get("fraction", 1) > 0]
        return {"accepted_answers": "\n".join(accepted)}

    def form_drops_details(self, data: Data) -> bool:
        """Partial credit or feedback on an accepted answer (imported from GIFT)."""
        return any(
            float(a.get("fraction", 1)) != 1.0 or a.get("feedback") for a in data.get("answers", [])
        )

    # --- GIFT ----------------------------------------------------------------------------------

    def read_gift(self, body: str, syntax: GiftSyntax) -> Data | None:
        entries = syntax.answer_entries(body)
        if any(marker == "~" for marker, _ in entries):
            return None
        accepted = []
        for _, entry in entries:
            weight, entry = syntax.weight(entry.strip())
            text, feedback = syntax.split_feedback(entry)
            accepted.append(
                {
                    "text": syntax.restore(text),
                    "fraction": 1.0 if weight is None else weight,
                    "feedback": syntax.text(feedback),
                }
            )
        return {"answers": accepted}

    def write_gift(self, data: Data, syntax: GiftSyntax) -> str:
        lines = []
        for answer in data["answers"]:
            fraction = answer["fraction"]
            weight = "" if fraction == 1.0 else syntax.format_weight(fraction)
            lines.append(
                f"\t={weight}{syntax.escape(answer['text'])}"
                f"{syntax.feedback(answer.get('feedback', ''))}"
            )
        return "\n" + "\n".join(lines)
