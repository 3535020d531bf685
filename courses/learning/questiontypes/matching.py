"""Matching: each item is paired with one answer chosen from a shared list, which may hold extra
wrong answers; each right pair earns its share of the marks (GIFT: `=item -> answer`, and
`= -> answer` for an extra wrong answer, as Moodle writes them)."""

from __future__ import annotations

import random
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import escape
from wtforms import Field, FieldList, Form, FormField, StringField, TextAreaField
from wtforms.validators import Length
from wtforms.validators import ValidationError as FieldError

from courses.learning.questiontypes.base import (
    Data,
    GiftSyntax,
    GiftSyntaxError,
    QuestionType,
    normalise_newlines,
)
from courses.learning.questiontypes.registry import register
from lms.accounts.forms import strip_whitespace
from lms.markdown import render_markdown

PAIR_ROWS = 6
MAX_PAIR_ROWS = 20
# Moodle refuses a matching question with fewer (its edit form's minimum, also on import).
MIN_PAIRS, MIN_ANSWERS = 2, 3
_ONE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.S)


def check_pairs(form: Form, field: FieldList) -> None:
    for index, row in enumerate(field.entries, start=1):
        if bool(row.prompt.data) != bool(row.answer.data):
            raise FieldError(_l("Pair %(n)d needs both an item and its answer.", n=index))


class PairRowForm(Form):
    """One pair (labels come from the template, which numbers the rows)."""

    prompt = StringField(_l("Item"), filters=[strip_whitespace], validators=[Length(max=2000)])
    answer = StringField(_l("Answer"), filters=[strip_whitespace], validators=[Length(max=500)])


def _answers(data: Data) -> list[str]:
    """Every answer offered, once each, pairs' answers first."""
    texts = [p.get("answer", "") for p in data.get("pairs", [])] + data.get("distractors", [])
    return list(dict.fromkeys(str(text).strip() for text in texts))


def _inline(html: str) -> str:
    match = _ONE_PARAGRAPH.match(html.strip())
    return match.group(1) if match else html


def _chosen(answer: Any) -> dict[str, str]:
    """The officer's pairs, {item id: answer id}, from values 'm1:o2' (anything else ignored)."""
    values = answer if isinstance(answer, list) else []
    pairs = (str(value).split(":", 1) for value in values if ":" in str(value))
    return {item: option for item, option in pairs}


