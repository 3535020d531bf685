"""The bank checks' pure core (courses/authoring/services/bank_checks.py): each check at its
cut-off, without a database."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from courses.authoring.services.bank_checks import (
    BankQuestion,
    DrawRule,
    check_bank,
    find_duplicates,
    key_is_longest,
    normalise_text,
)

COURSE = SimpleNamespace(code="BANK-1", title="A bank", status="published")


def single(name: str, key: str, *others: str, **fields: Any) -> BankQuestion:
    choices = [{"id": "a", "text": key, "fraction": 1.0}]
    choices += [{"id": f"o{i}", "text": text, "fraction": 0} for i, text in enumerate(others)]
    return question(name, "single_choice", {"choices": choices}, **fields)


def true_false(name: str, answer: bool, **fields: Any) -> BankQuestion:
    return question(name, "true_false", {"answer": answer}, **fields)


def question(
    name: str,
    qtype: str,
    data: dict[str, Any],
    *,
    text: str | None = None,
    level: int = 1,
    code: str | None = "P-INT",
    category: str = "",
) -> BankQuestion:
    return BankQuestion(
        hash(name) % 10_000,
        name,
        qtype,
        text or f"Question about {name * 12}",
        level,
        code,
        category,
        data,
    )


def test_a_key_counts_as_longest_only_when_strictly_longer_than_every_other_option():
    assert key_is_longest(single("q", "a long right answer", "short", "tiny").data)
    assert not key_is_longest(single("q", "same", "also", "tiny").data)  # a tie
    assert not key_is_longest(single("q", "short", "much longer wrong answer").data)
    # Whitespace does not make an option longer.
    assert not key_is_longest(single("q", "abc  \n ", "abc").data)


def test_longest_keys_are_flagged_above_one_third_of_the_single_choice_questions():
    giveaway = single("G1", "the long and careful right answer", "no", "never")
    fair = [single(f"F{i}", "yes", "a much longer wrong answer") for i in range(2)]

    one_in_three = check_bank(COURSE, [giveaway, *fair], [DrawRule()])
    two_in_three = check_bank(
        COURSE, [giveaway, single("G2", "long right one", "x"), *fair[:1]], []
    )

    assert one_in_three.longest_key == ("G1",)
    assert not one_in_three.longest_key_flagged  # exactly one third is not above it
    assert two_in_three.longest_key_flagged
    assert two_in_three.problems == [
        "BANK-1: the key is the longest option in 2 of 3 single-choice questions (67 %, above "
        "one third): G1, G2."
    ]


def test_true_false_balance_is_flagged_outside_35_to_65_percent_of_true_keys():
    def share_flagged(trues: int, total: int) -> bool:
        bank = [
            true_false(f"T{i}", i < trues, text=f"Statement number {i} " * i) for i in range(total)
        ]
        return check_bank(COURSE, bank, []).true_false_flagged

    assert not share_flagged(7, 20)  # 35 %
    assert not share_flagged(13, 20)  # 65 %
    assert share_flagged(6, 20) and share_flagged(14, 20)
    assert share_flagged(0, 3) and share_flagged(3, 3)
    report = check_bank(COURSE, [true_false("A", False), true_false("B", False, text="Other.")], [])
    assert report.problems == ["BANK-1: 0 of 2 true/false keys are True (0 %, outside 35–65 %)."]
    assert not check_bank(COURSE, [single("S", "a", "b")], []).true_false_flagged  # none at all


def test_duplicates_are_equal_normalised_texts_and_near_ones_above_the_ratio():
    assert normalise_text("  The **Arusha**   Declaration: which year?") == (
        "the arusha declaration which year"
    )
    same = question("A", "true_false", {}, text="Is a *gift* ever acceptable to an officer?")
    same_again = question("B", "true_false", {}, text="is a gift ever   acceptable to an officer")
    near = question("C", "true_false", {}, text="Is a gift ever acceptable to any officer?")
    other = question("D", "true_false", {}, text="Who signs the declaration of goods?")

    pairs = {(p.first, p.second): p for p in find_duplicates([same, same_again, near, other])}

    assert set(pairs) == {("A", "B"), ("A", "C"), ("B", "C")}
    assert pairs["A", "B"].exact and not pairs["A", "C"].exact
    assert 0.9 < pairs["A", "C"].ratio < 1
    problems = check_bank(COURSE, [same, same_again, near], []).problems
    assert "BANK-1: duplicate questions A and B." in problems
    assert any(
        p.startswith("BANK-1: near-duplicate questions A and C (similarity 0.") for p in problems
    )


def test_coverage_counts_only_what_an_evidencing_quiz_can_draw():
    bank = [
        true_false("L1", True, level=1, category="basics", text="One."),
        true_false("L2", False, level=2, category="basics", text="Two."),
        true_false("L3", True, level=3, category="advanced", text="Three."),
        true_false("Untagged", False, level=1, code=None, text="Four."),
    ]
    draws = [DrawRule(category="basics", draw_mode="per_level", draw_per_level={"1": 1})]

    coverage = {
        (row.competency_code, row.level): row for row in check_bank(COURSE, bank, draws).coverage
    }

    assert {place: (row.questions, row.drawn) for place, row in coverage.items()} == {
        ("P-INT", 1): (1, 1),
        ("P-INT", 2): (1, 0),  # the quiz draws level 1 only
        ("P-INT", 3): (1, 0),  # another category
        (None, 1): (1, 0),  # untagged: evidences nothing
    }
    assert check_bank(COURSE, bank, []).coverage[0].drawn == 0  # no quiz at all


def numbered(code: str | None, level: int, n: int) -> list[BankQuestion]:
    return [
        true_false(
            f"{code}-{level}-{i}", i % 2 == 0, level=level, code=code, text=f"{code} {level} {i}"
        )
        for i in range(n)
    ]


def test_coverage_is_what_one_attempt_holds_at_most_whatever_the_mode():
    """Every question of the pool; no more than a level's count; a competency level's count,
    or all of a smaller group. Two quizzes: the larger figure, not their sum."""
    bank = numbered("P-INT", 1, 5) + numbered("P-INT", 2, 2) + numbered("INT-COC", 1, 4)

    def held(*draws: DrawRule) -> dict[tuple[str | None, int], int]:
        return {
            (r.competency_code, r.level): r.drawn for r in check_bank(COURSE, bank, draws).coverage
        }

    assert held(DrawRule()) == {("P-INT", 1): 5, ("P-INT", 2): 2, ("INT-COC", 1): 4}
    per_level = DrawRule(draw_mode="per_level", draw_per_level={"1": 3})
    assert held(per_level) == {("P-INT", 1): 3, ("P-INT", 2): 0, ("INT-COC", 1): 3}
    per_place = DrawRule(draw_mode="per_competency_level", draw_count=3)
    assert held(per_place) == {("P-INT", 1): 3, ("P-INT", 2): 2, ("INT-COC", 1): 3}
    assert held(per_level, DrawRule(draw_mode="per_competency_level", draw_count=1)) == {
        ("P-INT", 1): 3,
        ("P-INT", 2): 1,
        ("INT-COC", 1): 3,
    }


def test_an_assessment_whose_pool_holds_less_than_twice_its_draw_is_a_problem():
    bank = numbered("P-INT", 1, 8) + numbered("P-INT", 2, 2) + numbered(None, 1, 3)
    per_place = DrawRule(draw_mode="per_competency_level", draw_count=2, title="Final")

    report = check_bank(COURSE, bank, [per_place])

    [draw] = report.assessments
    # 2 of P-INT L1, 2 of P-INT L2 (all it has), 2 of the untagged level-1 questions.
    assert (draw.title, draw.pool, draw.drawn) == ("Final", 13, 6)
    assert [(g.competency_code, g.level, g.questions, g.drawn) for g in draw.groups] == [
        ("P-INT", 1, 8, 2),
        ("P-INT", 2, 2, 2),
    ]
    assert report.problems == []  # 13 >= 2 x 6
    every = check_bank(COURSE, bank, [DrawRule(title="Final")])
    assert every.problems == [
        "BANK-1: assessment 'Final' draws 13 of the 13 questions of its pool; a pool holds at "
        "least twice the draw (26) so that attempts differ: add questions or draw fewer."
    ]
    three = DrawRule(draw_mode="per_competency_level", draw_count=3, title="Final")
    assert check_bank(COURSE, bank, [three]).problems == [  # 3 + 2 + 3 = 8 of 13
        "BANK-1: assessment 'Final' draws 8 of the 13 questions of its pool; a pool holds at "
        "least twice the draw (16) so that attempts differ: add questions or draw fewer."
    ]
