"""`flask catalogue check` on an assessment drawing per competency and level: it evidences
exactly the competency levels whose pool holds at least the framework's N questions when its
count reaches N; the pool must hold twice the draw; a competency level it is meant to evidence
on fewer than N questions, or a count below N, is named."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competencies.models import Competency, Framework, PositionRequirement
from courses.authoring.services import authored_courses, quizzes, structure
from courses.authoring.services.questions import QuestionInput, save_question
from courses.learning.models import CourseStatus

STATEMENTS = {  # (competency, level) -> statements with their truth
    ("P-INT", 1): [
        ("An officer offered a gift by a trader reports the offer.", True),
        ("Rotating staff between posts removes every integrity risk on its own.", False),
        ("The code of conduct binds senior managers as well as frontline officers.", True),
        ("Declaring a conflict of interest after the decision is enough.", False),
        ("Published procedures narrow the room for discretionary payments.", True),
        ("Integrity is the business of the internal audit unit alone.", False),
    ],
    ("MGT-PPL", 1): [
        ("A code says where officers take their questions about hospitality.", True),
        ("Official information may serve private trading when nobody is harmed.", False),
        ("Breaches of the code meet proportionate and consistent sanctions.", True),
        ("Signing the code at recruitment is all the training an officer needs.", False),
        ("Staff know whom to tell, in confidence, of a suspected breach.", True),
        ("A code of conduct is advice only and can never be enforced.", False),
    ],
    ("P-INT", 2): [
        ("You step aside when a relative's firm lodges a declaration at your post.", True),
        ("An unsigned complaint about an officer may be ignored.", False),
    ],
}


@pytest.fixture
def assessment(db, runner, create_unit, root_unit, create_position):
    """Builder: a published course FIN-1 whose one assessment draws `count` of each competency
    and level from the STATEMENTS of the given places; a position CHK requiring P-INT and
    MGT-PPL at 1, and SNR requiring P-INT at 2. The frameworks' N is 3."""
    runner.invoke(args=["frameworks", "load-defaults"])
    unit = create_unit("NCTC", parent=root_unit, kind="training_centre")
    positions = {code: create_position(code).id for code in ("CHK", "SNR")}
    codes = {c.code: c.id for c in db.session.scalars(select(Competency))}
    for position, code, level in (("CHK", "P-INT", 1), ("CHK", "MGT-PPL", 1), ("SNR", "P-INT", 2)):
        db.session.add(
            PositionRequirement(
                position_id=positions[position], competency_id=codes[code], required_level=level
            )
        )

    def build(count: int, places: tuple[tuple[str, int], ...]):
        course = authored_courses.create_course(
            authored_courses.CourseDetails("FIN-1", "Integrity", "One assessment."),
            training_unit_id=unit.id,
        )
        module = structure.add_module(course, "Module", ["P-INT"], ["P-INT", "MGT-PPL"])
        settings = quizzes.QuizSettings(draw_mode="per_competency_level", draw_count=count)
        quizzes.add_quiz(module, "Final assessment", settings)
        for code, level in places:
            for text, answer in STATEMENTS[code, level]:
                save_question(
                    course, None, QuestionInput("true_false", text, level, {"answer": answer}, code)
                )
        course.status = CourseStatus.PUBLISHED.value
        db.session.commit()
        return course

    return build


def check(runner) -> tuple[int, str, list[str]]:
    result = runner.invoke(args=["catalogue", "check"])
    problems = [line[2:] for line in result.output.splitlines() if line.startswith("- ")]
    return result.exit_code, result.output, problems


def test_a_good_bank_drawn_per_competency_level_evidences_each_level_with_no_problem(
    assessment, runner
):
    assessment(3, (("P-INT", 1), ("MGT-PPL", 1)))

    code, output, problems = check(runner)

    assert "can evidence: MGT-PPL L1 3/6, P-INT L1 3/6\n" in output
    assert "draws: 'Final assessment' 6 of 12 (3 of each competency and level)\n" in output
    assert "Position requirements: 2 of 3 can be evidenced" in output
    assert [p for p in problems if p.startswith("FIN-1")] == []
    assert problems == [  # only the level no question reaches
        "RKC-PRINCIPLES: SNR requires P-INT (Integrity) at level 2 (Trained, mandatory), which "
        "no published course can evidence with at least 3 question(s) of that level: the "
        "highest level any published course can evidence is 1, in FIN-1."
    ]
    assert code == 1


def test_a_level_below_n_evidences_nothing_and_a_thin_pool_is_named(assessment, runner):
    """P-INT L2 has two questions: an attempt holds both, one short of N = 3. The pool of 14
    holds less than twice the 8 drawn (3 + 3 + 2)."""
    assessment(3, (("P-INT", 1), ("MGT-PPL", 1), ("P-INT", 2)))

    code, output, problems = check(runner)

    assert code == 1
    assert "true/false (50 %); 0 duplicate pair(s); 2 problem(s)\n" in output
    assert "can evidence: MGT-PPL L1 3/6, P-INT L1 3/6, P-INT L2 2\n" in output
    assert "Position requirements: 2 of 3 can be evidenced" in output
    assert problems[:2] == [
        "FIN-1: assessment 'Final assessment' draws 8 of the 14 questions of its pool; a pool "
        "holds at least twice the draw (16) so that attempts differ: add questions or draw "
        "fewer.",
        "FIN-1: assessment 'Final assessment' is meant to evidence 1 competency level that "
        "rests on fewer questions than the evidence rule needs (in its pool/needed): P-INT L2 "
        "2/3; add questions.",
    ]
    assert "SNR requires P-INT (Integrity) at level 2" in problems[2]


def test_a_count_below_a_frameworks_n_evidences_none_of_its_levels(assessment, db, runner):
    """Drawing 2 of each: MGT-PPL's framework asking 2 is evidenced, P-INT's asking 3 is not."""
    assessment(2, (("P-INT", 1), ("MGT-PPL", 1)))
    management = db.session.scalar(select(Framework).where(Framework.code == "PICARD-MGT"))
    management.min_questions_per_level = 2
    db.session.commit()

    code, output, problems = check(runner)

    assert code == 1
    assert "can evidence: MGT-PPL L1 2/6, P-INT L1 2/6\n" in output
    assert "Position requirements: 1 of 3 can be evidenced" in output
    assert problems[0] == (
        "FIN-1: assessment 'Final assessment' draws 2 question(s) of each competency and level, "
        "fewer than the evidence rule needs for P-INT (3): it can evidence none of their "
        "levels; draw at least that many."
    )
    assert not any("MGT-PPL (People" in p or "requires MGT-PPL" in p for p in problems)