@register
class Matching(QuestionType):
    name = "matching"
    label = _l("Matching")
    grading_rule = _l(
        "Choose the answer that goes with each item. Each right pair earns its share of the "
        "marks (with four items, each is worth 25%); a wrong or missing pair earns nothing."
    )
    position = 60
    # Before short text, which would take `=item -> answer` as a typed answer.
    gift_order = 70

    def validate(self, data: Data) -> list[str]:
        pairs = data.get("pairs", [])
        problems = []
        if len(pairs) < MIN_PAIRS or len(_answers(data)) < MIN_ANSWERS:
            problems.append(
                f"A matching question needs at least {MIN_PAIRS} items and {MIN_ANSWERS} "
                "different answers (extra wrong answers count)."
            )
        if any(
            not str(p.get("prompt", "")).strip() or not str(p.get("answer", "")).strip()
            for p in pairs
        ) or any(not str(text).strip() for text in data.get("distractors", [])):
            problems.append("Every item needs a text and an answer, and no answer is empty.")
        if any("->" in str(p.get("prompt", "")) for p in pairs):
            problems.append("An item cannot contain '->' (GIFT reads it as the pair's arrow).")
        return problems

    def freeze(self, data: Data, rng: random.Random, shuffle: bool) -> Data:
        """Answers always shuffled (their order would pair them with the items, as Moodle
        shuffles them); items in the author's order unless the quiz shuffles."""
        texts = _answers(data)
        rng.shuffle(texts)
        options = [{"id": f"o{i}", "text": text} for i, text in enumerate(texts, start=1)]
        option_of = {o["text"]: o["id"] for o in options}
        items = [
            {"html": render_markdown(p["prompt"]), "answer": option_of[p["answer"].strip()]}
            for p in data["pairs"]
        ]
        if shuffle:
            rng.shuffle(items)
        return {
            "prompts": [{"id": f"m{i}", **item} for i, item in enumerate(items, start=1)],
            "options": options,
        }

    def public(self, frozen: Data) -> Data:
        return {
            "prompts": [{"id": item["id"], "html": item["html"]} for item in frozen["prompts"]],
            "options": frozen["options"],
        }

    def read_answer(self, values: list[str]) -> list[str]:
        return sorted({value[:20] for value in values if ":" in value})[:50]

    def grade(self, frozen: Data, answer: Any) -> float:
        chosen = _chosen(answer)
        right = sum(1 for item in frozen["prompts"] if chosen.get(item["id"]) == item["answer"])
        return right / len(frozen["prompts"]) if frozen["prompts"] else 0.0

    def _pair_html(self, item: Data, option_id: str | None, frozen: Data) -> str | None:
        text = next((o["text"] for o in frozen["options"] if o["id"] == option_id), None)
        return None if text is None else f"{_inline(item['html'])} → {escape(text)}"

    def answer_html(self, frozen: Data, answer: Any) -> list[str]:
        chosen = _chosen(answer)
        shown = (
            self._pair_html(item, chosen.get(item["id"]), frozen) for item in frozen["prompts"]
        )
        return [html for html in shown if html]

    def marked_answers(self, frozen: Data) -> list[tuple[str, float]]:
        share = 1 / len(frozen["prompts"]) if frozen["prompts"] else 0.0
        return [
            (self._pair_html(item, item["answer"], frozen) or "", share)
            for item in frozen["prompts"]
        ]

    def sample_answer(self, frozen: Data, right: bool, rng: random.Random) -> list[str]:
        ids = [o["id"] for o in frozen["options"]]
        return [
            f"{item['id']}:"
            + (item["answer"] if right else rng.choice([i for i in ids if i != item["answer"]]))
            for item in frozen["prompts"]
        ]

    # --- authoring: one row per pair, extra wrong answers one per line --------------------------

    def form_fields(self) -> dict[str, Field]:
        return {
            "pairs": FieldList(
                FormField(PairRowForm),
                min_entries=PAIR_ROWS,
                max_entries=MAX_PAIR_ROWS,
                validators=[check_pairs],
            ),
            "distractors": TextAreaField(
                _l("Extra wrong answers, one per line"),
                filters=[normalise_newlines],
                validators=[Length(max=5000)],
                description=_l("Offered with the answers of the pairs, never right."),
            ),
        }

    def data_from_form(self, form: Form) -> Data:
        rows = [row for row in form.pairs.entries if row.prompt.data or row.answer.data]
        lines = [line.strip() for line in (form.distractors.data or "").splitlines()]
        return {
            "pairs": [
                {"prompt": row.prompt.data or "", "answer": row.answer.data or ""} for row in rows
            ],
            "distractors": [line for line in dict.fromkeys(lines) if line],
        }

    def form_values(self, data: Data) -> dict[str, Any]:
        return {
            "pairs": [
                {"prompt": p.get("prompt", ""), "answer": p.get("answer", "")}
                for p in data.get("pairs", [])[:MAX_PAIR_ROWS]
            ],
            "distractors": "\n".join(data.get("distractors", [])),
        }

    def form_drops_details(self, data: Data) -> bool:
        return len(data.get("pairs", [])) > MAX_PAIR_ROWS

    # --- GIFT: `=item -> answer`, `= -> extra wrong answer` -----------------------------------

    def read_gift(self, body: str, syntax: GiftSyntax) -> Data | None:
        entries = syntax.answer_entries(body)
        arrows = [entry for _, entry in entries if "->" in entry]
        if not arrows:
            return None
        odd = next(
            (marker + entry for marker, entry in entries if marker != "=" or "->" not in entry),
            None,
        )
        if odd is not None:
            raise GiftSyntaxError(
                "In a matching question every answer is '=item -> answer' "
                "('= -> answer' for an extra wrong one).",
                near=odd,
            )
        pairs, distractors = [], []
        for entry in arrows:
            prompt, answer = entry.split("->", 1)
            if prompt.strip():
                pairs.append({"prompt": syntax.text(prompt), "answer": syntax.restore(answer)})
            else:
                distractors.append(syntax.restore(answer))
        return {"pairs": pairs, "distractors": distractors}

    def write_gift(self, data: Data, syntax: GiftSyntax) -> str:
        lines = [
            f"\t={syntax.escape(p['prompt'])} -> {syntax.escape(p['answer'])}"
            for p in data["pairs"]
        ]
        lines += [f"\t= -> {syntax.escape(text)}" for text in data.get("distractors", [])]
        return "\n" + "\n".join(lines)
