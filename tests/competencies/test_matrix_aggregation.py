"""The HR skill-gap matrix as pure aggregation: gap classes, officer lines, roll-ups over the
unit tree and readiness by principle."""

from __future__ import annotations

from competencies.services.gaps import CompetencyInfo, PrincipleRef, gap_class, mean_gap_class
from competencies.services.matrix import (
    OWN_STAFF,
    TOTAL,
    OfficerRef,
    PostStats,
    Requirement,
    UnitRef,
    officer_lines,
    readiness_by_principle,
    roll_up,
    totals_by_competency,
    unit_lines,
)

# --- pure aggregation --------------------------------------------------------------------------

INTEGRITY = PrincipleRef(1, "P-INT", "Integrity", 1)
STANDARDS = PrincipleRef(2, "P-STD", "Standardization", 7)


def info(competency_id: int, code: str, *principles: PrincipleRef) -> CompetencyInfo:
    return CompetencyInfo(
        competency_id, code, code, 1, "F", 1, ("A", "T", "Ad", "E"), 2, tuple(principles)
    )


def unit(unit_id: int, path: str, parent_id: int | None) -> UnitRef:
    return UnitRef(unit_id, f"U{unit_id}", f"Unit {unit_id}", "office", path, 0, parent_id)


def test_gap_classes_say_how_far_short():
    assert [gap_class(g) for g in (None, 0, 1, 2, 3, 7)] == [
        "gap-none",
        "gap-0",
        "gap-1",
        "gap-2",
        "gap-3",
        "gap-3",
    ]
    assert [mean_gap_class(m) for m in (None, 0, 0.1, 1.4, 1.6, 2.4, 5)] == [
        "gap-none",
        "gap-0",
        "gap-1",
        "gap-1",
        "gap-2",
        "gap-2",
        "gap-3",
    ]


def test_officer_lines_align_cells_with_columns():
    officers = [
        OfficerRef(1, "A", "S1", "Unit", 10, "Clearance"),
        OfficerRef(2, "B", "S2", "Unit", None, ""),
    ]
    columns = [info(100, "X"), info(101, "Y")]
    lines = officer_lines(
        officers, columns, {10: {100: Requirement(3, True)}}, {(1, 100): 1, (1, 101): 4}
    )
    first, second = lines
    assert [(c.level, c.required, c.gap, c.css) for c in first.cells] == [
        (1, 3, 2, "gap-2"),
        (4, None, None, "gap-none"),
    ]
    assert first.cells[0].mandatory
    assert [(c.level, c.gap) for c in second.cells] == [(0, None), (0, None)]


def test_roll_up_sums_subtrees_and_keeps_own_staff_apart():
    top = unit(1, "/1/", None)
    units = [top, unit(2, "/1/2/", 1), unit(3, "/1/2/3/", 2), unit(4, "/1/4/", 1)]
    stats = {
        (1, 100): PostStats(1, 1, 0, 1),
        (2, 100): PostStats(2, 1, 1, 1),
        (3, 100): PostStats(3, 0, 6, 0),
        (4, 100): PostStats(4, 4, 0, 4),
        (4, 101): PostStats(1, 0, 2, 0),
        (99, 100): PostStats(50, 0, 0, 0),  # not in the subtree: ignored
    }
    rolled = roll_up(stats, units, top)
    assert rolled[TOTAL][100] == PostStats(10, 6, 7, 6)
    assert rolled[OWN_STAFF] == {100: PostStats(1, 1, 0, 1)}
    assert rolled[2][100] == PostStats(5, 1, 7, 1)  # unit 2 with unit 3 below it
    assert rolled[4] == {100: PostStats(4, 4, 0, 4), 101: PostStats(1, 0, 2, 0)}
    total = rolled[TOTAL][100]
    assert (total.below, total.share_meeting, total.mean_gap) == (4, 0.6, 0.7)

    columns = [info(100, "X"), info(101, "Y")]
    lines = unit_lines(rolled, top, [units[1], units[3]], columns)
    assert [(line.unit.id, line.kind) for line in lines] == [
        (1, TOTAL),
        (1, OWN_STAFF),
        (2, "child"),
        (4, "child"),
    ]
    assert lines[2].cells[1] == PostStats()  # nobody in unit 2 needs Y


def test_readiness_counts_a_competency_for_each_principle_it_serves():
    totals = totals_by_competency(
        {(1, 100): PostStats(4, 2, 2, 3), (2, 100): PostStats(6, 6, 0, 6), (1, 101): PostStats(5)}
    )
    bars = readiness_by_principle(
        totals,
        [info(100, "X", INTEGRITY, STANDARDS), info(101, "Y", STANDARDS)],
        [INTEGRITY, STANDARDS],
    )
    assert [(b.principle.code, b.stats.posts, b.stats.proficient) for b in bars] == [
        ("P-INT", 10, 9),
        ("P-STD", 15, 9),
    ]
    assert bars[0].stats.share_proficient == 0.9
