"""A changed question is a new version: an attempt keeps the questions it was graded on (its
snapshot), so editing or re-tagging a bank question (by hand, or by the competency model's
upgrade) changes no graded attempt's questions, score, evidence or result page."""

from __future__ import annotations

from sqlalchemy import select

from competencies.models import Evidence
from competencies.services.evidence import question_names
from competencies.services.reference_data import load_reference_data
from courses.authoring.services import authored_courses, publishing, quizzes, structure
from courses.authoring.services.questions import QuestionInput, save_question
from courses.competency_tags import move_competency_tags
from courses.learning.models import Attempt
from courses.learning.services import attempts as attempt_service
from courses.learning.services.principles import ensure_principles
from lms.extensions import db as _db


def statement(n: int, *, text: str, code: str = "P-INT", answer: bool = True) -> QuestionInput:
    return QuestionInput(
        qtype="true_false",
        name=f"gift-rule-{n}",
        text=text,
        level=2,
        competency_code=code,
        data={"answer": answer},
    )


def test_editing_and_retagging_questions_leaves_graded_attempts_as_graded(
    db, client, login_as, create_user, create_unit, root_unit
):
    load_reference_data()
    ensure_principles()
    centre = create_unit("NTC", parent=root_unit, kind="training_centre")
    course = authored_courses.create_course(
        authored_courses.CourseDetails("GIFT-1", "Gifts", "The gifts rule."),
        training_unit_id=centre.id,
    )
    module = structure.add_module(course, "Gifts", ["P-INT"], ["P-INT"])
    quiz = quizzes.add_quiz(module, "Gifts assessment", quizzes.QuizSettings())
    bank = [
        save_question(course, None, statement(n, text=f"Original wording {n} of the gifts rule."))
        for n in range(3)
    ]
    _db.session.refresh(course)
    publishing.set_status(course, "published")
    officer = create_user("officer@customs.example")
    attempt = attempt_service.start_attempt(officer.id, quiz)
    form = {f"answer-{e['key']}": ["true"] for e in attempt.snapshot}
    attempt_service.submit_attempt(officer.id, attempt.id, form)
    _db.session.commit()
    graded = _db.session.execute(
        select(Attempt.snapshot, Attempt.results, Attempt.score).where(Attempt.id == attempt.id)
    ).one()
    evidence = _db.session.execute(select(Evidence.competency_id, Evidence.level)).all()
    assert graded.score == 100 and evidence and evidence[0][1] == 2

    # A trainer rewrites every question, flips its key and renames it; the upgrade re-tags.
    for n, question in enumerate(bank):
        save_question(
            course,
            question,
            statement(n + 10, text=f"Rewritten wording {n}.", code="P-ACC", answer=False),
        )
    move_competency_tags("P-ACC", "P-TRA")
    _db.session.commit()

    after = _db.session.execute(
        select(Attempt.snapshot, Attempt.results, Attempt.score).where(Attempt.id == attempt.id)
    ).one()
    assert tuple(after) == tuple(graded)
    assert _db.session.execute(select(Evidence.competency_id, Evidence.level)).all() == evidence
    assert sorted(question_names(after.snapshot).values()) == [
        "gift-rule-0",
        "gift-rule-1",
        "gift-rule-2",
    ]
    page = login_as(officer).get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Original wording 0 of the gifts rule." in page
    assert "Rewritten wording" not in page
