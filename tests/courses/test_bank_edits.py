"""An attempt keeps the copy of the questions it was given: editing the bank changes nothing
in an attempt already started or graded."""

from __future__ import annotations

import dataclasses

from courses.authoring.services.questions import save_question
from courses.learning.models import Attempt
from tests.courses.conftest import SINGLE, answers_for, attempt_id_from, post_form

EDITED = dataclasses.replace(
    SINGLE,
    text="Edited wording of the question",
    data={
        "choices": [
            {"id": "c1", "text": "The World Customs Organization", "fraction": 0},
            {
                "id": "c2",
                "text": "The World Trade Organization",
                "fraction": 1.0,
                "feedback": "Feedback-after-edit",
            },
            {"id": "c3", "text": "A brand new choice", "fraction": 0},
        ]
    },
    general_feedback="General feedback after the edit",
)


def start(client, built) -> int:
    url = f"/courses/{built.course.id}/items/{built.quiz.id}"
    return attempt_id_from(post_form(client, f"{url}/attempts", url))


def submit(client, db, attempt_id: int) -> None:
    form = answers_for(db.session.get(Attempt, attempt_id).snapshot, right=True)
    post_form(client, f"/attempts/{attempt_id}/submit", f"/attempts/{attempt_id}", form)


def edit_single_choice_question(db, built) -> None:
    question = next(q for q in built.questions if q.qtype == "single_choice")
    save_question(built.course, db.session.merge(question), EDITED)
    db.session.commit()


def test_a_graded_attempt_keeps_its_grade_and_review_after_the_bank_changes(
    client, db, login_as, officer, create_course
):
    built = create_course(
        lessons=1, attempts_allowed=5, review_shows="keys", review_when="after_last_attempt"
    )
    login_as(officer)
    attempt_id = start(client, built)
    submit(client, db, attempt_id)
    before = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Feedback-alpha" in before and "100%" in before

    edit_single_choice_question(db, built)

    after = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.score, attempt.passed) == (100.0, True)
    assert "Revised Kyoto Convention" in after
    assert "Feedback-alpha" in after and "General-charlie" in after
    for new_text in ("Edited wording", "Feedback-after-edit", "A brand new choice"):
        assert new_text not in after
    reviewed = next(
        block
        for block in after.split('<li class="review-question">')[1:]
        if "Revised Kyoto Convention" in block
    )
    right_answers = reviewed.split("Answers that earn marks", 1)[1].split("</dd>", 1)[0]
    assert "The World Customs Organization" in right_answers
    assert "The World Trade Organization" not in right_answers


def test_an_attempt_started_before_an_edit_shows_and_grades_the_old_question(
    client, db, login_as, officer, create_course
):
    built = create_course(lessons=1)
    login_as(officer)
    attempt_id = start(client, built)
    edit_single_choice_question(db, built)

    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Revised Kyoto Convention" in page
    assert "Edited wording" not in page and "A brand new choice" not in page
    submit(client, db, attempt_id)
    assert db.session.get(Attempt, attempt_id).score == 100.0

    # The next attempt is drawn from the bank as it is now.
    next_id = start(client, built)
    assert "Edited wording" in client.get(f"/attempts/{next_id}").get_data(as_text=True)
